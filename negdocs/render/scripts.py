"""Fill a deal's scripts from its data and the strategy pack's templates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from negdocs.i18n import N_, Lang, lang as get_lang
from negdocs.load.model import Deal, Script
from negdocs.analyse.strategy import Pack

_SPLIT = re.compile(r"(\{[a-z_]+\})")


@dataclass(frozen=True)
class Filled:
    """A script ready to say: its title, and text segments ``(text, filled_from_data)``."""

    title: str
    use: str | None
    segments: tuple[tuple[str, bool], ...]
    line: int = 0

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments)


def shareable_basis(deal: Deal, ids: list[str], t: Lang | None = None) -> str:
    from negdocs.render.editions import EVIDENCE_KINDS

    t = t or get_lang()
    items = [e for i in ids if (e := deal.evidence_item(i)) is not None and e.shareable]
    return "; ".join(f"{t.gettext(EVIDENCE_KINDS[e.kind])}: {e.summary.rstrip('.')}" for e in items) or t._("our alternatives")


def slot_values(deal: Deal, script: Script, t: Lang | None = None) -> dict[str, str]:
    """The values a template's placeholders take for this script."""
    t = t or get_lang()
    if script.use == "floor":
        issue = deal.issue(script.issue)
        return {"issue": issue.name, "floor": t.value(issue.floor, issue.kind, deal.currency),
                "basis": shareable_basis(deal, issue.basis, t), "ask": script.ask, "give": script.give}
    if script.use == "deadline":
        item = deal.deadlines[script.deadline]
        return {"date": t.date(item.date), "what": item.what, "why": item.why}
    if script.use == "escalation":
        step = deal.escalation[script.escalation]
        return {"step": step.step, "by": t.date(step.by)}
    return {slot: getattr(script, slot) for slot in ("term", "verification", "alternative", "risk", "remedy")
            if getattr(script, slot) is not None}


SLOT_NAMES = {  # how a blank slot reads: [issue], [Thema], [point]...
    "issue": N_("issue"), "floor": N_("floor"), "basis": N_("basis"), "ask": N_("ask"), "give": N_("give"),
    "date": N_("date"), "what": N_("what"), "why": N_("why"), "term": N_("term"), "verification": N_("verification"),
    "alternative": N_("alternative"), "risk": N_("risk"), "remedy": N_("remedy"), "step": N_("step"), "by": N_("by"),
}


def segments(template: str, values: dict[str, str] | None, t: Lang | None = None) -> tuple[tuple[str, bool], ...]:
    """Split a template into literal text and placeholders; blanks stay visible as ``[name]``."""
    out = []
    for part in _SPLIT.split(template):
        if not part:
            continue
        if _SPLIT.fullmatch(part):
            name = part[1:-1]
            if values is not None and name in values:
                out.append((values[name], True))
            else:
                out.append((f"[{(t or get_lang()).gettext(SLOT_NAMES.get(name, name.replace('_', ' ')))}]", False))
        else:
            out.append((part, False))
    return tuple(out)


def fill(deal: Deal, pack: Pack, lines: list[int] | None = None, t: Lang | None = None) -> list[Filled]:
    """The deal's own scripts, filled in, in file order."""
    t = t or get_lang()
    filled = []
    for n, script in enumerate(deal.scripts):
        line = lines[n] if lines else 0
        if script.say is not None:
            filled.append(Filled(t._("In your own words"), None, ((script.say, True),), line))
        else:
            template = pack.scripts[script.use]
            filled.append(Filled(template.title, script.use, segments(template.text, slot_values(deal, script, t), t), line))
    return filled


def blanks(pack: Pack, used: set[str], t: Lang | None = None) -> list[Filled]:
    """The pack's templates this deal does not use, with their blanks shown."""
    return [Filled(s.title, name, segments(s.text, None, t)) for name, s in pack.scripts.items() if name not in used]
