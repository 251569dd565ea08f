"""Script templates filled from a deal: which wording, which values, how long it runs.

A template has a default text and optional variants for the issue's ``better`` direction
and the deal's context (``lower``, ``hiring``, ``hiring-lower``...), so a candidate hears
our ceiling, never our "floor". Every value goes through :func:`negdocs.phrases.clean`, and
evidence is cited by its label, never pasted whole.
"""

from __future__ import annotations

import re

from negdocs import phrases
from negdocs.i18n import current
from negdocs.load.model import Deal, Script

SPLIT = re.compile(r"(\{[a-z_]+\})")
# Who usually gains from a higher number, per context, for templates shown with blanks.
CONTEXT_BETTER = {"sales": "higher", "partnership": "higher", "procurement": "lower", "hiring": "lower"}


def variant(template, context: str, better: str | None) -> tuple[str, str]:
    """``(title, text)`` of the template's wording for this context and direction."""
    better = better or "higher"
    for key in (f"{context}-{better}", better, context):
        chosen = template.variants.get(key)
        if chosen is not None:
            return chosen.title or template.title, chosen.text
    return template.title, template.text


def basis_labels(deal: Deal, ids: list[str]) -> tuple[str, list[tuple]]:
    """The labels of the shareable evidence among ``ids`` (or "our alternatives") and their fields."""
    found = [(n, e) for n, e in enumerate(deal.evidence) if e.id in ids and e.shareable]
    found.sort(key=lambda item: ids.index(item[1].id))
    if not found:
        return current().gettext(phrases.NO_SHAREABLE_BASIS), []
    text = phrases.join_and([phrases.evidence_label(e) for _, e in found])
    return text, [("evidence", n, "label" if e.label else "summary") for n, e in found]


def slot_values(deal: Deal, script: Script, n: int = 0) -> tuple[dict[str, str], dict[str, tuple]]:
    """The values a template's placeholders take, and the deal field each comes from
    (``n``: the script's index in ``deal.scripts``)."""
    loc = ("scripts", n)
    if script.use == "floor":
        n, issue = next((n, i) for n, i in enumerate(deal.issues) if i.id == script.issue)
        basis, fields = basis_labels(deal, issue.basis)
        values = {"issue": phrases.clean(issue.name), "floor": current().value(issue.floor, issue.kind, deal.currency),
                  "basis": basis, "ask": phrases.clean(script.ask), "give": phrases.clean(script.give)}
        where = {"issue": ("issues", n, "name"), "basis": fields[0] if len(fields) == 1 else ("issues", n, "basis"),
                 "ask": loc + ("ask",), "give": loc + ("give",)}
        return values, where
    if script.use == "deadline":
        item = deal.deadlines[script.deadline]
        at = ("deadlines", script.deadline)
        return ({"date": current().date(item.date), "what": phrases.clean(item.what), "why": phrases.clean(item.why)},
                {"what": at + ("what",), "why": at + ("why",)})
    if script.use == "escalation":
        step = deal.escalation[script.escalation]
        at = ("escalation", script.escalation)
        return {"step": phrases.clean(step.step), "by": current().date(step.by)}, {"step": at + ("step",)}
    slots = [s for s in ("term", "verification", "alternative", "risk", "remedy") if getattr(script, s) is not None]
    return {s: phrases.clean(getattr(script, s)) for s in slots}, {s: loc + (s,) for s in slots}


def segments(text: str, values: dict[str, str] | None) -> tuple[tuple[str, bool], ...]:
    """``(text, filled_from_data)`` pieces; blanks stay visible as ``[name]``. A value that
    starts a sentence starts with a capital; elsewhere a leading article is lowered."""
    out: list[tuple[str, bool]] = []
    for part in SPLIT.split(text):
        if not part:
            continue
        if SPLIT.fullmatch(part):
            name = part[1:-1]
            if values is not None and name in values:
                before = "".join(t for t, _ in out).rstrip()
                value = values[name]
                starts = not before or before[-1] in ".!?"
                out.append((phrases.sentence_case(value) if starts else phrases.mid_sentence(value), True))
            else:
                out.append((phrases.blank(name), False))
        else:
            out.append((part, False))
    return tuple(out)


def better_of(deal: Deal, script: Script | None = None) -> str | None:
    if script is not None and script.use == "floor":
        issue = deal.issue(script.issue)
        return issue.better if issue else None
    return None


def blank_better(deal: Deal) -> str:
    """The direction a blank floor template is shown in: the deal's floors, else its context's."""
    found = {i.better for i in deal.issues if i.floor is not None and i.better}
    return found.pop() if len(found) == 1 else CONTEXT_BETTER[deal.context]


def filled(deal: Deal, pack, script: Script, n: int = 0) -> tuple[str, tuple[tuple[str, bool], ...], dict[str, tuple]]:
    """``(title, segments, fields)`` of one ``use:`` script (``n``: its index)."""
    title, text = variant(pack.scripts[script.use], deal.context, better_of(deal, script))
    values, where = slot_values(deal, script, n)
    return title, segments(text, values), where


def too_long(deal: Deal, pack) -> list[tuple[tuple, str]]:
    """``script-long`` findings: utterances over UTTERANCE_WORDS, naming the field to shorten."""
    found = []
    for n, script in enumerate(deal.scripts):
        if script.say is not None:
            count = phrases.words(script.say)
            if count > phrases.UTTERANCE_WORDS:
                found.append((("scripts", n, "say"), current()._(
                    "runs to {count} words; keep a line you say in one go to {limit} words or split it in two",
                    count=count, limit=phrases.UTTERANCE_WORDS)))
            continue
        if script.use is None or script.use not in pack.scripts:
            continue
        _, parts, where = filled(deal, pack, script, n)
        count = phrases.words("".join(t for t, _ in parts))
        if count <= phrases.UTTERANCE_WORDS:
            continue
        values, _ = slot_values(deal, script, n)
        longest = max(where, key=lambda slot: phrases.words(values.get(slot, "")))
        from negdocs.load.validate import dotted

        found.append((("scripts", n), current()._(
            "the filled {script} script runs to {count} words, over the {limit} that can be said in one go; shorten "
            "{field} ({words} words)", script=script.use, count=count, limit=phrases.UTTERANCE_WORDS,
            field=dotted(where[longest]), words=phrases.words(values[longest]))))
    return found
