"""Every script template of every pack, in every context and direction, said aloud.

Each template is filled with short values of several grammatical shapes (a noun phrase, a
clause, a value with a capital or a full stop, a value over two lines) and shown with
blanks: the result must be at most 45 words, each sentence one breath, each sentence a
sentence. Long values must raise `script-long`, naming the field to shorten.
"""

from __future__ import annotations

import re

import pytest

from negdocs import phrases
from negdocs.analyse.analysis import analyse
from negdocs.analyse.strategy import load_packs
from negdocs.load.model import CONTEXTS
from negdocs.load.model import Deal
from negdocs.render.scripts import blanks, fill

PACKS = load_packs()
SHAPES = {
    "noun phrase": {"text": "a paid pilot", "name": "Annual fee"},
    "clause": {"text": "we slip a week", "name": "annual fee"},
    "capital and full stop": {"text": "The slot moves.", "name": "ACME platform fee"},
    "two lines": {"text": "a credit\n  and a lead", "name": "Days to start"},
}
LONG = " ".join(["word"] * 30)


def deal(context: str, better: str, text: str, name: str = "Annual fee", long: str | None = None) -> Deal:
    v = lambda field: long if long and field == long_field else text  # noqa: E731
    long_field = None if long is None else "give"
    data = {
        "format": "negdocs/v1", "title": "T", "context": context,
        "issues": [{"id": "fee", "name": name, "kind": "money", "better": better, "open": 100 if better == "higher" else 50,
                    "floor": 80 if better == "higher" else 70, "basis": ["survey", "policy"]}],
        "evidence": [{"id": "survey", "kind": "benchmark", "summary": "The median fee is 90k.", "shareable": True},
                     {"id": "policy", "kind": "policy", "summary": "x", "label": "our pricing policy", "shareable": True}],
        "deadlines": [{"date": "2027-01-15", "what": text, "why": text}],
        "escalation": [{"step": text, "by": "2027-01-10"}],
        "scripts": [{"use": "floor", "issue": "fee", "ask": text, "give": v("give")},
                    {"use": "deadline", "deadline": 0},
                    {"use": "governance", "term": text, "verification": text, "alternative": text},
                    {"use": "contingency", "risk": text, "remedy": text},
                    {"use": "escalation", "escalation": 0}],
    }
    return Deal.model_validate(data)


def assert_sayable(text: str, where: str) -> None:
    assert phrases.words(text) <= phrases.UTTERANCE_WORDS, f"{where}: {phrases.words(text)} words: {text}"
    assert not re.search(r"\{[a-z_]+\}", text), where
    for sentence in phrases.sentences(text):
        assert phrases.words(sentence) <= phrases.BREATH_WORDS, f"{where}: one breath is too long: {sentence}"
        assert sentence[0].isupper() or sentence[0] in "[“\"", f"{where}: starts in lower case: {sentence}"
        assert sentence[-1] in ".?!", f"{where}: does not end as a sentence: {sentence}"
    assert ".." not in text and " ," not in text and " ." not in text and "  " not in text and "\n" not in text, where


CASES = [(p, c, b) for p in sorted(PACKS) for c in CONTEXTS for b in ("higher", "lower")]


@pytest.mark.parametrize("pack,context,better", CASES)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_filled_scripts_can_be_said_in_one_go(pack, context, better, shape):
    d = deal(context, better, **SHAPES[shape])
    scripts = fill(d, PACKS[pack])
    assert [s.use for s in scripts] == ["floor", "deadline", "governance", "contingency", "escalation"]
    for s in scripts:
        assert_sayable(s.text, f"{pack}/{s.use}/{context}/{better}/{shape}")
    floor = scripts[0].text
    assert "the median fee is 90k and our pricing policy" in floor
    assert analyse(d, PACKS[pack]).long_scripts == []


@pytest.mark.parametrize("pack,context,better", CASES)
def test_the_floor_is_a_ceiling_when_lower_is_better(pack, context, better):
    text = fill(deal(context, better, "a paid pilot"), PACKS[pack])[0]
    said = text.text.lower() + text.title.lower()
    if better == "lower":
        assert "floor" not in said and "minimum" not in said and ("ceiling" in said or "maximum" in said)
    else:
        assert "ceiling" not in said and "maximum" not in said and ("floor" in said or "minimum" in said)


@pytest.mark.parametrize("pack,context,better", CASES)
def test_blank_templates_can_be_said_in_one_go(pack, context, better):
    d = deal(context, better, "x").model_copy(update={"scripts": []})
    shown = blanks(PACKS[pack], set(), d)
    assert len(shown) == 5
    for s in shown:
        assert "[" in s.text
        assert_sayable(s.text, f"{pack}/{s.use}/{context}/{better}/blank")


@pytest.mark.parametrize("pack,context,better", CASES)
def test_a_long_value_raises_script_long_naming_its_field(pack, context, better):
    d = deal(context, better, "a paid pilot", long=LONG)
    found = analyse(d, PACKS[pack]).long_scripts
    assert len(found) == 1
    loc, message = found[0]
    assert loc == ("scripts", 0) and "shorten scripts[0].give (30 words)" in message


def test_evidence_is_cited_by_label_and_never_pasted_whole():
    d = deal("sales", "higher", "a paid pilot")
    floor = fill(d, PACKS["power-based"])[0].text
    assert "the median fee is 90k and our pricing policy" in floor and "The median fee is 90k." not in floor


@pytest.mark.parametrize("summary,label", [
    ("Published compensation band for Staff Engineer (L6), US tier-1 locations: base 190,000.", "Published compensation band for Staff Engineer"),
    ("ACME weekly active use is 85 percent of seats, and 60 more users wait.", "ACME weekly active use is 85 percent"),
    ("Globex letter of intent for a Q1 rollout using the same migration team.", "Globex letter of intent for a Q1 rollout"),
    ("The market median base for Staff engineers is about 218,000 USD.", "the market median base for Staff engineers"),
])
def test_default_labels_are_a_short_first_clause(summary, label):
    assert phrases.short_label(summary) == label
    assert phrases.words(phrases.short_label(summary)) <= phrases.LABEL_WORDS
