"""The proposal edition never shows an internal value.

Hypothesis generates a *pair* of deals with the same shared fields and a different value in
every internal field (text, numbers, enums, bools, integers, dates, references, script kinds).
Both proposals are built and two detectors run on them:

* differential: the two proposal outputs must be byte-identical, file by file (HTML text and
  attributes, <head>, search index; in the PDF test every byte of the PDF, so every object and
  the metadata too). A leak of any internal field changes them, even one whose values are
  common words (`high`, `repeated`, `true`, `3`) that no text search could tell from prose;
* markers: internal text holds unique markers and internal numbers unique values; none may
  appear in any spelling (`120000`, `120,000`, `120k`, `$120,000`...), while every shared marker
  must. A value that is both internal and shared is shared: the generator sometimes makes one
  (a `target` equal to the shared `open`, a person who is also the deal's `owner`);
* recipients: each recipient's stamped copy names that recipient only (no other recipient's
  name, organisation or e-mail address, and no address at all), and the unstamped package
  names none.

Every file of the package is read whole: HTML; every part of each Word file (document,
headers, footers, docProps...), decompressed; each PDF's text and every object. The one
value that differs by design is a copy's reference code (an HMAC over the terms): the
differential detector compares stamped copies with their codes masked.

``test_detectors_fire_on_a_planted_leak`` plants leaks into the proposal path itself and
proves that each detector catches them there.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from dataclasses import dataclass, field

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from negdocs.analyse import reference
from negdocs.build import build
from negdocs.load.recipients import slug
from negdocs.render import docx, editions

# What the proposal may show of an internal field, by field: FORMAT.md's one exception is the
# visible DRAFT mark on a draft deal's proposal, so the generator varies `status` only among the
# values the proposal must not tell apart (tests/test_proposal_outputs.py checks the mark).
MAY_SHOW: dict[str, set[str]] = {"status": {"draft"}}

MANIFEST = ".negdocs-build.json"  # outside DIR/proposal/; its promise is another test's


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


@dataclass
class Side:
    """One deal of a pair and what of it must not reach the proposal."""

    deal: dict
    markers: set[str] = field(default_factory=set)
    numbers: set[int] = field(default_factory=set)


@dataclass
class Case:
    sides: tuple[Side, Side]
    shared: set[str]  # markers of shared fields: each must appear
    shared_numbers: set[int]  # values of shared fields (an internal field may hold one too)
    recipients: list[dict] = field(default_factory=list)  # name, email, org (each seen by its recipient only)


@st.composite
def deal_pairs(draw) -> Case:
    counter = iter(range(100_000))
    numbers = iter(draw(st.lists(st.integers(700_001, 899_999), min_size=40, max_size=40, unique=True)))
    shared: set[str] = set()
    sides = (Side({}), Side({}))

    def public() -> str:
        marker = f"PUBLIC{next(counter):04d}Y"
        shared.add(marker)
        return marker

    def secret(side: Side) -> str:
        marker = f"SECRET{next(counter):04d}X"
        side.markers.add(marker)
        return marker

    def secret_number(side: Side) -> int:
        value = next(numbers)
        side.numbers.add(value)
        return value

    def two(values, name=None):
        """Two different values of an internal field, one for each side."""
        allowed = [v for v in values if v not in MAY_SHOW.get(name, ())]
        return tuple(draw(st.permutations(allowed))[:2])

    # -- shared fields, the same on both sides
    n_issues = draw(st.integers(1, 3))
    money = [{"id": f"issue-{k}", "name": public(), "kind": "money", "better": draw(st.sampled_from(["higher", "lower"]))}
             for k in range(n_issues)]
    for k, issue in enumerate(money):  # the internal values sit on the worse side of `open`
        issue["open"] = (900_000 + k) if issue["better"] == "higher" else (100_000 + k)
    with_meso = draw(st.booleans())
    meso = [{"name": public(), "note": public(), "terms": {i["id"]: i["open"] for i in money}} for _ in range(2)] if with_meso else []
    owner, counterparty = public(), public()
    recipients = [{"name": f"{public()} {given}", "email": f"mail{next(counter):04d}@example.com"} for given in ("Ann", "Bo")]
    if draw(st.booleans()):
        recipients[0]["org"] = public()
    common = {
        "format": "negdocs/v1", "title": public(), "context": draw(st.sampled_from(["sales", "partnership", "procurement", "hiring"])),
        "owner": owner, "currency": "USD", "close_by": "2027-03-31",
        "shared_evidence": {"id": "shared-ev", "kind": "benchmark", "summary": public(), "source": public(), "shareable": True},
        "deadlines": [{"date": "2027-03-01", "what": public(), "why": public(), "kind": "capacity"}],
        "meso": meso,
        "implementation": [{"task": public(), "owner": public(), "due": "2027-04-15", "metric": public()}],
        "public_escalation": {"step": public(), "by": "2027-03-15"},
        "proposal": {"intro": public(), "recipients": recipients},
        "cp_locale": draw(st.sampled_from(LOCALES)),  # the proposal's language
    }

    # -- internal fields, different on the two sides
    pairs = {
        "strategy": two(["power-based", "principled"]), "status": two(["draft", "active", "closed"], "status"),
        "locale": two(LOCALES),  # our team's language: never the proposal's
        "stakes": two(["low", "medium", "high"]), "relationship": two(["one-off", "repeated"]),
        "reputation_sensitive": two([True, False]), "culture": two(["direct", "indirect", "high-power-distance"]),
        "risk": two(["low", "medium", "high"]), "political_cost": two(["low", "medium", "high"]),
        "source": two(["alternatives", "authority", "information", "network", "time", "resources", "reputation", "coalition"]),
        "real": two([True, False]), "veto": two([True, False]),
        "evidence_kind": two(["cost-driver", "legal-standard", "precedent", "capacity", "policy", "other"]),
        "secret_id": two(["secret-ev", "hidden-ev"]), "private_by": two(["2027-03-20", "2027-03-25"]),
        "ignore": two([[], ["price-only"]]), "deadline_evidence": two([[], ["shared-ev"]]),
        "weights": [two([1, 2, 3, 4, 5]) for _ in money], "tradeable": [two([True, False]) for _ in money],
        "basis": [two([[], ["shared-ev"], ["secret"], ["shared-ev", "secret"]]) for _ in money],
    }
    reuse_open = draw(st.booleans())  # side 0's first target equals the shared open: it may appear
    reuse_owner = draw(st.booleans())  # side 0's first person is the owner: the name may appear

    for n, side in enumerate(sides):
        pick = {name: value[n] for name, value in pairs.items() if isinstance(value, tuple)}
        secret_id = pick["secret_id"]
        issues = []
        for k, issue in enumerate(money):
            values = sorted((secret_number(side) for _ in range(4)), reverse=issue["better"] == "higher")
            if n == 0 and k == 0 and reuse_open:
                side.numbers.discard(values[0])
                values[0] = issue["open"]
                side.numbers.add(issue["open"])  # internal and shared: may appear
            issues.append({**issue, "target": values[0], "floor": values[1], "walk_away": values[2], "their_walk_away": values[3],
                           "weight": pairs["weights"][k][n], "tradeable": pairs["tradeable"][k][n],
                           "basis": [secret_id if b == "secret" else b for b in pairs["basis"][k][n]]})
        # a text issue with no MESO term is listed by name under "Also to agree": its ladder is internal
        issues.append({"id": "scope", "name": "Scope", "kind": "text", "positions": [secret(side), secret(side)]})
        scripts = ([{"say": secret(side)}, {"use": "governance", "term": secret(side), "verification": secret(side), "alternative": secret(side)},
                    {"use": "floor", "issue": "issue-0", "ask": secret(side), "give": secret(side)}] if n == 0 else
                   [{"use": "contingency", "risk": secret(side), "remedy": secret(side)}, {"use": "deadline", "deadline": 0},
                    {"use": "escalation", "escalation": 1}, {"say": secret(side)}])
        person = secret(side)
        if n == 0 and reuse_owner:
            person = owner
            side.markers.add(owner)  # internal and shared: may appear
        side.deal.update({
            "format": common["format"], "title": common["title"], "context": common["context"], "strategy": pick["strategy"],
            "status": pick["status"], "locale": pick["locale"], "owner": owner, "currency": "USD", "close_by": common["close_by"], "stakes": pick["stakes"],
            "summary": secret(side),
            "counterparty": {"name": counterparty, "locale": common["cp_locale"], "relationship": pick["relationship"],
                             "reputation_sensitive": pick["reputation_sensitive"], "culture": pick["culture"], "their_batna": secret(side)},
            "batna": {"summary": secret(side), "value": secret_number(side), "time": secret(side), "risk": pick["risk"],
                      "political_cost": pick["political_cost"], "evidence": [secret_id], "strengthen": [secret(side)]},
            "issues": issues,
            "power": [{"source": pick["source"], "summary": secret(side), "real": pick["real"], "evidence": [secret_id]}],
            "people": [{"name": person, "role": secret(side),
                        "decision_rights": [secret(side)], "veto": pick["veto"], "concerns": [secret(side)]}],
            "evidence": [common["shared_evidence"],
                         {"id": secret_id, "kind": pick["evidence_kind"], "summary": secret(side), "source": secret(side)}],
            "deadlines": [{**d, "evidence": pick["deadline_evidence"]} for d in common["deadlines"]],
            "meso": common["meso"],
            "concessions": [{"item": secret(side), "give": secret(side), "get": secret(side), "value": secret(side), "trigger": secret(side)}],
            "scripts": scripts,
            "implementation": common["implementation"],
            "escalation": [common["public_escalation"], {"step": secret(side), "by": pick["private_by"], "private": True}],
            "proposal": common["proposal"],
            "review": {secret(side): secret(side)},
            "notes": secret(side),
            "checks": {"ignore": pick["ignore"]},
        })
    shared_numbers = {i["open"] for i in money}
    return Case(sides, shared, shared_numbers, recipients)


def _proposal(root, deal, pdf=False) -> dict[str, bytes]:
    """Every file of a clean proposal build of ``deal`` (the same paths each time, so only content differs)."""
    (root / "playbooks").mkdir(parents=True, exist_ok=True)
    (root / "playbooks" / "deal.yaml").write_text(yaml.safe_dump(deal, sort_keys=False), encoding="utf-8")
    result = build(out=root / "build", pdf=pdf, edition="proposal", root=root, force=True, jobs=1)
    assert result.problems == [] or all(not p.is_error for p in result.problems)
    return {name: (result.out / name).read_bytes() for name in result.files if name != MANIFEST}


def readable(name: str, data: bytes) -> str:
    """A package file as the detectors read it: HTML as text; every part of a Word file
    (document, headers, footers, docProps, relationships...) decompressed; a PDF's text and
    every object."""
    if name.endswith(".pdf"):
        return _pdf_strings(data)
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(f"{part}\n{archive.read(part).decode('utf-8')}" for part in archive.namelist())
    return data.decode("utf-8")


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


def marker_leaks(text: str, side: Side, case: Case) -> list[str]:
    """Internal markers and numbers found in ``text``; values that are also shared may appear."""
    found = [m for m in sorted(side.markers - case.shared) if m in text]
    for number in sorted(side.numbers - case.shared_numbers):
        found += [f"{number} as {s!r}" for s in sorted(spellings(number)) if s in text]
    return found


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Files that differ between two builds, with the first differing bytes of each."""
    out = [f"{name}: only in one build" for name in sorted(a.keys() ^ b.keys())]
    for name in sorted(a.keys() & b.keys()):
        if a[name] != b[name]:
            at = next(i for i, (x, y) in enumerate(zip(a[name] + b"\0", b[name] + b"\1")) if x != y)
            out.append(f"{name} at byte {at}: {a[name][max(0, at - 40):at + 40]!r} vs {b[name][max(0, at - 40):at + 40]!r}")
    return out


def recipient_leaks(texts: dict[str, str], case: Case) -> list[str]:
    """Recipients named where they must not be: in another recipient's copy, or in the
    unstamped package; and e-mail addresses anywhere (they are never printed)."""
    found = []
    for name, text in texts.items():
        own = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] if name.count("/") > 1 else None  # proposal/<id>/<slug>.*
        for r in case.recipients:
            shown = [r["name"], r.get("org")] if slug(r["name"]) != own else []
            found += [f"{name}: {value!r}" for value in [*shown, r["email"]] if value and value in text]
    return found


def masked(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files with each stamped copy's reference code replaced: the one value that differs
    by design between deals whose terms differ."""
    out = {}
    for name, data in files.items():
        if name.count("/") > 1:
            text = readable(name, data)
            for code in reference.find(text) + re.findall(r'name="negdocs-reference" content="(\w+)"', text):
                text = text.replace(code, "CODE")
            data = text.encode("utf-8")
        out[name] = data
    return out


def check_pair(tmp_path_factory, case: Case) -> None:
    builds = [_proposal(tmp_path_factory.mktemp("leak"), side.deal) for side in case.sides]
    for side, files in zip(case.sides, builds):
        texts = {name: readable(name, data) for name, data in files.items()}
        text = "\n".join(texts.values())
        assert marker_leaks(text, side, case) == [], "internal values leaked into the proposal"
        assert sorted(m for m in case.shared if m not in text) == [], "shared values missing from the proposal"
        assert recipient_leaks(texts, case) == [], "a recipient is named where only they may be"
        assert len([n for n in files if n.count("/") > 1]) == 2 * len(case.recipients)  # HTML and Word per copy
        locale = side.deal["counterparty"]["locale"]
        assert f'<html lang="{locale}">' in text, "the proposal is in the counterparty's language"
        for issue in side.deal["issues"]:
            if issue["kind"] == "money":
                assert OPEN_SPELLING[locale](issue["open"]) in text
    assert differences(*map(masked, builds)) == [], "internal fields leaked: proposals of deals that differ only in them differ"


@pytest.mark.parametrize("spelled", ["120.000,00\u00a0$", "120\u202f000\u00a0$US", "120.000\u00a0US$", "US$120,000", "120k"])
def test_every_languages_spelling_of_a_number_is_caught(spelled):
    side = Side({}, numbers={120000})
    assert marker_leaks(f"<p>Total: {spelled}</p>", side, Case((side, side), set(), set())) != []


LEAK_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LEAK_SETTINGS
@given(deal_pairs())
def test_proposal_html_never_leaks(tmp_path_factory, case):
    check_pair(tmp_path_factory, case)


@pytest.mark.pdf
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal_pairs())
def test_proposal_pdf_never_leaks(tmp_path_factory, case):
    root = tmp_path_factory.mktemp("leakpdf")  # one root and out folder, so the two PDFs can be byte-identical
    builds = [{n: d for n, d in _proposal(root, side.deal, pdf=True).items() if n.endswith(".pdf")} for side in case.sides]
    for side, pdfs in zip(case.sides, builds):
        assert len(pdfs) == 1 + len(case.recipients)
        texts = {name: _pdf_strings(data) for name, data in pdfs.items()}
        for name, text in texts.items():
            assert marker_leaks(text, side, case) == [], f"internal values leaked into {name}"
        assert recipient_leaks(texts, case) == [], "a recipient is named where only they may be"
        squashed = "".join(texts["proposal/deal.pdf"].split())
        assert sorted(m for m in case.shared if m not in squashed and not _recipient_marker(m, case)) == [], \
            "shared values missing from the proposal PDF"
    assert builds[0]["proposal/deal.pdf"] == builds[1]["proposal/deal.pdf"], \
        "internal fields leaked: the PDFs of deals that differ only in them differ"


def _recipient_marker(marker: str, case: Case) -> bool:
    return any(marker in f"{r['name']} {r.get('org')}" for r in case.recipients)


# -- the detectors work on the proposal path ------------------------------------------------------

def _append(ctx, key, value):
    ctx["meta"][key] = f"{ctx['meta'][key]}, {value}"


def _other_recipient(deal, ctx):
    if ctx["recipient"]:
        ctx.update(title=f"{ctx['title']} {' '.join(r.name for r in deal.proposal.recipients)}")


def _email(deal, ctx):
    if ctx["recipient"]:
        ctx["recipient"]["line"] += f" {deal.proposal.recipients[0].email}"


def _word_comments(patch):
    """The Word file alone gets the fault: its core properties' comments (docProps/core.xml)."""
    real = docx._properties

    def leaky(doc, meta):
        real(doc, meta)
        doc.core_properties.comments = meta.get("hidden", "")

    patch.setattr(docx, "_properties", leaky)


PLANTS = {
    # name: (what the faulty proposal view adds, detectors that must fire[, other faults to plant])
    "stakes in the metadata keywords": (lambda deal, ctx: _append(ctx, "keywords", deal.stakes), {"differential"}),
    "tradeable in the author attribute": (lambda deal, ctx: _append(ctx, "author", deal.issues[0].tradeable), {"differential"}),
    "weight in the page text": (lambda deal, ctx: ctx.update(title=f"{ctx['title']} ({deal.issues[0].weight})"), {"differential"}),
    "private escalation date in the text": (lambda deal, ctx: ctx["escalation"].append({"step": "x", "by": deal.escalation[1].by}),
                                            {"differential"}),
    "summary in the introduction": (lambda deal, ctx: ctx.update(intro=f"{ctx['intro']} {deal.summary}"), {"differential", "markers"}),
    "walk-away in the introduction": (lambda deal, ctx: ctx.update(intro=f"{ctx['intro']} {int(deal.issues[0].walk_away):,}"),
                                      {"differential", "markers"}),
    "summary in the Word properties only": (lambda deal, ctx: ctx["meta"].update(hidden=deal.summary),
                                            {"differential", "markers"}, _word_comments),
    "every recipient named on each copy": (_other_recipient, {"recipients"}),
    "the recipient's e-mail address on the stamp": (_email, {"recipients"}),
}


@contextlib.contextmanager
def planted(plant, also=None):
    """The proposal view with a fault planted: it copies an internal field of the deal into its context."""
    real = editions.proposal

    def leaky(deal, *args, **kwargs):
        context = real(deal, *args, **kwargs)
        plant(deal, context)
        return context

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(editions, "proposal", leaky)
        if also is not None:
            also(patch)
        yield


@pytest.mark.parametrize("plant", sorted(PLANTS))
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=deal_pairs())
def test_detectors_fire_on_a_planted_leak(tmp_path_factory, plant, case):
    fault, detectors, *also = PLANTS[plant]
    with planted(fault, *also):
        builds = [_proposal(tmp_path_factory.mktemp("planted"), side.deal) for side in case.sides]
    if "differential" in detectors:
        assert differences(*map(masked, builds)) != [], "the differential detector missed a planted leak"
    for side, files in zip(case.sides, builds):
        texts = {name: readable(name, data) for name, data in files.items()}
        if "markers" in detectors:
            assert marker_leaks("\n".join(texts.values()), side, case) != []
        if "recipients" in detectors:
            assert recipient_leaks(texts, case) != []


@pytest.mark.pdf
@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal_pairs())
def test_pdf_detectors_fire_on_a_leak_into_the_metadata(tmp_path_factory, case):
    root = tmp_path_factory.mktemp("plantedpdf")
    with planted(lambda deal, ctx: _append(ctx, "keywords", f"{deal.stakes} {deal.summary}")):
        pdfs = [_proposal(root, side.deal, pdf=True)["proposal/deal.pdf"] for side in case.sides]
    assert pdfs[0] != pdfs[1]
    for side, data in zip(case.sides, pdfs):
        assert side.deal["summary"] in PdfReader(io.BytesIO(data)).metadata["/Keywords"]
        assert marker_leaks(_pdf_strings(data), side, case) != []
