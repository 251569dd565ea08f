"""Sign-offs: the approval matrix applied to a deal, and what changed in the terms a sign-off covers.

A sign-off carries the **fingerprint** of the terms it approved (:mod:`negdocs.analyse.fingerprint`,
FORMAT.md): any change of those terms makes it stale; comments, key order, quoting, layout and
every other field leave it unchanged.

A rule of the matrix applies to a deal (never to a guide) when all of its conditions hold.
Depth and value are compared in exact rational arithmetic on the numbers' YAML text; no
binary floating point takes part in a comparison.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from negdocs.analyse.fingerprint import fingerprint, is_guide, terms
from negdocs.load.model import Approval, Deal
from negdocs.money import exact, format_decimal, format_value

STATES = ("missing", "stale", "approved", "none")  # a deal's overall state, worst first


def changes(old: Deal, new: Deal) -> list[str]:
    """The governed fields that differ between two versions, in words (``batna.value 95,000 USD -> 99,000 USD``)."""
    a, b = terms(old), terms(new)
    out = [f"{k} {a[k]} -> {b[k]}" for k in ("strategy", "currency") if a[k] != b[k]]
    if a["batna"] != b["batna"]:
        out.append(f"batna.value {_shown(a['batna']['value'], 'money', old.currency)} -> "
                   f"{_shown(b['batna']['value'], 'money', new.currency)}")
    out += _list_changes("issues", "id", a["issues"], b["issues"], new)
    out += _list_changes("meso", "name", a["meso"], b["meso"], new)
    out += _list_changes("concessions", "item", a["concessions"], b["concessions"], new)
    return out


def _shown(value, kind: str | None, currency: str) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return format_value(value, kind, currency) if kind else str(value)


def _list_changes(section: str, key: str, old: list, new: list, deal: Deal) -> list[str]:
    before = {str(x[key]): x for x in old}
    after = {str(x[key]): x for x in new}
    out = [f"{section}: {k!r} added" for k in after if k not in before]
    out += [f"{section}: {k!r} removed" for k in before if k not in after]
    for k in (k for k in after if k in before):
        kind = after[k].get("kind") if section == "issues" else None
        for name in sorted(after[k]):
            x, y = before[k].get(name), after[k].get(name)
            if x != y:
                unit = kind if name in ("open", "target", "floor", "walk_away", "their_walk_away") else None
                out.append(f"{section}.{k}.{name} {_shown(x, unit, deal.currency)} -> {_shown(y, unit, deal.currency)}")
    if not out and list(before) != list(after):
        out.append(f"{section}: order changed")
    return out


# -- the matrix applied to one deal ----------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    """One role that must sign off: why, where the cause is, and the state of its sign-off."""

    role: str
    reasons: tuple[str, ...]
    trigger: tuple  # location of the field that makes the rule apply
    state: str  # approved, stale or missing
    record: int | None = None  # index into deal.approvals of that role's sign-off

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Stale:
    """A sign-off whose fingerprint is not the current one, and what changed when it is known."""

    record: int
    since: str | None = None  # the commit whose version of the file carries the approved terms
    changed: tuple[str, ...] | None = None  # None: cannot tell


@dataclass(frozen=True)
class Verdict:
    fingerprint: str
    value: Decimal  # sum of the money issues' target (else open), in the deal's currency
    value_base: Decimal | None  # converted to base_currency; None when no rate applies
    base_currency: str | None
    requirements: tuple[Requirement, ...] = ()
    stale: tuple[Stale, ...] = ()
    path: str = ""  # the deal file, as shown
    guide: bool = False  # no rule applies to a guide

    @property
    def state(self) -> str:
        states = {r.state for r in self.requirements}
        return next((s for s in STATES[:3] if s in states), "none")


History = Callable[[Approval], "tuple[str, Deal] | None"]  # the version of the deal an approval was made on


def _num(source, loc: tuple, value) -> Fraction:
    return Fraction(exact(value, source.numbers.get(loc) if source is not None else None))


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def deal_value(deal: Deal, source=None) -> tuple[Fraction, tuple]:
    """Sum over money issues of ``target`` (``open`` when absent), exact; and the location of the first."""
    total, where = Fraction(0), ("issues",)
    for n, issue in enumerate(deal.issues):
        if issue.kind != "money":
            continue
        name = "target" if issue.target is not None else "open"
        value = getattr(issue, name)
        if value is not None:
            total += _num(source, ("issues", n, name), value)
            where = where if len(where) > 1 else ("issues", n, name)
    return total, where


def _depth(deal: Deal, source, threshold: Decimal) -> tuple[Fraction, int] | None:
    """The deepest money issue whose depth is above ``threshold`` percent, or None."""
    best = None
    limit = Fraction(threshold)
    for n, issue in enumerate(deal.issues):
        if issue.kind != "money" or issue.open is None or issue.walk_away is None or issue.open == 0:
            continue
        opening = _num(source, ("issues", n, "open"), issue.open)
        gap = abs(opening - _num(source, ("issues", n, "walk_away"), issue.walk_away))
        if gap * 100 > limit * abs(opening) and (best is None or gap * 100 / abs(opening) > best[0]):
            best = (gap * 100 / abs(opening), n)
    return best


def _applies(rule, deal: Deal, source, value: Fraction, value_base: Fraction | None, matrix) -> tuple[str, tuple] | None:
    """(why, trigger location) when every condition of ``rule`` holds, else None."""
    when = rule.when
    reasons: list[str] = []
    triggers: list[tuple] = []
    if when.context is not None and deal.context not in when.context:
        return None
    if when.strategy is not None and deal.strategy != when.strategy:
        return None
    if when.stakes is not None and deal.stakes != when.stakes:
        return None
    relationship = deal.counterparty.relationship if deal.counterparty else None
    if when.relationship is not None and relationship != when.relationship:
        return None
    if when.depth_over is not None:
        found = _depth(deal, source, when.depth_over)
        if found is None:
            return None
        depth, n = found
        reasons.append(f"depth {format_decimal(_decimal(depth), when.depth_over)}% on {deal.issues[n].name}")
        triggers.append(("issues", n, "walk_away"))
    if when.value_over is not None:
        if value_base is None or not value_base > Fraction(when.value_over):
            return None
        text = f"{format_decimal(_decimal(value_base), when.value_over)} {matrix.base_currency}"
        if deal.currency != matrix.base_currency:
            text = f"{format_decimal(_decimal(value))} {deal.currency} = {text}"
        reasons.append(f"value {text}")
        triggers.append(deal_value(deal, source)[1])
    if not reasons:
        for name in ("context", "strategy", "stakes", "relationship"):
            if getattr(when, name) is not None:
                shown = deal.context if name == "context" else getattr(when, name)
                reasons.append(f"{name} {shown}")
                triggers.append(("counterparty", "relationship") if name == "relationship" else (name,))
    return ", ".join(reasons) or "every deal", (triggers[0] if triggers else ())


def evaluate(deal: Deal, source, matrix, history: History | None = None) -> Verdict:
    """The matrix applied to one valid deal: requirements and their states, stale sign-offs."""
    current = fingerprint(deal)
    value, _ = deal_value(deal, source)
    rate = matrix.rate(deal.currency) if matrix is not None else None
    value_base = value * Fraction(rate) if rate is not None else None
    display = source.display if source is not None else ""
    stale = []
    for n, approval in enumerate(deal.approvals):
        if approval.fingerprint != current:
            found = history(approval) if history is not None else None
            stale.append(Stale(n, found[0], tuple(changes(found[1], deal))) if found else Stale(n))
    requirements: dict[str, Requirement] = {}
    if matrix is not None and not is_guide(deal):
        records = {a.role: n for n, a in enumerate(deal.approvals)}
        for rule in matrix.rules:
            found = _applies(rule, deal, source, value, value_base, matrix)
            if found is None:
                continue
            why, trigger = found
            if rule.role in requirements:
                old = requirements[rule.role]
                requirements[rule.role] = Requirement(old.role, tuple(dict.fromkeys(old.reasons + (why,))),
                                                      old.trigger, old.state, old.record)
                continue
            record = records.get(rule.role)
            state = "missing" if record is None else (
                "approved" if deal.approvals[record].fingerprint == current else "stale")
            requirements[rule.role] = Requirement(rule.role, (why,), trigger, state, record)
    return Verdict(current, _decimal(value), _decimal(value_base) if value_base is not None else None,
                   matrix.base_currency if matrix is not None else None, tuple(requirements.values()), tuple(stale), display,
                   is_guide(deal))
