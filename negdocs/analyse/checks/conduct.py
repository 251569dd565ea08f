"""Rules about conduct at the table: reciprocity, tone and timing."""

import re
from functools import lru_cache
from pathlib import Path

from negdocs.analyse.checks import rule
from negdocs.i18n import SUPPORTED, current, fold
from negdocs.load.validate import ALL_SLOTS

PHRASES_FILE = Path(__file__).with_name("face_threats.yaml")


@lru_cache(maxsize=None)
def face_threats() -> dict[str, tuple[str, ...]]:
    """Language -> its face-threatening phrases (face_threats.yaml)."""
    import yaml

    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    assert set(data) == set(SUPPORTED), "face_threats.yaml lists every supported language"
    return {locale: tuple(data[locale]) for locale in SUPPORTED}


def _folded(text: str) -> str:
    return fold(text).replace("\u2019", "'")


@lru_cache(maxsize=None)
def _pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One expression for every language's phrases, folded (case and accents); and each folded
    phrase's spelling in the list. English phrases match anywhere, as FORMAT.md's "contains"
    says; the others as whole words, so "Chancengleichheit" does not contain "letzte Chance"."""
    spelled = {_folded(p): p for ps in reversed(face_threats().values()) for p in ps}
    english = {_folded(p) for p in face_threats()["en"]}
    alternatives = [re.escape(p) if p in english else rf"(?<!\w){re.escape(p)}(?!\w)"
                    for p in sorted(spelled, key=len, reverse=True)]
    return re.compile("(" + "|".join(alternatives) + ")"), spelled


def threatening(text: str) -> str | None:
    """The first face-threatening phrase in ``text``, in any supported language (None: none)."""
    pattern, spelled = _pattern()
    match = pattern.search(_folded(text))
    return spelled[match.group(1)] if match else None


@rule("concession-without-get", "a concession has a `give` and no `get`")
def concession_without_get(deal, analysis):
    for n in analysis.one_way:
        concession = deal.concessions[n]
        yield ("concessions", n, "give"), current()._("{item} gives without a `get`; pair it with what we receive in return",
                                                      item=repr(concession.item))


@rule("face-threat", "a script contains a face-threatening phrase such as \"take it or leave it\"")
def face_threat(deal, analysis):
    for n, script in enumerate(deal.scripts):
        for field in ("say", *sorted(ALL_SLOTS)):
            text = getattr(script, field)
            if not isinstance(text, str):
                continue
            hit = threatening(text)
            if hit:
                yield ("scripts", n, field), current()._("{phrase} threatens face; state the constraint and its reason instead",
                                                         phrase=repr(hit))


@rule("timing", "a deadline or escalation falls after `close_by`, or an implementation task is due before it")
def timing(deal, analysis):
    close_by = deal.close_by
    if close_by is None:
        return
    t = current()
    for n, deadline in enumerate(deal.deadlines):
        if deadline.date > close_by:
            yield ("deadlines", n, "date"), t._("{date} is after close_by {close_by}; a deadline after the close cannot drive "
                                                "it", date=deadline.date, close_by=close_by)
    for n, step in enumerate(deal.escalation):
        if step.by is not None and step.by > close_by:
            yield ("escalation", n, "by"), t._("{date} is after close_by {close_by}; escalate before the close, not after",
                                               date=step.by, close_by=close_by)
    for n, task in enumerate(deal.implementation):
        if task.due is not None and task.due < close_by:
            yield ("implementation", n, "due"), t._("{date} is before close_by {close_by}; implementation follows signature",
                                                    date=task.due, close_by=close_by)


@rule("script-long", "a filled script runs over 45 words, too long to say in one go (names the field to shorten)")
def script_long(deal, analysis):
    yield from analysis.long_scripts
