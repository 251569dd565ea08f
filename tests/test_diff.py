"""The semantic diff, branch by branch: every kind of change pins its exact output line.

Deals are compared in memory (no git, no YAML), so each case runs in milliseconds; the git
side (REV:path, --rev, removed deals) is in test_git.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from negdocs.git.diff import DealDiff, compare, render
from negdocs.load.loader import Source
from negdocs.load.model import Deal
from test_checks import BASE, DELETE, PACKS, change

SCOPE = {"id": "scope", "name": "Scope", "kind": "text", "positions": ["full", "core"]}
GET_FINDING = ("concession-without-get: concessions[0].give: 'Pilot' gives without a `get`; pair it with what we "
               "receive in return")


def diff(old: dict, new: dict) -> DealDiff:
    def side(data, name):
        return Deal.model_validate(data), Source(Path(name), name, data, {})

    (a, a_src), (b, b_src) = side(old, "old.yaml"), side(new, "new.yaml")
    return compare(a, b, a_src, b_src, "old.yaml", "new.yaml")


def lines(old: dict, new: dict, fmt: str = "text") -> list[str]:
    return render([diff(old, new)], fmt).splitlines()


# case: (the new side, made from BASE, and the lines after the header)
CASES = {
    # top-level fields, dates in words, missing values as (none)
    "title": (change(title="ACME 2028"), ["  title: ACME renewal -> ACME 2028"]),
    "context": (change(context="hiring"), ["  context: sales -> hiring"]),
    "strategy": (change(strategy="principled"), ["  strategy: power-based -> principled"]),
    "status": (change(status="active"), ["  status: draft -> active"]),
    "owner removed": (change(owner=DELETE), ["  owner: Dana Lee -> (none)"]),
    "currency": (change(currency="EUR"), ["  currency: USD -> EUR"]),
    "close_by": (change(close_by="2027-02-01"), ["  close_by: 31 January 2027 -> 1 February 2027"]),
    "summary added": (change(summary="New *summary*"), ["  summary: (none) -> New *summary*"]),
    "notes": (change(notes="n"), ["  notes: (none) -> n"]),
    # issues: added, removed, each field; numeric moves say which way they went for us
    "issue added": (change(issues=[*BASE["issues"], SCOPE]), ["  issue scope added (Scope)"]),
    "issue name": (change(issues__0__name="List price"), ["  price name: Price -> List price"]),
    "issue kind": (change(issues__1__kind="count"), ["  payment kind: days -> count"]),
    "open up (better higher)": (change(issues__0__open=136000),
                                ["  price open: 135,000 USD -> 136,000 USD: 1,000 USD better for us"]),
    "floor down (better higher)": (change(issues__0__floor=119000),
                                   ["  price floor: 120,000 USD -> 119,000 USD: 1,000 USD worse for us"]),
    "target down (better lower)": (change(issues__1__target=40),
                                   ["  payment target: 45 days -> 40 days: 5 days better for us"]),
    "walk_away up (better higher)": (change(issues__0__walk_away=116000),
                                     ["  price walk_away: 115,000 USD -> 116,000 USD: 1,000 USD less room conceded"]),
    "walk_away down (better higher)": (change(issues__0__walk_away=114000),
                                       ["  price walk_away: 115,000 USD -> 114,000 USD: 1,000 USD more room conceded"]),
    "walk_away up (better lower)": (change(issues__1__walk_away=61),
                                    ["  payment walk_away: 60 days -> 61 days: 1 day more room conceded"]),
    "their_walk_away up": (change(issues__0__their_walk_away=126000),
                           ["  price their_walk_away: 125,000 USD -> 126,000 USD: we now expect 1,000 USD more room on "
                            "their side"]),
    "their_walk_away down": (change(issues__0__their_walk_away=124000),
                             ["  price their_walk_away: 125,000 USD -> 124,000 USD: we now expect 1,000 USD less room "
                              "on their side"]),
    "their_walk_away (better lower)": (change(issues__1__their_walk_away=58, issues__1__better="lower"),
                                       ["  payment their_walk_away: (none) -> 58 days"]),
    "value from none: no direction": (change(issues__1__floor=50), ["  payment floor: (none) -> 50 days"]),
    "weight: no direction": (change(issues__0__weight=4), ["  price weight: 5 -> 4"]),
    "tradeable": (change(issues__0__tradeable=True), ["  price tradeable: no -> yes"]),
    "basis": (change(issues__0__basis=["survey", "policy"]), ["  price basis: survey -> survey, policy"]),
    # counterparty and batna, field by field; a removed section compares with its defaults
    "counterparty name": (change(counterparty__name="ACME Corp"), ["  counterparty.name: ACME -> ACME Corp"]),
    "counterparty flag": (change(counterparty__reputation_sensitive=False),
                          ["  counterparty.reputation_sensitive: yes -> no"]),
    "counterparty their_batna": (change(counterparty__their_batna="Build in-house"),
                                 ["  counterparty.their_batna: (none) -> Build in-house"]),
    "counterparty removed": (change(counterparty=DELETE),
                             ["  counterparty.name: ACME -> (none)", "  counterparty.relationship: repeated -> (none)",
                              "  counterparty.reputation_sensitive: yes -> (none)",
                              "  counterparty.culture: direct -> (none)"]),
    "batna value in money": (change(batna__value=90000), ["  batna.value: 95,000 USD -> 90,000 USD"]),
    "batna value in the new currency": (change(batna__value=90000, currency="EUR"),
                                        ["  currency: USD -> EUR", "  batna.value: 95,000 EUR -> 90,000 EUR"]),
    "batna list": (change(batna__strengthen=["sign LOI"]), ["  batna.strengthen: (none) -> sign LOI"]),
    "batna removed": (change(batna=DELETE), ["  batna.summary: Globex rollout -> (none)",
                                             "  batna.value: 95,000 USD -> (none)", "  batna.evidence: loi -> (none)"]),
    # lists matched by name, every section's singular
    "evidence added": (change(evidence=[*BASE["evidence"], {"id": "memo", "kind": "other", "summary": "Memo"}]),
                       ["  evidence added: memo"]),
    "evidence changed": (change(evidence__0__summary="Median is 133k.", evidence__0__shareable=False),
                         ["  evidence 'survey' summary: Median is 131k. -> Median is 133k.",
                          "  evidence 'survey' shareable: yes -> no"]),
    "deadline changed": (change(deadlines__0__date="2027-01-14"),
                         ["  deadline 'Q1 pricing' date: 2027-01-15 -> 2027-01-14"]),
    "deadline removed": (change(deadlines=[]), ["  deadline removed: Q1 pricing"]),
    "meso terms": (change(meso__0__terms={"price": 124500, "payment": 50}),
                   ["  meso 'Lower price' terms: price: 124000, payment: 50 -> price: 124500, payment: 50"]),
    "concession renamed": (change(concessions__0__item="Paid pilot"),
                           ["  concession added: Paid pilot", "  concession removed: Pilot"]),
    "concession repeated": (change(concessions=[*BASE["concessions"], {"item": "Pilot", "give": "x", "get": "y"}]),
                            ["  concession added: Pilot #2"]),
    "implementation": (change(implementation__0__owner="AM"), ["  implementation 'Kick-off' owner: CSM -> AM"]),
    "escalation": (change(escalation__0__private=False), ["  escalation 'Sponsor call' private: yes -> no"]),
    "people": (change(people=[{"name": "Kim", "role": "CFO", "veto": True}]), ["  people added: Kim"]),
    "power named by source": (change(power=[*BASE["power"], {"source": "time"}]), ["  power added: time"]),
    # the rest of the deal: nothing is left out (see test_every_field_of_a_deal_is_compared)
    "id": (change(id="acme-2028"), ["  id: (none) -> acme-2028"]),
    "red_lines": (change(red_lines=["our BATNA"]), ["  red_lines: (none) -> our BATNA"]),
    "proposal intro": (change(proposal={"intro": "Dear ACME"}), ["  proposal.intro: (none) -> Dear ACME"]),
    "checks ignore": (change(checks={"ignore": ["price-only"]}), ["  checks.ignore: (none) -> price-only"]),
    "script by position": (change(scripts__1__say="We want this to work."),
                           ["  script '#2' say: We want this to work for both teams. -> We want this to work."]),
    "script added": (change(scripts=[*BASE["scripts"], {"say": "Thanks."}]), ["  script added: #3"]),
    "review": (change(review={"What worked?": "Anchoring."}), ["  review 'What worked?': (none) -> Anchoring."]),
    "meso terms emptied": (change(meso__0__terms={}),
                           ["  meso 'Lower price' terms: price: 124000, payment: 50 -> (none)"]),
    # moves: no direction without `better`; the deal's currency; a move of exactly one unit
    "no better, no direction": (change(issues__0__better=DELETE, issues__0__open=136000, meso=[]),
                                ["  price better: higher -> (none)", "  price open: 135,000 USD -> 136,000 USD",
                                 "  meso removed: Lower price", "  meso removed: Longer terms"]),
    "a move in EUR": (change(currency="EUR", issues__0__open=136000),
                      ["  currency: USD -> EUR", "  price open: 135,000 EUR -> 136,000 EUR: 1,000 EUR better for us"]),
    "one unit: walk_away": (change(issues__1__walk_away=59),
                            ["  payment walk_away: 60 days -> 59 days: 1 day less room conceded"]),
    "one unit: target": (change(issues__1__target=44), ["  payment target: 45 days -> 44 days: 1 day better for us"]),
    "one unit: their_walk_away": (change(issues__0__their_walk_away=125001),
                                  ["  price their_walk_away: 125,000 USD -> 125,001 USD: we now expect 1 USD more room on "
                                   "their side"]),
    # findings that appear and clear
    "new finding": (change(concessions__0__get=DELETE),
                    ["  concession 'Pilot' get: paid pilot credited to year one -> (none)", f"  + finding {GET_FINDING}"]),
    "nothing": (change(), ["  no changes in negotiation terms"]),
}


@pytest.mark.parametrize("case", CASES)
def test_every_kind_of_change_has_its_line(case):
    new, expected = CASES[case]
    data = new()
    assert lines(BASE, data) == [f"old.yaml -> new.yaml ({data['title']})", *expected]


def test_cleared_findings_are_reported_in_text_markdown_and_json():
    old = change(concessions__0__get=DELETE)()
    d = diff(old, BASE)
    assert d.cleared_findings == [GET_FINDING] and d.new_findings == []
    assert lines(old, BASE)[-1] == f"  - finding {GET_FINDING}"
    assert lines(old, BASE, "markdown")[-2] == (
        r"- :white_check_mark: cleared finding: concession-without-get\: concessions\[0\].give\: 'Pilot' gives "
        "without a &#96;get&#96;; pair it with what we receive in return")
    assert json.loads(render([d], "json"))[0]["cleared_findings"] == [GET_FINDING]


def test_findings_of_the_strategy_s_scripts_are_compared_too():
    """script-long needs the deal's strategy pack: diff reports it as check does."""
    longer = change(scripts__1__say="word " * 46)()
    a, b = (Deal.model_validate(d) for d in (BASE, longer))
    src = [Source(Path(n), n, d, {}) for n, d in (("old.yaml", BASE), ("new.yaml", longer))]
    d = compare(a, b, *src, "old.yaml", "new.yaml", packs=PACKS)
    assert [f.split(":", 1)[0] for f in d.new_findings] == ["script-long"]
    assert d.new_findings[0].startswith("script-long: scripts[1].say: runs to 46 words")


def test_new_findings_in_markdown():
    assert lines(BASE, change(concessions__0__get=DELETE)(), "markdown")[-2].startswith(
        r"- :warning: new finding: concession-without-get\: concessions\[0\]")


def test_a_removed_issue_and_the_findings_it_brings():
    assert lines(BASE, change(issues=BASE["issues"][:1])())[1:] == [
        "  issue payment removed (Payment terms)",
        "  + finding meso-unbalanced: meso: options are worth Lower price 69, Longer terms 85 to us (15 points apart, "
        "limit 10); make them equivalent",
        "  + finding price-only: issues: every issue is money; add non-price issues (terms, scope, timing, service) "
        "to trade",
    ]


def test_markdown_document_shape():
    assert lines(BASE, change(status="active")(), "markdown") == [
        "### ACME renewal", "", "old.yaml → new.yaml", "", "- status: draft -> active", ""]
    assert lines(BASE, BASE, "markdown") == [
        "### ACME renewal", "", "old.yaml → new.yaml", "", "No changes in negotiation terms.", ""]


def test_added_and_removed_deals_have_a_status_line_and_no_changes():
    diffs = [DealDiff("HEAD:a.yaml", "a.yaml", "A", status="removed"), DealDiff("HEAD:b.yaml", "b.yaml", "B", status="added")]
    assert render(diffs, "text").splitlines() == ["HEAD:a.yaml -> a.yaml (A): deal removed",
                                                  "HEAD:b.yaml -> b.yaml (B): deal added"]
    assert render(diffs, "markdown").splitlines() == [
        "### A", "", r"HEAD\:a.yaml → a.yaml", "", "Deal removed.", "", "",
        "### B", "", r"HEAD\:b.yaml → b.yaml", "", "Deal added.", "", ""]
    assert [(d["status"], d["changes"]) for d in json.loads(render(diffs, "json"))] == [("removed", []), ("added", [])]


def test_nothing_to_report_renders_empty():
    assert render([], "text") == render([], "markdown") == ""
    assert render([], "json") == "[]\n"


def test_json_change_carries_data_and_the_text_line():
    data = json.loads(render([diff(BASE, change(issues__0__walk_away=110000)())], "json"))[0]
    assert data["changes"] == [{"section": "issues", "item": "price", "field": "walk_away", "old": 115000, "new": 110000,
                                "text": "price walk_away: 115,000 USD -> 110,000 USD: 5,000 USD more room conceded"}]
    assert (data["old"], data["new"], data["title"], data["status"]) == ("old.yaml", "new.yaml", "ACME renewal", "changed")


def test_json_changes_of_issues_sections_and_review_answers():
    """Every kind of change carries its data in JSON: an issue added or removed whole, a
    section's field, a review answer (keyed by its question)."""
    new = change(issues=[*BASE["issues"], SCOPE], batna__value=99000, review={"Why now?": "Budget"})()
    added = json.loads(render([diff(BASE, new)], "json"))[0]["changes"]
    assert added[0] == {"section": "issues", "item": "scope", "field": "", "old": None,
                        "new": {**SCOPE, "better": None, "open": None, "target": None, "floor": None, "walk_away": None,
                                "their_walk_away": None, "weight": 3, "tradeable": False, "basis": []},
                        "text": "issue scope added (Scope)"}
    assert added[1:] == [
        {"section": "batna", "item": "", "field": "value", "old": 95000, "new": 99000, "text": "batna.value: 95,000 USD -> 99,000 USD"},
        {"section": "review", "item": "Why now?", "field": "", "old": None, "new": "Budget",
         "text": "review 'Why now?': (none) -> Budget"}]
    removed = json.loads(render([diff(new, BASE)], "json"))[0]["changes"][0]
    assert (removed["section"], removed["item"], removed["field"], removed["new"], removed["text"]) == (
        "issues", "scope", "", None, "issue scope removed (Scope)")
    assert removed["old"]["positions"] == ["full", "core"] and removed["old"]["weight"] == 3


def test_an_item_name_is_quoted_in_a_changed_line_only():
    line = diff(BASE, change(concessions__0__give="60-day pilot")()).changes[0]
    assert line.text == "concession 'Pilot' give: 30-day pilot -> 60-day pilot"
    assert line.sentence("markdown") == "concession 'Pilot' give: 30-day pilot -> 60-day pilot"


def test_json_dates_are_iso_and_missing_values_null():
    data = json.loads(render([diff(BASE, change(close_by="2027-02-01", owner=DELETE)())], "json"))[0]
    assert [(c["section"], c["item"], c["field"], c["old"], c["new"]) for c in data["changes"]] == [
        ("deal", "", "owner", "Dana Lee", None), ("deal", "", "close_by", "2027-01-31", "2027-02-01")]


def test_every_field_of_a_deal_is_compared():
    """A field added to the format must be added to the diff too, or its changes go unseen."""
    from negdocs.git import diff as module

    covered = {*module.TOP, *module.SECTIONS, *module.KEYS, "issues", "review", "approvals"}  # approvals: _compare_approvals
    assert set(Deal.model_fields) - {"format"} == covered


def test_a_review_answer_removed():
    assert lines(change(review={"What worked?": "Anchoring."})(), BASE)[1:] == [
        "  review 'What worked?': Anchoring. -> (none)"]
    changed = json.loads(render([diff(change(review={"Why now?": "Budget"})(), change(review={"Why now?": "Audit"})())],
                                "json"))[0]["changes"]
    assert [(c["item"], c["old"], c["new"]) for c in changed] == [("Why now?", "Budget", "Audit")]


def test_a_finding_of_the_strategy_on_both_sides_is_no_change():
    """Both revisions are checked with the strategy pack: a script as long before as after is
    neither a new nor a cleared finding."""
    long_before = change(scripts__1__say="word " * 46)()
    long_after = change(scripts__1__say="word " * 47)()
    a, b = (Deal.model_validate(d) for d in (long_before, long_after))
    src = [Source(Path(n), n, d, {}) for n, d in (("old.yaml", long_before), ("new.yaml", long_after))]
    d = compare(a, b, *src, "old.yaml", "new.yaml", packs=PACKS)
    assert [f.split(":", 1)[0] for f in d.new_findings] == ["script-long"]  # its word count changed
    assert [f.split(":", 1)[0] for f in d.cleared_findings] == ["script-long"]
    assert "runs to 46 words" in d.cleared_findings[0] and "runs to 47 words" in d.new_findings[0]


def test_findings_alone_are_changes_too():
    only_new = DealDiff("a", "b", "T", new_findings=["face-threat: x"])
    only_cleared = DealDiff("a", "b", "T", cleared_findings=["face-threat: x"])
    assert render([only_new, only_cleared], "text").splitlines() == [
        "a -> b (T)", "  + finding face-threat: x", "a -> b (T)", "  - finding face-threat: x"]
    assert render([only_new, only_cleared], "markdown").splitlines() == [
        "### T", "", "a → b", "", r"- :warning: new finding: face-threat\: x", "",
        "### T", "", "a → b", "", r"- :white_check_mark: cleared finding: face-threat\: x", ""]
