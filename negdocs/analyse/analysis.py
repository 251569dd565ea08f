"""The numbers behind the checks and the readiness section, computed once per deal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from negdocs.i18n import Lang, current
from negdocs.load.model import NUMERIC_KINDS, Deal, Issue

if TYPE_CHECKING:
    from negdocs.analyse.approvals import Verdict


@dataclass(frozen=True)
class Zone:
    """Zone of possible agreement on one numeric issue."""

    issue: Issue
    low: float | None  # None when there is no overlap
    high: float | None

    @property
    def exists(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class MesoValue:
    name: str
    value: float | None  # weighted score 0-100; None when no issue can be scored
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BatnaCheck:
    total: float
    batna: float
    better: str

    @property
    def worse_than_batna(self) -> bool:
        return self.total < self.batna if self.better == "higher" else self.total > self.batna


@dataclass(frozen=True)
class Analysis:
    zones: dict[str, Zone]
    meso: list[MesoValue]
    one_way: list[int]  # indexes of concessions that give without a get
    batna: BatnaCheck | None
    do_not_use: dict[str, str]  # rule name -> reason, under power-based only
    long_scripts: list = field(default_factory=list)  # script-long findings (needs the strategy pack)
    approvals: "Verdict | None" = None  # the approval matrix applied (see negdocs.analyse.approvals)

    @property
    def meso_spread(self) -> float | None:
        values = [m.value for m in self.meso if m.value is not None]
        return max(values) - min(values) if len(values) >= 2 else None


def numeric(issue: Issue) -> bool:
    return issue.kind in NUMERIC_KINDS and issue.better is not None


def at_least_as_good(a: float, b: float, better: str) -> bool:
    return a >= b if better == "higher" else a <= b


def zone(issue: Issue) -> Zone | None:
    if not numeric(issue) or issue.walk_away is None or issue.their_walk_away is None:
        return None
    ours, theirs = issue.walk_away, issue.their_walk_away
    low, high = (ours, theirs) if issue.better == "higher" else (theirs, ours)
    return Zone(issue, low, high) if low <= high else Zone(issue, None, None)


def score(issue: Issue, term: float) -> float | None:
    """0 at walk-away, 100 at target, clipped; None when the issue cannot be scored."""
    if not numeric(issue) or issue.target is None or issue.walk_away is None or issue.target == issue.walk_away:
        return None
    raw = 100 * (term - issue.walk_away) / (issue.target - issue.walk_away)
    return max(0.0, min(100.0, raw))


def meso_value(deal: Deal, terms: dict) -> MesoValue:
    scores, weighted, weights = {}, 0.0, 0
    for issue in deal.issues:
        term = terms.get(issue.id)
        if isinstance(term, (int, float)) and (s := score(issue, term)) is not None:
            scores[issue.id] = s
            weighted += issue.weight * s
            weights += issue.weight
    return MesoValue("", weighted / weights if weights else None, scores)


def batna_check(deal: Deal) -> BatnaCheck | None:
    if deal.batna is None or deal.batna.value is None:
        return None
    money = [i for i in deal.issues if i.kind == "money" and i.walk_away is not None and i.better]
    directions = {i.better for i in money}
    if len(directions) != 1:
        return None
    return BatnaCheck(sum(i.walk_away for i in money), deal.batna.value, directions.pop())


def do_not_use(deal: Deal, t: Lang | None = None) -> dict[str, str]:
    """Why power-based is the wrong strategy for this deal (empty when it fits), in ``t``'s language."""
    if deal.strategy != "power-based":
        return {}
    t = t or current()
    reasons = {}
    cp = deal.counterparty
    if cp and cp.relationship == "repeated" and cp.reputation_sensitive and deal.stakes == "low":
        reasons["relationship-over-gain"] = t._("the relationship is repeated and reputation-sensitive while the stakes are "
                                                "low: pressing the advantage risks more trust than it can win")
    if deal.power and not any(p.real for p in deal.power):
        reasons["perceived-power"] = t._("every source of leverage listed is perceived only (`real: false`): a bluff that "
                                         "can be exposed")
    if cp and cp.culture == "indirect" and not any(e.private for e in deal.escalation):
        reasons["face-culture"] = t._("the counterparty's culture is indirect and no escalation step offers a private "
                                      "sponsor preview, so open pressure leaves no way to save face")
    if cp and cp.culture == "high-power-distance" and not any(e.private for e in deal.escalation):
        reasons["face-culture"] = t._("the counterparty's culture is high-power-distance and no escalation step offers a "
                                      "private sponsor preview, so open pressure leaves no way to save face")
    return reasons


def analyse(deal: Deal, pack=None) -> Analysis:
    """Everything the checks and the playbook compute; ``pack`` (the deal's strategy) adds the
    length of its filled scripts."""
    from negdocs.analyse.scripts import too_long

    zones = {i.id: z for i in deal.issues if (z := zone(i)) is not None}
    meso = [MesoValue(o.name, *_unpack(meso_value(deal, o.terms))) for o in deal.meso]
    one_way = [n for n, c in enumerate(deal.concessions) if c.give and not c.get]
    return Analysis(zones, meso, one_way, batna_check(deal), do_not_use(deal), too_long(deal, pack) if pack else [])


def _unpack(value: MesoValue):
    return value.value, value.scores
