"""Every sentence negdocs writes in Python, in one place (templates hold their own literals).

Each is a gettext message (``make i18n`` extracts them), written in the language in effect:
:func:`negdocs.i18n.current`, English unless the build renders a page in another language.

Values from a deal file are placed after a colon or as a list item, never glued into the
middle of a sentence, so any value reads correctly ("If the migration is delayed happens"
cannot occur). The sentence rules of scripts (words per utterance and per breath) live here
too, so the checks, the renderer and the tests count words the same way.
"""

from __future__ import annotations

import re

from negdocs.i18n import N_, current

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
    if len(items) < 2:
        return items[0] if items else ""
    return current()._("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


# What a template's blank is called when shown for the reader to fill in.
BLANKS = {
    "issue": N_("issue"), "floor": N_("figure"), "basis": N_("evidence"), "ask": N_("their request"),
    "give": N_("what we need"), "date": N_("date"), "what": N_("what expires"), "why": N_("the real reason"),
    "term": N_("term"), "verification": N_("safeguard"), "alternative": N_("our alternative"), "risk": N_("risk"),
    "remedy": N_("remedy"), "step": N_("next step"), "by": N_("date"),
}
NO_SHAREABLE_BASIS = N_("our alternatives")  # never the BATNA itself (FORMAT.md)
NO_DATE = N_("a date we agree now")


def blank(name: str) -> str:
    """``[their request]``: a template's blank, named in the language in effect."""
    return f"[{current().gettext(BLANKS[name]) if name in BLANKS else name.replace('_', ' ')}]"


def limit_word(better: str | None) -> str:
    """What the `floor` of an issue is called aloud: a floor, or a ceiling when lower is better."""
    return current()._("ceiling") if better == "lower" else current()._("floor")


# Plain headlines for the checks, for people reading the Readiness section.
RULE_TITLES = {
    "anchor-without-basis": N_("An opening figure or limit has no evidence behind it"),
    "concession-without-get": N_("A concession gives without getting anything back"),
    "deadline-without-evidence": N_("A deadline has no proof that it is real"),
    "price-only": N_("Only money is on the table"),
    "face-threat": N_("A script could make them lose face"),
    "timing": N_("A date is in the wrong order"),
    "batna-without-evidence": N_("Our alternative has no evidence behind it"),
    "relationship-over-gain": N_("The relationship is worth more than the gain"),
    "perceived-power": N_("Our leverage is only perceived"),
    "face-culture": N_("No private way to let them save face"),
    "no-zopa": N_("No zone of agreement on an issue"),
    "meso-breaks-walk-away": N_("A MESO option is worse than our walk-away"),
    "meso-unbalanced": N_("The MESO options are not worth the same to us"),
    "walk-away-below-batna": N_("Our walk-aways are worse than our alternative"),
    "script-long": N_("A script is too long to say in one go"),
    "approval-missing": N_("A sign-off the approval matrix requires is missing"),
    "approval-stale": N_("A sign-off is for terms that have changed since"),
}


def rule_title(rule: str) -> str:
    return current().gettext(RULE_TITLES[rule]) if rule in RULE_TITLES else rule.replace("-", " ").capitalize()


def finding_text(message: str) -> str:
    """A check's message without the field path in front (the line number is shown apart)."""
    head, sep, rest = message.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*", head):
        message = rest
    return sentence_case(message.replace("`", "")) + ("" if message.endswith(".") else ".")


# ------------------------------------------------------------------ range charts
CHART_MARKS = {"walk_away": N_("Walk-away"), "floor": N_("Floor"), "target": N_("Target"), "open": N_("Open"),
               "their_walk_away": N_("Their walk-away (est.)")}
CHART_WORSE = N_("← worse for us")
CHART_BETTER = N_("better for us →")


def chart_description(name: str, better: str, points: list[tuple[str, str]], zone: str | None, no_zone: bool,
                      target_outside: bool, options: list[tuple[int, str, str]]) -> str:
    """The text alternative of a range chart: every value it shows, in words."""
    t = current()
    words = "; ".join(f"{label} {value}" for label, value in points)
    if zone:
        words += "; " + t._("zone of agreement {zone}", zone=zone) + ("; " + t._("our target lies outside the zone")
                                                                       if target_outside else "")
    elif no_zone:
        words += "; " + t._("no zone of agreement")
    if options:
        words += "; " + t._("MESO options: {options}", options="; ".join(f"{n} {option} {value}" for n, option, value in options))
    if better == "lower":
        return t._("{issue} (lower is better for us): {marks}", issue=name, marks=words)
    return t._("{issue} (higher is better for us): {marks}", issue=name, marks=words)


# ------------------------------------------------------------------ step notes
def step_notes(deal) -> dict[str, list[str]]:
    """What each of the five steps means for this deal, from its own data."""
    t = current()
    cur = deal.currency
    notes: dict[str, list[str]] = {key: [] for key in ("setup", "first-move", "midgame", "close", "implementation")}
    cp = deal.counterparty
    if cp and cp.name:
        notes["setup"].append(t._("Agree the process with {counterparty} first, and the issues on the table: {issues}.",
                                  counterparty=clean(cp.name), issues=join_and([clean(i.name) for i in deal.issues]))
                              if deal.issues else t._("Agree the process with {counterparty} first.", counterparty=clean(cp.name)))
    if deal.batna and deal.batna.summary:
        notes["setup"].append(t._("Our alternative is real: {batna}.", batna=mid_sentence(clean(deal.batna.summary))))
    for person in deal.people:
        if person.veto:
            who = f"{clean(person.name)} ({clean(person.role)})" if person.role else clean(person.name)
            notes["setup"].append(t._("{person} can veto. Address early: {concerns}.", person=who,
                                      concerns=join_and([mid_sentence(clean(c)) for c in person.concerns]))
                                  if person.concerns else t._("{person} can veto.", person=who))
    for issue in deal.issues:
        if issue.open is not None:
            labels = [evidence_label(e) for i in issue.basis if (e := deal.evidence_item(i)) is not None]
            value = t.value(issue.open, issue.kind, cur)
            notes["first-move"].append(t._("{issue}: open at {value}, citing {basis}.", issue=clean(issue.name), value=value,
                                           basis=join_and(labels)) if labels
                                       else t._("{issue}: open at {value}.", issue=clean(issue.name), value=value))
    if deal.meso:
        notes["midgame"].append(t.n_("Present the {count} MESO option together: {options}.",
                                     "Present the {count} MESO options together: {options}.", len(deal.meso),
                                     options=join_and([clean(o.name) for o in deal.meso])))
    for concession in deal.concessions:
        if concession.give:
            notes["midgame"].append(concession_note(concession))
    for deadline in deal.deadlines:
        date, what = t.date(deadline.date), mid_sentence(clean(deadline.what))
        notes["midgame"].append(t._("Deadline {date}: {what}. Reason: {why}.", date=date, what=what,
                                    why=mid_sentence(clean(deadline.why))) if deadline.why
                                else t._("Deadline {date}: {what}.", date=date, what=what))
    if deal.close_by:
        notes["close"].append(t._("Converge on one text and sign by {date}.", date=t.date(deal.close_by)))
    tradeable = [clean(i.name) for i in deal.issues if i.tradeable]
    if tradeable:
        notes["close"].append(t._("Tradeable to close the last gap: {issues}.", issues=join_and(tradeable)))
    for task in deal.implementation:
        details = [t._("owner: {owner}", owner=clean(task.owner)) if task.owner else "",
                   t._("due {date}", date=t.date(task.due)) if task.due else "",
                   t._("measured by: {metric}", metric=mid_sentence(clean(task.metric))) if task.metric else ""]
        notes["implementation"].append(f"{clean(task.task)}" + (f" ({'; '.join(d for d in details if d)})" if any(details) else "") + ".")
    for step in deal.escalation:
        notes["implementation"].append(t._("Escalation step by {date}: {step}.", date=t.date(step.by), step=mid_sentence(clean(step.step)))
                                       if step.by else t._("Escalation step: {step}.", step=mid_sentence(clean(step.step))))
    return notes


def concession_note(concession) -> str:
    """``Pilot. When the buyer asks for a pilot: we give a 30-day pilot; we get ...``: values after colons."""
    t = current()
    when = t._("When this happens: {trigger}.", trigger=mid_sentence(clean(concession.trigger))) + " " if concession.trigger else ""
    get = (" " + t._("We get: {get}.", get=mid_sentence(clean(concession.get))) if concession.get
           else " " + t._("We get: nothing recorded yet."))
    return f"{clean(concession.item)}. {when}" + t._("We give: {give}.", give=mid_sentence(clean(concession.give))) + get


def evidence_label(evidence) -> str:
    return clean(evidence.label) if evidence.label else short_label(evidence.summary)


# ------------------------------------------------------------------ red lines and the checklist
def red_lines(deal) -> list[tuple[str, str]]:
    """``(kind, text)`` of what we never say or show: the deal's own list, evidence that is not
    shareable, private escalation steps, and our limits."""
    out = [("say", clean(line)) for line in deal.red_lines]
    hidden = [evidence_label(e) for e in deal.evidence if not e.shareable]
    if hidden:
        shown = hidden[:MAX_LISTED] + ([current()._("{count} more in the evidence pack", count=len(hidden) - MAX_LISTED)]
                                       if len(hidden) > MAX_LISTED else [])
        out.append(("show", current()._("Internal evidence: {items}.", items=join_and(shown))))
    for step in deal.escalation:
        if step.private:
            out.append(("say", current()._("The private step: {step}.", step=mid_sentence(clean(step.step)))))
    if any(i.walk_away is not None or i.their_walk_away is not None for i in deal.issues) or (deal.batna and deal.batna.value is not None):
        out.append(("say", current()._("Our walk-away points, our estimate of theirs, and what our alternative is worth.")))
    return out


def checklist_items(deal) -> list[str]:
    """Items that only this deal has, for the printed checklist (its red lines follow them)."""
    t = current()
    cur = deal.currency
    items = []
    for issue in deal.issues:
        if issue.floor is not None:
            value = t.value(issue.floor, issue.kind, cur)
            items.append(t._("{issue}: hold our ceiling of {value}.", issue=clean(issue.name), value=value) if issue.better == "lower"
                         else t._("{issue}: hold our floor of {value}.", issue=clean(issue.name), value=value))
    for deadline in deal.deadlines:
        items.append(t._("By {date}: {what}.", date=t.date(deadline.date), what=mid_sentence(clean(deadline.what))))
    shown = [evidence_label(e) for e in deal.evidence if e.shareable]
    if shown:
        listed = shown[:MAX_LISTED] + ([t._("{count} more", count=len(shown) - MAX_LISTED)] if len(shown) > MAX_LISTED else [])
        items.append(t._("Evidence to show is ready: {items}.", items=join_and(listed)))
    for step in deal.escalation:
        if step.by:
            items.append(t._("By {date}: {what}.", date=t.date(step.by), what=mid_sentence(clean(step.step))))
    if deal.close_by:
        items.append(t._("Sign by {date}.", date=t.date(deal.close_by)))
    return items
