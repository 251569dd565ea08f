"""The proposal edition never contains an internal value.

Hypothesis generates deals whose internal fields hold unique markers (strings, and numbers
in every usual spelling) and whose shared fields hold other markers; the proposal edition
is built, and no internal marker may appear in any output byte while every shared one must.
"""

from __future__ import annotations

import io
import os
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from negdocs.build import build


LOCALES = ("en", "de", "fr", "es")
GROUPS = (",", ".", " ", "\u202f", "\u00a0", "'")  # English, German/Spanish, French (narrow no-break space)...


def spellings(n: int) -> set[str]:
    """How a number may be written in a document, in any of the four languages: 120000,
    120,000, 120.000,00 $, 120 000 $US (narrow no-break space), US$120,000, 120k..."""
    grouped = f"{n:,}"
    found = {str(n), f"{round(n / 1000)}k", f"{n / 1000:g}k", f"{round(n / 1000)}\u00a0k", f"{round(n / 1000)} k"}
    for group in GROUPS:
        found |= {grouped.replace(",", group), f"${grouped.replace(',', group)}", f"US${grouped.replace(',', group)}"}
    return found


# The proposal's money in each language's spelling (CLDR, as Babel bundles it): an oracle
# written out by hand, not computed by the code under test.
OPEN_SPELLING = {"en": lambda n: f"{n:,} USD", "de": lambda n: f"{n:,}".replace(",", ".") + "\u00a0$",
                 "fr": lambda n: f"{n:,}".replace(",", "\u202f") + "\u00a0$US",
                 "es": lambda n: f"{n:,}".replace(",", ".") + "\u00a0US$"}


@st.composite
def marked_deals(draw):
    """(deal dict, internal markers, internal numbers, shared markers)."""
    counter = iter(range(10_000))
    internal: set[str] = set()
    shared: set[str] = set()

    def secret() -> str:
        marker = f"SECRET{next(counter):04d}X"
        internal.add(marker)
        return marker

    def public() -> str:
        marker = f"PUBLIC{next(counter):04d}Y"
        shared.add(marker)
        return marker

    numbers = iter(draw(st.lists(st.integers(700_001, 899_999), min_size=40, max_size=40, unique=True)))
    secret_numbers: set[int] = set()

    def secret_number() -> int:
        value = next(numbers)
        secret_numbers.add(value)
        return value

    n_issues = draw(st.integers(1, 3))
    issues = []
    for k in range(n_issues):
        # open is shared; the internal values sit on the worse side of it, in order.
        better = draw(st.sampled_from(["higher", "lower"]))
        values = sorted([secret_number() for _ in range(4)], reverse=(better == "higher"))
        open_value = (900_000 + k) if better == "higher" else (100_000 + k)
        issues.append({"id": f"issue-{k}", "name": public(), "kind": "money", "better": better, "open": open_value,
                       "target": values[0], "floor": values[1], "walk_away": values[2], "their_walk_away": values[3],
                       "weight": draw(st.integers(1, 5)), "tradeable": True, "basis": ["shared-ev", "secret-ev"]})
    # A text issue with no meso term has nothing to show in the proposal; its ladder is internal.
    issues.append({"id": "scope", "name": "Scope", "kind": "text", "positions": [secret(), secret()]})
    with_meso = draw(st.booleans())
    meso = [{"name": public(), "note": public(), "terms": {i["id"]: i["open"] for i in issues if i["kind"] == "money"}}
            for _ in range(2)] if with_meso else []
    deal = {
        "format": "negdocs/v1", "title": public(), "context": draw(st.sampled_from(["sales", "partnership", "procurement", "hiring"])),
        "strategy": draw(st.sampled_from(["power-based", "principled"])), "status": "active", "owner": public(),
        "currency": "USD", "close_by": "2027-03-31", "stakes": "high", "summary": secret(),
        "locale": draw(st.sampled_from(LOCALES)),  # our team's language: never the proposal's
        "counterparty": {"name": public(), "relationship": "one-off", "culture": "direct", "their_batna": secret(),
                         "locale": draw(st.sampled_from(LOCALES))},
        "batna": {"summary": secret(), "value": secret_number(), "time": secret(), "risk": "low",
                  "evidence": ["secret-ev"], "strengthen": [secret()]},
        "issues": issues,
        "power": [{"source": "alternatives", "summary": secret(), "evidence": ["secret-ev"]}],
        "people": [{"name": secret(), "role": secret(), "decision_rights": [secret()], "veto": True, "concerns": [secret()]}],
        "evidence": [{"id": "shared-ev", "kind": "benchmark", "summary": public(), "source": public(), "shareable": True},
                     {"id": "secret-ev", "kind": "other", "summary": secret(), "source": secret()}],
        "deadlines": [{"date": "2027-03-01", "what": public(), "why": public(), "kind": "capacity", "evidence": ["secret-ev"]}],
        "meso": meso,
        "concessions": [{"item": secret(), "give": secret(), "get": secret(), "value": secret(), "trigger": secret()}],
        "scripts": [{"say": secret()}, {"use": "governance", "term": secret(), "verification": secret(), "alternative": secret()},
                    {"use": "floor", "issue": "issue-0", "ask": secret(), "give": secret()}],
        "implementation": [{"task": public(), "owner": public(), "due": "2027-04-15", "metric": public()}],
        "escalation": [{"step": public(), "by": "2027-03-15"}, {"step": secret(), "by": "2027-03-20", "private": True}],
        "proposal": {"intro": public()},
        "review": {secret(): secret()},
        "notes": secret(),
    }
    return deal, internal, secret_numbers, shared, with_meso


def _write(root, deal):
    (root / "playbooks").mkdir(parents=True, exist_ok=True)
    (root / "playbooks" / "deal.yaml").write_text(yaml.safe_dump(deal, sort_keys=False), encoding="utf-8")


def _pdf_strings(data: bytes) -> str:
    """Extracted text plus every object (metadata, links, structure tree), streams decoded."""
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() for page in reader.pages]
    seen = set()
    for generation, ids in reader.xref.items():
        for idnum in ids:
            seen.add(idnum)
            parts.append(_object_text(reader.get_object(IndirectObject(idnum, generation, reader))))
    for idnum in getattr(reader, "xref_objStm", {}):
        if idnum not in seen:
            parts.append(_object_text(reader.get_object(IndirectObject(idnum, 0, reader))))
    return "\n".join(parts)


def _object_text(obj) -> str:
    if isinstance(obj, StreamObject):
        try:
            return repr(dict(obj)) + obj.get_data().decode("latin-1")
        except Exception:  # undecodable image data
            return repr(dict(obj))
    return repr(obj)


def _assert_no_leak(text: str, internal, numbers, shared_text: str):
    for marker in internal:
        assert marker not in text, f"internal marker {marker} leaked"
    for number in numbers:
        for spelling in spellings(number):
            if spelling in shared_text:
                continue  # the same value is also in a shared field
            assert spelling not in text, f"internal number {number} leaked as {spelling!r}"


def _build(root):
    os.environ["SOURCE_DATE_EPOCH"] = "1798675200"
    return build(out=root / "build", pdf=False, edition="proposal", root=root)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(marked_deals())
def test_proposal_html_never_leaks(tmp_path_factory, case):
    deal, internal, numbers, shared, with_meso = case
    root = tmp_path_factory.mktemp("leak")
    _write(root, deal)
    result = _build(root)
    html = "".join((result.out / name).read_text(encoding="utf-8") for name in result.files if name.startswith("proposal/"))
    _assert_no_leak(html, internal, numbers, "")
    missing = sorted(marker for marker in shared if marker not in html)
    assert missing == [], f"shared markers missing from the proposal: {missing}"
    locale = deal["counterparty"]["locale"]
    assert f'<html lang="{locale}">' in html
    for issue in deal["issues"]:
        if issue["kind"] == "money":
            assert OPEN_SPELLING[locale](issue["open"]) in html


@pytest.mark.parametrize("locale, spelled", [("de", "120.000,00\u00a0$"), ("fr", "120\u202f000\u00a0$US"),
                                             ("es", "120.000\u00a0US$"), ("en", "US$120,000"), ("en", "120k")])
def test_every_languages_spelling_of_a_number_is_caught(locale, spelled):
    with pytest.raises(AssertionError, match="leaked"):
        _assert_no_leak(f"<p>Total: {spelled}</p>", set(), {120000}, "")


@pytest.mark.pdf
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(marked_deals())
def test_proposal_pdf_never_leaks(tmp_path_factory, case):
    deal, internal, numbers, shared, _ = case
    root = tmp_path_factory.mktemp("leakpdf")
    _write(root, deal)
    os.environ["SOURCE_DATE_EPOCH"] = "1798675200"
    result = build(out=root / "build", pdf=True, edition="proposal", root=root, jobs=1)
    text = _pdf_strings((result.out / "proposal" / "deal.pdf").read_bytes())
    _assert_no_leak(text, internal, numbers, "")
    squashed = re.sub(r"\s+", "", text)
    for marker in shared:
        assert marker in squashed, f"shared marker {marker} missing from the proposal PDF"


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marked_deals())
def test_the_leak_detector_catches_a_leak(tmp_path_factory, case):
    """Guard against a test that cannot fail: the internal edition must trip the detector."""
    deal, internal, numbers, _, _ = case
    root = tmp_path_factory.mktemp("internal")
    _write(root, deal)
    os.environ["SOURCE_DATE_EPOCH"] = "1798675200"
    result = build(out=root / "build", pdf=False, edition="internal", root=root)
    html = (result.out / "deal.html").read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="leaked"):
        _assert_no_leak(html, internal, numbers, "")
