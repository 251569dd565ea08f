"""A semantic diff of two versions of a deal, in negotiation terms.

Every field of a deal is compared. Lists are matched by identity (issue and evidence ids,
MESO option names, concession items...), never by position (scripts, which have no name,
excepted); numeric moves say which way they went for us given ``better``; check findings that
appeared or cleared are listed too. Each change keeps the user's values apart from its words,
so every output format escapes them its own way (:mod:`negdocs.output.escape`). The versions
compared are read by :mod:`negdocs.git.versions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from negdocs.analyse import checks
from negdocs.analyse.analysis import analyse
from negdocs.dates import long_date
from negdocs.load.loader import Source
from negdocs.load.model import NUMERIC_KINDS, Deal
from negdocs.money import format_value
from negdocs.output import escape

MOVES = ("open", "target", "floor", "walk_away")
# every field of a deal is compared (a test keeps this true): values at the top level...
TOP = ("id", "title", "context", "strategy", "status", "owner", "currency", "close_by", "stakes", "summary", "notes",
       "red_lines", "locale")
# ...sections of named fields...
SECTIONS = ("counterparty", "batna", "proposal", "checks")
# ...and lists: section -> the fields that name its items (the first one set), to match them by
# name; () matches by position (scripts have no name)
KEYS = {"evidence": ("id",), "deadlines": ("what",), "meso": ("name",), "concessions": ("item",),
        "implementation": ("task",), "escalation": ("step",), "people": ("name",), "power": ("summary", "source"),
        "scripts": ()}
# issues and review have their own comparisons below


class Quoted(str):
    """A value always shown in quotes (a list item's name inside a sentence)."""


@dataclass
class Change:
    """One change, as data (``old``/``new``) and as a sentence: ``words`` holds a ``{}`` for each
    of ``values``, the user's values, escaped for the output format only when printed."""

    section: str
    item: str
    field: str
    old: object
    new: object
    words: str
    values: tuple = ()

    def sentence(self, fmt: str = "text") -> str:
        return self.words.format(*(_value(v, fmt) for v in self.values))

    @property
    def text(self) -> str:
        return self.sentence("text")

    def as_dict(self) -> dict:
        return {"section": self.section, "item": self.item, "field": self.field, "old": self.old, "new": self.new,
                "text": self.text}


def _value(value: str, fmt: str) -> str:
    if fmt == "markdown":
        return f"'{escape.markdown(value)}'" if isinstance(value, Quoted) else escape.markdown(value)
    return escape.text(value, quote=isinstance(value, Quoted))


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
                "changes": [c.as_dict() for c in self.changes], "new_findings": self.new_findings,
                "cleared_findings": self.cleared_findings}


def _show(value, kind: str | None = None, currency: str = "USD") -> str:
    if value is None:
        return "(none)"
    if hasattr(value, "isoformat"):
        return long_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "(none)"
    if kind is not None:
        return format_value(value, kind, currency)
    return str(value)


def compare(old: Deal, new: Deal, old_source: Source, new_source: Source, old_label: str, new_label: str,
            ignore=(), packs=None) -> DealDiff:
    result = DealDiff(old_label, new_label, new.title)
    cur = new.currency
    for name in TOP:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            result.changes.append(Change("deal", "", name, _plain(a), _plain(b), f"{name}: {{}} -> {{}}", (_show(a), _show(b))))
    _compare_issues(old, new, result, cur)
    for section in SECTIONS:
        a, b = getattr(old, section), getattr(new, section)
        if a is None and b is None:
            continue
        empty = type(a or b)()  # a section added or removed: compare with its defaults
        a_d, b_d = (a or empty).model_dump(), (b or empty).model_dump()
        for key in a_d:
            if a_d.get(key) != b_d.get(key):
                kind = "money" if (section, key) == ("batna", "value") else None
                shown = (_show(a_d.get(key), kind, cur), _show(b_d.get(key), kind, cur))
                result.changes.append(Change(section, "", key, _plain(a_d.get(key)), _plain(b_d.get(key)),
                                             f"{section}.{key}: {{}} -> {{}}", shown))
    for section, keys in KEYS.items():
        _compare_list(section, keys, getattr(old, section), getattr(new, section), result)
    for prompt in sorted(set(old.review) | set(new.review)):
        a, b = old.review.get(prompt), new.review.get(prompt)
        if a != b:
            result.changes.append(Change("review", prompt, "", a, b, "review {}: {} -> {}", (Quoted(prompt), _show(a), _show(b))))
    _compare_approvals(old, new, result)
    old_f = _findings(old, old_source, ignore, packs)
    new_f = _findings(new, new_source, ignore, packs)
    result.new_findings = sorted(new_f - old_f)
    result.cleared_findings = sorted(old_f - new_f)
    return result


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _findings(deal: Deal, source: Source, ignore, packs=None) -> set[str]:
    """The findings `check` reports on ``deal``; with ``packs``, also those of its strategy's
    scripts (script-long)."""
    pack = packs.get(deal.strategy) if packs is not None else None
    return {f"{p.rule}: {p.message}" for p in checks.run(source, deal, analyse(deal, pack), ignore)}


def _compare_issues(old: Deal, new: Deal, result: DealDiff, cur: str):
    before = {i.id: i for i in old.issues}
    after = {i.id: i for i in new.issues}
    for iid in [i for i in after if i not in before]:
        result.changes.append(Change("issues", iid, "", None, after[iid].model_dump(mode="json"), "issue {} added ({})",
                                     (iid, after[iid].name)))
    for iid in [i for i in before if i not in after]:
        result.changes.append(Change("issues", iid, "", before[iid].model_dump(mode="json"), None, "issue {} removed ({})",
                                     (iid, before[iid].name)))
    for iid in [i for i in after if i in before]:
        a, b = before[iid], after[iid]
        for name in ("name", "kind", "better", *MOVES, "their_walk_away", "weight", "tradeable", "basis", "positions"):
            x, y = getattr(a, name), getattr(b, name)
            if x == y:
                continue
            kind = b.kind if name in (*MOVES, "their_walk_away") else None
            note = _direction(name, x, y, b, cur)
            result.changes.append(Change("issues", iid, name, _plain(x), _plain(y), f"{{}} {name}: {{}} -> {{}}" + (f": {note}" if note else ""),
                                         (iid, _show(x, kind, cur), _show(y, kind, cur))))


def _direction(name: str, old, new, issue, cur: str) -> str:
    """Which way a move of a value on the issue's scale went for us (code-made words only:
    a number, its unit and the currency code)."""
    if name not in (*MOVES, "their_walk_away") or issue.kind not in NUMERIC_KINDS or issue.better is None \
            or not all(isinstance(v, (int, float)) for v in (old, new)):
        return ""
    gain = (new - old) if issue.better == "higher" else (old - new)
    amount = format_value(abs(gain), issue.kind, cur)
    if name == "their_walk_away":
        return f"we now expect {amount} {'more' if gain > 0 else 'less'} room on their side"
    if name == "walk_away":
        return f"{amount} {'less room conceded' if gain > 0 else 'more room conceded'}"
    return f"{amount} {'better' if gain > 0 else 'worse'} for us"


def _keyed(items: list, keys: tuple[str, ...]) -> dict:
    """Items by their name; a repeated name gets ``#2``, ``#3``... so no item hides behind another."""
    out: dict = {}
    for n, x in enumerate(items, 1):
        name = str(next((v for v in (getattr(x, k) for k in keys) if v is not None), f"#{n}"))
        n = 1
        while (shown := name if n == 1 else f"{name} #{n}") in out:
            n += 1
        out[shown] = x
    return out


def _compare_list(section: str, keys: tuple[str, ...], old: list, new: list, result: DealDiff):
    before = _keyed(old, keys)
    after = _keyed(new, keys)
    singular = section.rstrip("s") if section != "evidence" else "evidence"
    for k in [k for k in after if k not in before]:
        result.changes.append(Change(section, k, "", None, after[k].model_dump(mode="json"), f"{singular} added: {{}}", (k,)))
    for k in [k for k in before if k not in after]:
        result.changes.append(Change(section, k, "", before[k].model_dump(mode="json"), None, f"{singular} removed: {{}}", (k,)))
    for k in [k for k in after if k in before]:
        a, b = before[k].model_dump(mode="json"), after[k].model_dump(mode="json")
        for name in a:
            if a[name] != b[name]:
                result.changes.append(Change(section, k, name, a[name], b[name], f"{singular} {{}} {name}: {{}} -> {{}}",
                                             (Quoted(k), _show(a[name]), _show(b[name]))))


def _compare_approvals(old: Deal, new: Deal, result: DealDiff):
    """Sign-offs added, renewed or removed, and those the change of terms voided."""
    from negdocs.analyse.approvals import changes
    from negdocs.analyse.fingerprint import fingerprint

    before, after = fingerprint(old), fingerprint(new)
    old_by_role = {a.role: a for a in old.approvals}
    what = changes(old, new)
    for a in new.approvals:
        o = old_by_role.get(a.role)
        record = a.model_dump(mode="json")
        stale = "" if a.fingerprint == after else " (for other terms: stale)"
        signed = (a.role, a.by, a.on.isoformat())
        if o is None:
            result.changes.append(Change("approvals", a.role, "", None, record, f"approval added: {{}} by {{}} ({{}}){stale}",
                                         signed))
        elif o != a:
            result.changes.append(Change("approvals", a.role, "", o.model_dump(mode="json"), record,
                                         f"approval renewed: {{}} by {{}} ({{}}){stale}", signed))
        elif a.fingerprint == before != after:
            shown = ", ".join(what[:4]) + (f" and {len(what) - 4} more" if len(what) > 4 else "")
            result.changes.append(Change("approvals", a.role, "fingerprint", before, after,
                                         "approval voided: {} (by {}, {}) no longer matches the terms ({})", signed + (shown,)))
    for role, o in old_by_role.items():
        if role not in {a.role for a in new.approvals}:
            result.changes.append(Change("approvals", role, "", o.model_dump(mode="json"), None,
                                         "approval removed: {} (by {}, {})", (role, o.by, o.on.isoformat())))


# -- output -------------------------------------------------------------------------------
def render(diffs: list[DealDiff], fmt: str) -> str:
    """The diffs as ``text``, ``markdown`` or ``json``; every user value escaped for that format
    (see :mod:`negdocs.output.escape`), so no value can start a line or open markup."""
    if fmt == "json":
        return escape.json_text([d.as_dict() for d in diffs]) + "\n"
    out = []
    for d in diffs:
        if fmt == "markdown":
            md = escape.markdown
            out.append(f"### {md(d.title)}\n\n{md(d.old_label)} → {md(d.new_label)}\n")
            if d.status != "changed":
                out.append(f"Deal {d.status}.\n")
            out += [f"- {c.sentence('markdown')}" for c in d.changes]
            out += [f"- :warning: new finding: {md(f)}" for f in d.new_findings]
            out += [f"- :white_check_mark: cleared finding: {md(f)}" for f in d.cleared_findings]
            if not (d.changes or d.new_findings or d.cleared_findings) and d.status == "changed":
                out.append("No changes in negotiation terms.")
            out.append("")
        else:
            status = "" if d.status == "changed" else f": deal {d.status}"
            out.append(f"{escape.text(d.old_label)} -> {escape.text(d.new_label)} ({escape.text(d.title)}){status}")
            out += [f"  {c.text}" for c in d.changes]
            out += [f"  + finding {escape.visible(f)}" for f in d.new_findings]
            out += [f"  - finding {escape.visible(f)}" for f in d.cleared_findings]
            if not (d.changes or d.new_findings or d.cleared_findings) and d.status == "changed":
                out.append("  no changes in negotiation terms")
    return "\n".join(out) + ("\n" if out else "")
