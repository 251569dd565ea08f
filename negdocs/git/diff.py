"""A semantic diff of two versions of a deal, in negotiation terms.

Lists are matched by identity (issue and evidence ids, MESO option names, concession
items...), never by position; numeric moves say which way they went for us given
``better``; check findings that appeared or cleared are listed too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from negdocs.analyse import checks
from negdocs.analyse.analysis import analyse
from negdocs.dates import long_date
from negdocs.errors import NegdocsError, Problem
from negdocs.load.loader import Source, parse, read_source
from negdocs.load.model import NUMERIC_KINDS, Deal
from negdocs.money import format_number, format_value
from negdocs.load.validate import validate

MOVES = ("open", "target", "floor", "walk_away")
# list section -> how its items are matched and named
KEYS = {"evidence": "id", "deadlines": "what", "meso": "name", "concessions": "item", "implementation": "task",
        "escalation": "step", "people": "name", "power": "summary"}
TOP = ("title", "context", "strategy", "status", "owner", "currency", "close_by", "stakes", "summary", "notes")


@dataclass
class Change:
    section: str
    item: str
    field: str
    old: object
    new: object
    text: str


@dataclass
class DealDiff:
    old_label: str
    new_label: str
    title: str
    changes: list[Change] = field(default_factory=list)
    new_findings: list[str] = field(default_factory=list)
    cleared_findings: list[str] = field(default_factory=list)
    status: str = "changed"  # changed, added, removed

    def as_dict(self) -> dict:
        return {"old": self.old_label, "new": self.new_label, "title": self.title, "status": self.status,
                "changes": [asdict(c) for c in self.changes], "new_findings": self.new_findings,
                "cleared_findings": self.cleared_findings}


def text_source(text: str, label: str) -> Source:
    """A deal read from git (``REV:path``) as a Source, like a file on disk."""
    data, lines = parse(text, label)
    return Source(Path(label.rsplit(":", 1)[-1]), label, data, lines)


def load(source: Source, packs) -> tuple[Deal, Source]:
    deal, problems = validate(source, packs, checks.WARNINGS)
    if deal is None:
        raise NegdocsError(problems)
    return deal, source


def _show(value, kind: str | None = None, currency: str = "USD") -> str:
    if value is None:
        return "(none)"
    if hasattr(value, "isoformat"):
        return long_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    if kind is not None:
        return format_value(value, kind, currency)
    return str(value)


def compare(old: Deal, new: Deal, old_source: Source, new_source: Source, old_label: str, new_label: str,
            ignore=()) -> DealDiff:
    result = DealDiff(old_label, new_label, new.title)
    cur = new.currency
    for name in TOP:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            result.changes.append(Change("deal", "", name, _plain(a), _plain(b), f"{name}: {_show(a)} -> {_show(b)}"))
    _compare_issues(old, new, result, cur)
    for section in ("counterparty", "batna"):
        a, b = getattr(old, section), getattr(new, section)
        a_d, b_d = (a.model_dump() if a else {}), (b.model_dump() if b else {})
        for key in sorted(set(a_d) | set(b_d)):
            if a_d.get(key) != b_d.get(key):
                kind = "money" if (section, key) == ("batna", "value") else None
                text = f"{section}.{key}: {_show(a_d.get(key), kind, cur)} -> {_show(b_d.get(key), kind, cur)}"
                result.changes.append(Change(section, "", key, _plain(a_d.get(key)), _plain(b_d.get(key)), text))
    for section, key in KEYS.items():
        _compare_list(section, key, getattr(old, section), getattr(new, section), result)
    _compare_approvals(old, new, result)
    old_f = _findings(old, old_source, ignore)
    new_f = _findings(new, new_source, ignore)
    result.new_findings = sorted(new_f - old_f)
    result.cleared_findings = sorted(old_f - new_f)
    return result


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value


def _findings(deal: Deal, source: Source, ignore) -> set[str]:
    return {f"{p.rule}: {p.message}" for p in checks.run(source, deal, analyse(deal), ignore)}


def _compare_issues(old: Deal, new: Deal, result: DealDiff, cur: str):
    before = {i.id: i for i in old.issues}
    after = {i.id: i for i in new.issues}
    for iid in [i for i in after if i not in before]:
        result.changes.append(Change("issues", iid, "", None, after[iid].model_dump(mode="json"), f"issue {iid} added ({after[iid].name})"))
    for iid in [i for i in before if i not in after]:
        result.changes.append(Change("issues", iid, "", before[iid].model_dump(mode="json"), None, f"issue {iid} removed ({before[iid].name})"))
    for iid in [i for i in after if i in before]:
        a, b = before[iid], after[iid]
        for name in ("name", "kind", "better", *MOVES, "their_walk_away", "weight", "tradeable", "basis", "positions"):
            x, y = getattr(a, name), getattr(b, name)
            if x == y:
                continue
            text = f"{iid} {name}: {_show(x, b.kind if name in MOVES + ('their_walk_away',) else None, cur)} -> " \
                   f"{_show(y, b.kind if name in MOVES + ('their_walk_away',) else None, cur)}"
            note = _direction(name, x, y, b, cur)
            result.changes.append(Change("issues", iid, name, _plain(x), _plain(y), text + (f": {note}" if note else "")))


def _direction(name: str, old, new, issue, cur: str) -> str:
    """Which way a numeric move went for us."""
    if issue.kind not in NUMERIC_KINDS or issue.better is None or not all(isinstance(v, (int, float)) for v in (old, new)):
        return ""
    gain = (new - old) if issue.better == "higher" else (old - new)
    amount = format_number(abs(gain)) + (f" {cur}" if issue.kind == "money" else "")
    if name == "their_walk_away":
        return f"we now expect {amount} {'more' if gain > 0 else 'less'} room on their side"
    if name == "walk_away":
        return f"{amount} {'less room conceded' if gain > 0 else 'more room conceded'}"
    return f"{amount} {'better' if gain > 0 else 'worse'} for us"


def _compare_list(section: str, key: str, old: list, new: list, result: DealDiff):
    before = {str(getattr(x, key)): x for x in old}
    after = {str(getattr(x, key)): x for x in new}
    singular = section.rstrip("s") if section != "evidence" else "evidence"
    for k in [k for k in after if k not in before]:
        result.changes.append(Change(section, k, "", None, after[k].model_dump(mode="json"), f"{singular} added: {k}"))
    for k in [k for k in before if k not in after]:
        result.changes.append(Change(section, k, "", before[k].model_dump(mode="json"), None, f"{singular} removed: {k}"))
    for k in [k for k in after if k in before]:
        a, b = before[k].model_dump(mode="json"), after[k].model_dump(mode="json")
        for name in a:
            if a[name] != b[name]:
                result.changes.append(Change(section, k, name, a[name], b[name],
                                             f"{singular} {k!r} {name}: {_show(a[name])} -> {_show(b[name])}"))


def _compare_approvals(old: Deal, new: Deal, result: DealDiff):
    """Sign-offs added, renewed or removed, and those the change of terms voided."""
    from negdocs.analyse.approvals import changes, fingerprint

    before, after = fingerprint(old), fingerprint(new)
    old_by_role = {a.role: a for a in old.approvals}
    what = changes(old, new)
    for a in new.approvals:
        o = old_by_role.get(a.role)
        record = a.model_dump(mode="json")
        stale = "" if a.fingerprint == after else " (for other terms: stale)"
        if o is None:
            result.changes.append(Change("approvals", a.role, "", None, record, f"approval added: {a.role} by {a.by} "
                                         f"({a.on.isoformat()}){stale}"))
        elif o != a:
            result.changes.append(Change("approvals", a.role, "", o.model_dump(mode="json"), record, f"approval renewed: "
                                         f"{a.role} by {a.by} ({a.on.isoformat()}){stale}"))
        elif a.fingerprint == before != after:
            shown = ", ".join(what[:4]) + (f" and {len(what) - 4} more" if len(what) > 4 else "")
            result.changes.append(Change("approvals", a.role, "fingerprint", before, after, f"approval voided: {a.role} "
                                         f"(by {a.by}, {a.on.isoformat()}) no longer matches the terms ({shown})"))
    for role, o in old_by_role.items():
        if role not in {a.role for a in new.approvals}:
            result.changes.append(Change("approvals", role, "", o.model_dump(mode="json"), None,
                                         f"approval removed: {role} (by {o.by}, {o.on.isoformat()})"))


# -- output -------------------------------------------------------------------------------
def render(diffs: list[DealDiff], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([d.as_dict() for d in diffs], indent=2, ensure_ascii=False) + "\n"
    out = []
    for d in diffs:
        if fmt == "markdown":
            out.append(f"### {d.title}\n\n`{d.old_label}` → `{d.new_label}`\n")
            if d.status != "changed":
                out.append(f"Deal {d.status}.\n")
            out += [f"- {c.text}" for c in d.changes]
            out += [f"- :warning: new finding: {f}" for f in d.new_findings]
            out += [f"- :white_check_mark: cleared finding: {f}" for f in d.cleared_findings]
            if not (d.changes or d.new_findings or d.cleared_findings) and d.status == "changed":
                out.append("No changes in negotiation terms.")
            out.append("")
        else:
            out.append(f"{d.old_label} -> {d.new_label} ({d.title})" + ("" if d.status == "changed" else f": deal {d.status}"))
            out += [f"  {c.text}" for c in d.changes]
            out += [f"  + finding {f}" for f in d.new_findings]
            out += [f"  - finding {f}" for f in d.cleared_findings]
            if not (d.changes or d.new_findings or d.cleared_findings) and d.status == "changed":
                out.append("  no changes in negotiation terms")
    return "\n".join(out) + ("\n" if out else "")


def _read(spec: str, root: Path) -> Source:
    """A file path or a git ``REV:path``, read with the limits and checks of every deal file."""
    path = Path(spec)
    if path.is_dir():
        raise NegdocsError(Problem(spec, 0, "is a folder; give a deal file, a REV:path, or use --rev REV PATH", "usage"))
    if path.exists():
        return read_source(path, spec)
    if ":" in spec:
        from negdocs.git import gitinfo

        return text_source(gitinfo.show(root, spec), spec)
    raise NegdocsError(Problem(spec, 0, "no such file, and not a git REV:path", "usage"))


def _ignored(root: Path) -> tuple[str, ...]:
    """The project's checks.ignore, so diff reports the findings check would."""
    from negdocs.project import Project

    return tuple(Project.load(root).settings.checks.ignore)


def diff_specs(old: str, new: str, root: Path) -> list[DealDiff]:
    from negdocs.analyse.strategy import load_packs

    ignore = _ignored(root)
    packs = load_packs(root)
    a, a_src = load(_read(old, root), packs)
    b, b_src = load(_read(new, root), packs)
    return [compare(a, b, a_src, b_src, old, new, ignore)]


def diff_rev(rev: str, paths: list[Path], root: Path) -> list[DealDiff]:
    """Every deal under ``paths`` that changed between ``rev`` and the work tree."""
    from negdocs.git import gitinfo
    from negdocs.analyse.strategy import load_packs

    ignore = _ignored(root)
    packs = load_packs(root)
    top = gitinfo.toplevel(root)
    diffs = []
    for name in gitinfo.changed_since(root, rev, paths or [root / "playbooks"]):
        path = top / name
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else name
        spec = f"{rev}:{shown}"
        try:
            old_text = gitinfo.show(root, spec)
        except NegdocsError:
            old_text = None
        if not path.exists():
            deal, _ = load(text_source(old_text, spec), packs)
            diffs.append(DealDiff(spec, shown, deal.title, status="removed"))
            continue
        new, new_src = load(read_source(path, shown), packs)
        if old_text is None:
            diffs.append(DealDiff(spec, shown, new.title, status="added"))
            continue
        old, old_src = load(text_source(old_text, spec), packs)
        diffs.append(compare(old, new, old_src, new_src, spec, shown, ignore))
    return diffs
