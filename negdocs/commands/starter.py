"""`negdocs new`: a commented starting plan for a context, ready to edit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from negdocs.errors import NegdocsError, Problem
from negdocs.load.files import escapes
from negdocs.load.model import is_slug

STARTERS = Path(__file__).parent / "starters"
OFFSETS = {"__CLOSE_BY__": 60, "__DEADLINE__": 30, "__ESCALATE_BY__": 40, "__DUE__": 75}  # days from today


def starter_text(context: str, deal_id: str, strategy: str = "power-based", today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    text = (STARTERS / f"{context}.yaml").read_text(encoding="utf-8")
    values = {"__ID__": deal_id, "__TITLE__": deal_id.replace("-", " ").capitalize()}
    values.update({token: (today + dt.timedelta(days=days)).isoformat() for token, days in OFFSETS.items()})
    for token, value in values.items():
        text = text.replace(token, value)
    return text.replace("strategy: power-based", f"strategy: {strategy}", 1)


def new(context: str, deal_id: str, strategy: str, root: Path) -> Path:
    """Write ``playbooks/<context>/<id>.yaml``; never overwrite anything."""
    from negdocs.analyse.strategy import load_packs

    if not is_slug(deal_id) or len(deal_id) > 80 or deal_id == "index":
        raise NegdocsError(Problem(deal_id, 0, "not a valid id: use up to 80 lowercase letters, digits and hyphens "
                                   "(and not `index`)", "usage"))
    packs = load_packs(root)
    if strategy not in packs:
        raise NegdocsError(Problem(strategy, 0, f"unknown strategy; available: {', '.join(sorted(packs))}", "usage"))
    target = root / "playbooks" / context / f"{deal_id}.yaml"
    clash = [p for p in (root / "playbooks").rglob(f"{deal_id}.y*ml")] if (root / "playbooks").is_dir() else []
    if target.exists() or clash:
        where = (clash or [target])[0].relative_to(root).as_posix()
        raise NegdocsError(Problem(where, 1, "already exists; negdocs new never overwrites (pick another id)", "duplicate-id"))
    for place in (target, root / "schema" / "negdocs.schema.json"):
        if escapes(place, root):  # a linked folder (or a dangling link) would put the file outside
            raise NegdocsError(Problem(place.relative_to(root).as_posix(), 0, "leads outside the project through a "
                                       "link; negdocs new writes only inside it", "usage"))
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:  # 'x': fail rather than overwrite, even in a race
        handle.write(starter_text(context, deal_id, strategy))
    schema = root / "schema" / "negdocs.schema.json"
    if not schema.exists():  # the file's first line points editors here
        from negdocs.load.schema import schema_json

        schema.parent.mkdir(exist_ok=True)
        schema.write_text(schema_json(), encoding="utf-8")
    return target
