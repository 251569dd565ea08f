"""Rules about conduct at the table: reciprocity, tone and timing."""

from negdocs.analyse.checks import rule
from negdocs.load.validate import ALL_SLOTS

FACE_THREATS = ("take it or leave it", "final offer", "non-negotiable", "last chance", "or else", "no other option",
                "we will walk")


@rule("concession-without-get", "a concession has a `give` and no `get`")
def concession_without_get(deal, analysis):
    for n in analysis.one_way:
        concession = deal.concessions[n]
        yield ("concessions", n, "give"), f"{concession.item!r} gives without a `get`; pair it with what we receive in return"


@rule("face-threat", "a script contains a face-threatening phrase such as \"take it or leave it\"")
def face_threat(deal, analysis):
    for n, script in enumerate(deal.scripts):
        for field in ("say", *sorted(ALL_SLOTS)):
            text = getattr(script, field)
            if not isinstance(text, str):
                continue
            hits = [phrase for phrase in FACE_THREATS if phrase in text.lower()]
            if hits:
                yield ("scripts", n, field), f"{hits[0]!r} threatens face; state the constraint and its reason instead"


@rule("timing", "a deadline or escalation falls after `close_by`, or an implementation task is due before it")
def timing(deal, analysis):
    close_by = deal.close_by
    if close_by is None:
        return
    for n, deadline in enumerate(deal.deadlines):
        if deadline.date > close_by:
            yield ("deadlines", n, "date"), f"{deadline.date} is after close_by {close_by}; a deadline after the close cannot drive it"
    for n, step in enumerate(deal.escalation):
        if step.by is not None and step.by > close_by:
            yield ("escalation", n, "by"), f"{step.by} is after close_by {close_by}; escalate before the close, not after"
    for n, task in enumerate(deal.implementation):
        if task.due is not None and task.due < close_by:
            yield ("implementation", n, "due"), f"{task.due} is before close_by {close_by}; implementation follows signature"


@rule("script-long", "a filled script runs over 45 words, too long to say in one go (names the field to shorten)")
def script_long(deal, analysis):
    yield from analysis.long_scripts
