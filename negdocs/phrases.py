"""Every sentence negdocs writes in Python, in one place (templates hold their own literals).

Values from a deal file are placed after a colon or as a list item, never glued into the
middle of a sentence, so any value reads correctly ("If the migration is delayed happens"
cannot occur). The sentence rules of scripts (words per utterance and per breath) live here
too, so the checks, the renderer and the tests count words the same way.
"""

from __future__ import annotations

import re

from negdocs.dates import long_date
from negdocs.money import format_value

UTTERANCE_WORDS = 45  # a script said aloud in one go
BREATH_WORDS = 24  # one sentence, one breath (checked with short slot values)
MAX_LISTED = 12  # evidence named in one sentence of the red lines or the checklist
LABEL_WORDS = 8  # a label derived from an evidence summary

_WORD = re.compile(r"[\w\[\]][\w\[\]'’.,%/:+-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]*\s+")
_CLAUSE_END = re.compile(r"[:;(—–]|,\s|\.\s|\.$")
_TRAILING_STOP = ("a", "an", "and", "are", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to", "was", "were", "with")


def words(text: str) -> int:
    """Words a person says: tokens with a letter, digit or blank bracket (``226,000 USD`` is two)."""
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def clean(value: str) -> str:
    """A slot value as it sits inside a sentence: one line, no closing full stop."""
    text = " ".join(str(value).split())
    return text.rstrip(" .;,:") if not text.endswith("...") else text


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


_LOWER_STARTS = {"A", "An", "The", "Our", "Their", "Its", "This", "These", "That", "Those", "Each", "Every", "All",
                 "Any", "Some", "One", "Two", "Three", "Four", "Five", "We", "It", "They"}


def mid_sentence(text: str) -> str:
    """``The market median`` -> ``the market median``: only a leading article or pronoun is
    lowered, so names such as ``Globex`` or ``ACME`` keep their capital."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first in _LOWER_STARTS else text


def short_label(summary: str) -> str:
    """The default ``evidence[].label``: the summary's first clause, at most LABEL_WORDS words."""
    text = clean(summary)
    clause = _CLAUSE_END.split(text, maxsplit=1)[0].strip() or text
    out = clause.split()[:LABEL_WORDS]
    while len(out) > 1 and out[-1].lower() in _TRAILING_STOP:
        out.pop()
    return mid_sentence(" ".join(out).rstrip(" ,."))


def join_and(items: list[str]) -> str:
    items = [i for i in items if i]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


# What a template's blank is called when shown for the reader to fill in.
BLANKS = {
    "issue": "issue", "floor": "figure", "basis": "evidence", "ask": "their request", "give": "what we need",
    "date": "date", "what": "what expires", "why": "the real reason", "term": "term", "verification": "safeguard",
    "alternative": "our alternative", "risk": "risk", "remedy": "remedy", "step": "next step", "by": "date",
}
NO_SHAREABLE_BASIS = "our alternatives"  # never the BATNA itself (FORMAT.md)
NO_DATE = "a date we agree now"


def limit_word(better: str | None) -> str:
    """What the `floor` of an issue is called aloud: a floor, or a ceiling when lower is better."""
    return "ceiling" if better == "lower" else "floor"


# Plain headlines for the checks, for people reading the Readiness section.
RULE_TITLES = {
    "anchor-without-basis": "An opening figure or limit has no evidence behind it",
    "concession-without-get": "A concession gives without getting anything back",
    "deadline-without-evidence": "A deadline has no proof that it is real",
    "price-only": "Only money is on the table",
    "face-threat": "A script could make them lose face",
    "timing": "A date is in the wrong order",
    "batna-without-evidence": "Our alternative has no evidence behind it",
    "relationship-over-gain": "The relationship is worth more than the gain",
    "perceived-power": "Our leverage is only perceived",
    "face-culture": "No private way to let them save face",
    "no-zopa": "No zone of agreement on an issue",
    "meso-breaks-walk-away": "A MESO option is worse than our walk-away",
    "meso-unbalanced": "The MESO options are not worth the same to us",
    "walk-away-below-batna": "Our walk-aways are worse than our alternative",
    "script-long": "A script is too long to say in one go",
    "approval-missing": "A sign-off the approval matrix requires is missing",
    "approval-stale": "A sign-off is for terms that have changed since",
}


def rule_title(rule: str) -> str:
    return RULE_TITLES.get(rule, rule.replace("-", " ").capitalize())


def finding_text(message: str) -> str:
    """A check's message without the field path in front (the line number is shown apart)."""
    head, sep, rest = message.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*", head):
        message = rest
    return sentence_case(message.replace("`", "")) + ("" if message.endswith(".") else ".")


# ------------------------------------------------------------------ range charts
CHART_MARKS = {"walk_away": "Walk-away", "floor": "Floor", "target": "Target", "open": "Open",
               "their_walk_away": "Their walk-away (est.)"}
CHART_WORSE = "← worse for us"
CHART_BETTER = "better for us →"


def chart_description(name: str, better: str, points: list[tuple[str, str]], zone: str | None, no_zone: bool,
                      target_outside: bool, options: list[tuple[int, str, str]]) -> str:
    """The text alternative of a range chart: every value it shows, in words."""
    words = "; ".join(f"{label} {value}" for label, value in points)
    if zone:
        words += f"; zone of agreement {zone}" + ("; our target lies outside the zone" if target_outside else "")
    elif no_zone:
        words += "; no zone of agreement"
    if options:
        words += "; MESO options: " + "; ".join(f"{n} {option} {value}" for n, option, value in options)
    return f"{name} ({better} is better for us): {words}"


# ------------------------------------------------------------------ step notes
def step_notes(deal) -> dict[str, list[str]]:
    """What each of the five steps means for this deal, from its own data."""
    cur = deal.currency
    notes: dict[str, list[str]] = {key: [] for key in ("setup", "first-move", "midgame", "close", "implementation")}
    cp = deal.counterparty
    if cp and cp.name:
        notes["setup"].append(f"Agree the process with {clean(cp.name)} first"
                              + (f", and the issues on the table: {join_and([clean(i.name) for i in deal.issues])}." if deal.issues else "."))
    if deal.batna and deal.batna.summary:
        notes["setup"].append(f"Our alternative is real: {mid_sentence(clean(deal.batna.summary))}.")
    for person in deal.people:
        if person.veto:
            notes["setup"].append(f"{clean(person.name)} can veto"
                                  + (f" ({clean(person.role)})" if person.role else "")
                                  + (f". Address early: {join_and([mid_sentence(clean(c)) for c in person.concerns])}." if person.concerns else "."))
    for issue in deal.issues:
        if issue.open is not None:
            labels = [evidence_label(e) for i in issue.basis if (e := deal.evidence_item(i)) is not None]
            notes["first-move"].append(f"{clean(issue.name)}: open at {format_value(issue.open, issue.kind, cur)}"
                                       + (f", citing {join_and(labels)}." if labels else "."))
    if deal.meso:
        notes["midgame"].append(f"Present the {len(deal.meso)} MESO options together: {join_and([clean(o.name) for o in deal.meso])}.")
    for concession in deal.concessions:
        if concession.give:
            notes["midgame"].append(concession_note(concession))
    for deadline in deal.deadlines:
        notes["midgame"].append(f"Deadline {long_date(deadline.date)}: {mid_sentence(clean(deadline.what))}"
                                + (f". Reason: {mid_sentence(clean(deadline.why))}." if deadline.why else "."))
    if deal.close_by:
        notes["close"].append(f"Converge on one text and sign by {long_date(deal.close_by)}.")
    tradeable = [clean(i.name) for i in deal.issues if i.tradeable]
    if tradeable:
        notes["close"].append(f"Tradeable to close the last gap: {join_and(tradeable)}.")
    for task in deal.implementation:
        details = [f"owner: {clean(task.owner)}" if task.owner else "", f"due {long_date(task.due)}" if task.due else "",
                   f"measured by: {mid_sentence(clean(task.metric))}" if task.metric else ""]
        notes["implementation"].append(f"{clean(task.task)}" + (f" ({'; '.join(d for d in details if d)})" if any(details) else "") + ".")
    for step in deal.escalation:
        notes["implementation"].append(f"Escalation step{f' by {long_date(step.by)}' if step.by else ''}: {mid_sentence(clean(step.step))}.")
    return notes


def concession_note(concession) -> str:
    """``Pilot. When the buyer asks for a pilot: we give a 30-day pilot; we get ...``: values after colons."""
    when = f"When this happens: {mid_sentence(clean(concession.trigger))}. " if concession.trigger else ""
    get = f" We get: {mid_sentence(clean(concession.get))}." if concession.get else " We get: nothing recorded yet."
    return f"{clean(concession.item)}. {when}We give: {mid_sentence(clean(concession.give))}.{get}"


def evidence_label(evidence) -> str:
    return clean(evidence.label) if evidence.label else short_label(evidence.summary)


# ------------------------------------------------------------------ red lines and the checklist
def red_lines(deal) -> list[tuple[str, str]]:
    """``(kind, text)`` of what we never say or show: the deal's own list, evidence that is not
    shareable, private escalation steps, and our limits."""
    out = [("say", clean(line)) for line in deal.red_lines]
    hidden = [evidence_label(e) for e in deal.evidence if not e.shareable]
    if hidden:
        shown = hidden[:MAX_LISTED] + ([f"{len(hidden) - MAX_LISTED} more in the evidence pack"] if len(hidden) > MAX_LISTED else [])
        out.append(("show", f"Internal evidence: {join_and(shown)}."))
    for step in deal.escalation:
        if step.private:
            out.append(("say", f"The private step: {mid_sentence(clean(step.step))}."))
    if any(i.walk_away is not None or i.their_walk_away is not None for i in deal.issues) or (deal.batna and deal.batna.value is not None):
        out.append(("say", "Our walk-away points, our estimate of theirs, and what our alternative is worth."))
    return out


def checklist_items(deal) -> list[str]:
    """Items that only this deal has, for the printed checklist (its red lines follow them)."""
    cur = deal.currency
    items = []
    for issue in deal.issues:
        if issue.floor is not None:
            items.append(f"{clean(issue.name)}: hold our {limit_word(issue.better)} of {format_value(issue.floor, issue.kind, cur)}.")
    for deadline in deal.deadlines:
        items.append(f"By {long_date(deadline.date)}: {mid_sentence(clean(deadline.what))}.")
    shown = [evidence_label(e) for e in deal.evidence if e.shareable]
    if shown:
        listed = shown[:MAX_LISTED] + ([f"{len(shown) - MAX_LISTED} more"] if len(shown) > MAX_LISTED else [])
        items.append(f"Evidence to show is ready: {join_and(listed)}.")
    for step in deal.escalation:
        if step.by:
            items.append(f"By {long_date(step.by)}: {mid_sentence(clean(step.step))}.")
    if deal.close_by:
        items.append(f"Sign by {long_date(deal.close_by)}.")
    return items
