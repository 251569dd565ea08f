"""Range charts: where walk-away, floor, target, open, their walk-away and MESO terms sit."""

from __future__ import annotations

from dataclasses import dataclass

from negdocs.analyse.analysis import Analysis, numeric
from negdocs.i18n import N_, Lang, lang as get_lang
from negdocs.load.model import Deal, Issue


WIDTH, LEFT, RIGHT = 600, 20, 20
MARKS = (("walk_away", N_("Walk-away")), ("floor", N_("Floor")), ("target", N_("Target")), ("open", N_("Open")),
         ("their_walk_away", N_("Their walk-away (est.)")))


@dataclass(frozen=True)
class Mark:
    label: str
    text: str
    x: float
    ours: bool
    row: int = 0
    anchor: str = "middle"
    width: float = 0


@dataclass(frozen=True)
class Chart:
    issue: Issue
    marks: tuple[Mark, ...]
    zone: tuple[float, float] | None
    description: str
    width: int = WIDTH
    rows: int = 1


def chart(deal: Deal, issue: Issue, analysis: Analysis, t: Lang | None = None) -> Chart | None:
    """A chart for one numeric issue with at least two values, labelled in ``t``'s language; None otherwise."""
    if not numeric(issue):
        return None
    t = t or get_lang()
    points = [(t.gettext(label), getattr(issue, name), name != "their_walk_away") for name, label in MARKS
              if getattr(issue, name) is not None]
    points += [(t._("MESO: {option}", option=o.name), o.terms[issue.id], True) for o in deal.meso
               if isinstance(o.terms.get(issue.id), (int, float))]
    if len(points) < 2:
        return None
    values = [v for _, v, _ in points]
    low, high = min(values), max(values)
    span = (high - low) or 1
    pad = span * 0.08
    low, high = low - pad, high + pad

    def x(value: float) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (value - low) / (high - low), 1)

    marks = _place([Mark(label, t.value(v, issue.kind, deal.currency), x(v), ours) for label, v, ours in points])
    zone = analysis.zones.get(issue.id)
    band = (x(zone.low), x(zone.high)) if zone is not None and zone.exists else None
    words = "; ".join(f"{m.label} {m.text}" for m in marks)
    if zone is not None:
        words += "; " + (t._("zone of possible agreement {low} to {high}", low=t.value(zone.low, issue.kind, deal.currency),
                               high=t.value(zone.high, issue.kind, deal.currency)) if zone.exists
                         else t._("no zone of possible agreement"))
    rows = 1 + max(m.row for m in marks)
    description = (t._("{issue} (higher is better for us): {marks}", issue=issue.name, marks=words) if issue.better == "higher"
                   else t._("{issue} (lower is better for us): {marks}", issue=issue.name, marks=words))
    return Chart(issue, marks, band, description, rows=rows)


def _place(marks: list[Mark]) -> tuple[Mark, ...]:
    """Give each label a row so that no two labels overlap (about 6 px per character)."""
    ends: list[float] = []
    placed = []
    for mark in sorted(marks, key=lambda m: (m.x, m.label)):
        width = 6.2 * max(len(mark.label), len(mark.text)) + 8
        anchor = "start" if mark.x - width / 2 < 0 else "end" if mark.x + width / 2 > WIDTH else "middle"
        start = mark.x if anchor == "start" else mark.x - width if anchor == "end" else mark.x - width / 2
        row = next((r for r, end in enumerate(ends) if end < start), len(ends))
        if row == len(ends):
            ends.append(0)
        ends[row] = start + width
        placed.append(Mark(mark.label, mark.text, mark.x, mark.ours, row, anchor, round(width - 8, 1)))
    return tuple(placed)
