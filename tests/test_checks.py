"""Every warning rule: a deal that fires it and a near miss that must not.

Each case starts from BASE, a deal with no findings, and changes just enough. Rules that
depend on `better` are tested in both directions.
"""

from __future__ import annotations

import copy
from pathlib import Path
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negdocs.analyse import checks
from negdocs.analyse.analysis import analyse
from negdocs.load.loader import Source
from negdocs.load.model import Deal

BASE = {
    "format": "negdocs/v1", "title": "ACME renewal", "context": "sales", "owner": "Dana Lee", "currency": "USD",
    "close_by": "2027-01-31", "stakes": "high",
    "counterparty": {"name": "ACME", "relationship": "repeated", "reputation_sensitive": True, "culture": "direct"},
    "batna": {"summary": "Globex rollout", "value": 95000, "evidence": ["loi"]},
    "issues": [
        {"id": "price", "name": "Price", "kind": "money", "better": "higher", "open": 135000, "target": 128000,
         "floor": 120000, "walk_away": 115000, "their_walk_away": 125000, "weight": 5, "basis": ["survey"]},
        {"id": "payment", "name": "Payment terms", "kind": "days", "better": "lower", "open": 30, "target": 45,
         "walk_away": 60, "weight": 2, "basis": ["policy"]},
    ],
    "power": [{"source": "alternatives", "summary": "Globex", "real": True, "evidence": ["loi"]}],
    "evidence": [
        {"id": "survey", "kind": "benchmark", "summary": "Median is 131k.", "shareable": True},
        {"id": "policy", "kind": "policy", "summary": "Terms cap at 60 days.", "shareable": True},
        {"id": "capacity", "kind": "capacity", "summary": "Two Q1 slots left.", "shareable": True},
        {"id": "loi", "kind": "other", "summary": "Globex letter of intent."},
    ],
    "deadlines": [{"date": "2027-01-15", "what": "Q1 pricing", "why": "slots are allocated on the 15th",
                   "kind": "capacity", "evidence": ["capacity"]}],
    "meso": [{"name": "Lower price", "terms": {"price": 124000, "payment": 50}},
             {"name": "Longer terms", "terms": {"price": 126000, "payment": 56}}],
    "concessions": [{"item": "Pilot", "give": "30-day pilot", "get": "paid pilot credited to year one"}],
    "scripts": [{"use": "floor", "issue": "price", "ask": "15 percent off", "give": "phase modules"},
                {"say": "We want this to work for both teams."}],
    "implementation": [{"task": "Kick-off", "owner": "CSM", "due": "2027-02-10", "metric": "go-live in 30 days"}],
    "escalation": [{"step": "Sponsor call", "by": "2027-01-20", "private": True}],
}


def findings(data: dict, strict: bool = False) -> list:
    text = yaml.safe_dump(data, sort_keys=False)
    from negdocs.load.loader import parse

    parsed, lines = parse(text, "deal.yaml")
    deal = Deal.model_validate(parsed)
    return checks.run(Source(Path("deal.yaml"), "deal.yaml", parsed, lines), deal, analyse(deal), strict=strict)


def rules_fired(data: dict) -> set[str]:
    return {f.rule for f in findings(data)}


def change(**paths):
    """A function that copies BASE and sets dotted paths ('issues.0.basis') to values."""

    def apply():
        data = copy.deepcopy(BASE)
        for path, value in paths.items():
            *parents, last = path.split("__")
            target = data
            for part in parents:
                target = target[int(part)] if part.isdigit() else target[part]
            if value is DELETE:
                del target[int(last) if last.isdigit() else last]
            elif isinstance(target, list):
                target[int(last)] = value
            else:
                target[last] = value
        return data

    return apply


DELETE = object()
LOW = {"better": "lower"}

CASES = {
    # rule: (fires, near miss)
    "anchor-without-basis": (change(issues__0__basis=[]), change(issues__0__basis=["survey"])),
    "concession-without-get": (change(concessions__0__get=DELETE), change(concessions__0__give=DELETE, concessions__0__get=DELETE)),
    "deadline-without-evidence": (change(deadlines__0__evidence=[]), change(deadlines__0__evidence=["capacity"])),
    "price-only": (change(issues__1__kind="money"), change(issues__1__kind="days")),
    "face-threat": (change(scripts__1__say="This is our FINAL OFFER."), change(scripts__1__say="This is our offer.")),
    "timing": (change(deadlines__0__date="2027-02-01"), change(deadlines__0__date="2027-01-31")),
    "batna-without-evidence": (change(batna__evidence=[]), change(batna__evidence=["loi"])),
    "relationship-over-gain": (change(stakes="low"), change(stakes="medium")),
    "perceived-power": (change(power__0__real=False), change(power=[{"source": "time", "real": False},
                                                                    {"source": "alternatives", "real": True}])),
    "face-culture": (change(counterparty__culture="indirect", escalation__0__private=False),
                     change(counterparty__culture="indirect")),
    "no-zopa": (change(issues__0__their_walk_away=114999), change(issues__0__their_walk_away=115000)),
    "meso-breaks-walk-away": (change(meso__0__terms={"price": 114000, "payment": 50}),
                              change(meso__0__terms={"price": 115000, "payment": 50})),
    "meso-unbalanced": (change(meso__1__terms={"price": 128000, "payment": 45}),
                        change(meso__1__terms={"price": 126000, "payment": 56})),
    "walk-away-below-batna": (change(batna__value=115001), change(batna__value=115000)),
}


def test_base_deal_is_clean():
    assert findings(BASE) == []


def test_every_rule_has_cases():
    """The approval rules need a matrix: tests/test_approvals.py has their cases."""
    assert sorted(CASES) == sorted(name for name, r in checks.WARNINGS.items() if not r.project_only)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires(rule):
    assert rule in rules_fired(CASES[rule][0]())


@pytest.mark.parametrize("rule", sorted(CASES))
def test_near_miss_does_not_fire(rule):
    assert rule not in rules_fired(CASES[rule][1]())


def _lower_price(data):
    """The same deal from the buyer's side: lower is better on price."""
    price = data["issues"][0]
    price.update(better="lower", open=110000, target=118000, floor=120000, walk_away=126000, their_walk_away=119000)
    data["batna"]["value"] = 130000
    data["meso"] = [{"name": "A", "terms": {"price": 121000, "payment": 50}},
                    {"name": "B", "terms": {"price": 119000, "payment": 57}}]
    return data


def test_lower_direction_base_is_clean():
    assert findings(_lower_price(copy.deepcopy(BASE))) == []


@pytest.mark.parametrize("edit, rule, fires", [
    (lambda d: d["issues"][0].update(their_walk_away=126001), "no-zopa", True),
    (lambda d: d["issues"][0].update(their_walk_away=126000), "no-zopa", False),
    (lambda d: d["meso"][0]["terms"].update(price=126001), "meso-breaks-walk-away", True),
    (lambda d: d["meso"][0]["terms"].update(price=126000), "meso-breaks-walk-away", False),
    (lambda d: d["batna"].update(value=125999), "walk-away-below-batna", True),
    (lambda d: d["batna"].update(value=126000), "walk-away-below-batna", False),
])
def test_lower_direction(edit, rule, fires):
    data = _lower_price(copy.deepcopy(BASE))
    edit(data)
    assert (rule in rules_fired(data)) is fires


def test_findings_point_at_the_causing_line_and_say_what_to_change():
    (finding,) = findings(change(issues__0__their_walk_away=100000)())
    assert finding.rule == "no-zopa"
    text = yaml.safe_dump(BASE, sort_keys=False).splitlines()
    assert text[finding.line - 1].strip().startswith("walk_away:")
    assert "no zone of agreement on 'Price'" in finding.message


def test_meso_values_follow_the_definition():
    analysis = analyse(Deal.model_validate(yaml.safe_load(yaml.safe_dump(BASE))))
    # price: 100*(124000-115000)/(128000-115000)=69.2 (w5); payment: 100*(50-60)/(45-60)=66.7 (w2)
    assert round(analysis.meso[0].value, 1) == round((5 * 900 / 13 + 2 * 200 / 3) / 7, 1)
    assert analysis.meso_spread < 10


def test_deal_ignore_and_project_ignore(make_project):
    data = change(issues__0__basis=[], checks={"ignore": ["anchor-without-basis"]})()
    assert rules_fired(data) == set()
    project = make_project({"playbooks/d.yaml": yaml.safe_dump(change(issues__0__basis=[])()),
                            "negdocs.yaml": "checks:\n  ignore: [anchor-without-basis]\n"})
    result = project.run("check")
    assert result.exit_code == 0 and result.stdout == ""


def test_strict_makes_warnings_errors():
    assert {f.severity for f in findings(change(issues__0__basis=[])(), strict=True)} == {"error"}


def test_examples_have_no_findings(make_project):
    from conftest import EXAMPLES, copy_examples
    import shutil

    project = make_project()
    copy_examples(project.root)
    result = project.run("check")
    assert result.exit_code == 0
    assert result.stdout == ""


# -- property: rules never crash on any valid deal ---------------------------------------------
numbers = st.one_of(st.none(), st.integers(0, 10**7), st.floats(0, 1e7, allow_nan=False))
issue_st = st.builds(
    lambda i, kind, better, vals, weight, basis: {
        "id": f"i{i}", "name": f"Issue {i}", "kind": kind, "better": better,
        **{k: v for k, v in zip(("open", "target", "floor", "walk_away", "their_walk_away"), vals) if v is not None},
        "weight": weight, "basis": basis},
    st.integers(0, 3), st.sampled_from(["money", "days", "months", "count"]), st.sampled_from(["higher", "lower"]),
    st.lists(numbers, min_size=5, max_size=5), st.integers(1, 5), st.lists(st.just("e1"), max_size=1))


@st.composite
def deals(draw):
    issues = {i["id"]: i for i in draw(st.lists(issue_st, max_size=4))}
    data = {"format": "negdocs/v1", "title": "T", "context": draw(st.sampled_from(["sales", "hiring"])),
            "stakes": draw(st.sampled_from(["low", "medium", "high"])),
            "counterparty": {"relationship": draw(st.sampled_from(["one-off", "repeated"])),
                             "reputation_sensitive": draw(st.booleans()),
                             "culture": draw(st.sampled_from(["direct", "indirect", "high-power-distance"]))},
            "batna": {"value": draw(numbers) or 0, "evidence": draw(st.lists(st.just("e1"), max_size=1))},
            "issues": list(issues.values()),
            "evidence": [{"id": "e1", "kind": "other", "summary": "S"}],
            "power": [{"source": "time", "real": draw(st.booleans())}] if draw(st.booleans()) else [],
            "meso": [{"name": f"o{n}", "terms": {k: draw(st.integers(0, 10**7)) for k in issues}}
                     for n in range(draw(st.integers(0, 3)))],
            "concessions": [{"item": "x", "give": draw(st.sampled_from(["a", None])) or "a", "get": draw(st.sampled_from(["b", None]))}],
            "scripts": [{"say": draw(st.text(max_size=40))}],
            "close_by": "2027-01-31",
            "deadlines": [{"date": draw(st.sampled_from(["2027-01-30", "2027-01-31", "2027-02-01"])), "what": "w"}]}
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deals())
def test_rules_never_crash_on_valid_deals(data):
    from negdocs.load.validate import validate

    parsed = json.loads(json.dumps(data))
    source = Source(Path("deal.yaml"), "deal.yaml", parsed, {})
    deal, problems = validate(source, ["power-based", "principled"], checks.WARNINGS)
    if deal is None:  # out-of-order values are errors, not crashes
        assert all(p.is_error for p in problems)
        return
    for finding in checks.run(source, deal):
        assert finding.rule in checks.WARNINGS and finding.message
