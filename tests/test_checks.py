"""Every warning rule: cases that fire it and near misses at the exact edge of its definition.

The cases are data, in tests/fixtures/checks.yaml: each starts from a base deal with no
findings, changes just enough, and lists every finding it must produce. A property test then
compares the rules with an oracle written from FORMAT.md's definitions alone.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negdocs.analyse import checks
from negdocs.analyse.analysis import analyse
from negdocs.load.loader import Source, parse
from negdocs.load.model import Deal
from negdocs.analyse.strategy import load_packs

PACKS = load_packs()

FIXTURE = yaml.safe_load((Path(__file__).parent / "fixtures" / "checks.yaml").read_text(encoding="utf-8"))
DELETE = object()


def edit(data: dict, set_: dict | None = None, unset=()) -> dict:
    """A copy of ``data`` with dotted paths set (an index one past a list's end appends) or deleted."""
    data = copy.deepcopy(data)
    for path, value in [*(set_ or {}).items(), *((p, DELETE) for p in unset)]:
        *parents, last = [int(part) if part.isdigit() else part for part in str(path).split(".")]
        target = data
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        elif isinstance(target, list) and last == len(target):
            target.append(copy.deepcopy(value))
        else:
            target[last] = copy.deepcopy(value)
    return data


def _bases() -> dict[str, dict]:
    bases = {}
    for name, spec in FIXTURE["bases"].items():
        bases[name] = edit(bases[spec["from"]], spec.get("set"), spec.get("unset", ())) if "from" in spec else spec
    return bases


BASES = _bases()
BASE = BASES["seller"]
CASES = FIXTURE["cases"]


def change(**paths):
    """A function that copies BASE and sets paths written with ``__`` ('issues__0__basis') to values."""
    return lambda: edit(BASE, {k.replace("__", "."): v for k, v in paths.items() if v is not DELETE},
                        [k.replace("__", ".") for k, v in paths.items() if v is DELETE])


def findings(data: dict, strict: bool = False) -> list:
    text = yaml.safe_dump(data, sort_keys=False)
    parsed, lines = parse(text, "deal.yaml")
    deal = Deal.model_validate(parsed)
    return checks.run(Source(Path("deal.yaml"), "deal.yaml", parsed, lines), deal, analyse(deal, PACKS[deal.strategy]),
                      strict=strict)


def rules_fired(data: dict) -> set[str]:
    return {f.rule for f in findings(data)}


def located(problems) -> list[str]:
    """Findings as `rule @ location`, sorted (the location is the dotted path the message starts with)."""
    return sorted(f"{p.rule} @ {p.message.split(': ', 1)[0]}" for p in problems)


def case_deal(case: dict) -> dict:
    return edit(BASES[case.get("base", "seller")], case.get("set"), case.get("unset", ()))


def test_script_long_names_the_field_to_shorten():
    found = [f for f in findings(change(scripts__0__give="phase " * 40)()) if f.rule == "script-long"]
    assert len(found) == 1 and "shorten scripts[0].give (40 words)" in found[0].message
    said = [f for f in findings(change(scripts__1__say="word " * 46)()) if f.rule == "script-long"]
    assert len(said) == 1 and said[0].message.startswith("scripts[1].say: runs to 46 words")


def test_bases_are_clean():
    assert {name: located(findings(deal)) for name, deal in BASES.items()} == {name: [] for name in BASES}


def test_fixture_is_well_formed():
    """A stray key (a comma in a flow mapping, say) would silently drop part of a case."""
    assert [c for c in CASES if not {"rule", "name", "expect"} <= c.keys() <= {"rule", "name", "base", "set", "unset", "expect"}] == []
    assert len({(c["rule"], c["name"]) for c in CASES}) == len(CASES)


def test_every_rule_has_a_firing_case_and_a_near_miss():
    """The approval rules need a matrix (negdocs.yaml): tests/test_approvals.py has their cases."""
    deal_rules = sorted(name for name, r in checks.WARNINGS.items() if not r.project_only)
    fires = {c["rule"] for c in CASES if any(e.startswith(c["rule"] + " @") for e in c["expect"])}
    misses = {c["rule"] for c in CASES if not any(e.startswith(c["rule"] + " @") for e in c["expect"])}
    assert (sorted(fires), sorted(misses)) == (deal_rules, deal_rules)
    assert {c["rule"] for c in CASES} <= set(checks.WARNINGS)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}: {c['name']}" for c in CASES])
def test_case(case):
    assert located(findings(case_deal(case))) == sorted(case["expect"])


def test_do_not_use_rules_recommend_principled():
    for rule, case in {"relationship-over-gain": {"stakes": "low"}, "perceived-power": {"power.0.real": False},
                       "face-culture": {"counterparty.culture": "indirect", "escalation.0.private": False}}.items():
        (finding,) = findings(edit(BASE, case))
        assert finding.rule == rule and "strategy: principled" in finding.message


def test_findings_point_at_the_causing_line_and_say_what_to_change():
    (finding,) = findings(change(issues__0__their_walk_away=100000)())
    assert finding.rule == "no-zopa"
    text = yaml.safe_dump(BASE, sort_keys=False).splitlines()
    assert text[finding.line - 1].strip().startswith("walk_away:")
    assert finding.message == ("issues[0].walk_away: no zone of agreement on 'Price': our walk-away 115,000 USD and their "
                               "estimated 100,000 USD do not overlap; rethink the estimate or strengthen the BATNA")


@pytest.mark.parametrize("data, message", [
    (edit(BASE, {"issues.0.basis": []}), "issues[0].open: 'Price' has an anchor but no `basis`; add the evidence ids that make it credible"),
    (edit(BASE, unset=["concessions.0.get"]), "concessions[0].give: 'Pilot' gives without a `get`; pair it with what we receive in return"),
    (edit(BASE, {"deadlines.0.evidence": []}), "deadlines[0]: the deadline 'Q1 pricing' has no `evidence`; link what makes it real, or drop it"),
    (edit(BASE, {"scripts.1.say": "Or Else"}), "scripts[1].say: 'or else' threatens face; state the constraint and its reason instead"),
    (edit(BASE, {"deadlines.0.date": "2027-02-01"}), "deadlines[0].date: 2027-02-01 is after close_by 2027-01-31; a deadline after the close cannot drive it"),
    (edit(BASE, {"escalation.0.by": "2027-02-01"}), "escalation[0].by: 2027-02-01 is after close_by 2027-01-31; escalate before the close, not after"),
    (edit(BASE, {"implementation.0.due": "2027-01-30"}), "implementation[0].due: 2027-01-30 is before close_by 2027-01-31; implementation follows signature"),
    (edit(BASE, {"meso.0.terms.price": 114000, "meso.1.terms.price": 115000, "meso.1.terms.payment": 50}), "meso[0].terms.price: option 'Lower price' offers 114,000 USD, worse than the walk-away 115,000 USD"),
    (edit(BASES["one-scored-issue"], {"meso.1.terms.price": 135000, "meso.0.terms.price": 115000}),
     "meso: options are worth Lower price 0, Longer terms 100 to us (100 points apart, limit 10); make them equivalent"),
    (edit(BASE, {"batna.value": 120000}), "batna.value: the money walk-aways add up to 115,000 USD, below the BATNA's 120,000 USD: "
                                          "the deal could end worse than walking away"),
    (edit(BASES["buyer"], {"batna.value": 120000}), "batna.value: the money walk-aways add up to 126,000 USD, above the BATNA's 120,000 USD: "
                                                    "the deal could end worse than walking away"),
])
def test_messages_name_the_values(data, message):
    assert [f.message for f in findings(data)] == [message]


def test_meso_values_follow_the_definition():
    analysis = analyse(Deal.model_validate(yaml.safe_load(yaml.safe_dump(BASE))))
    # price: 100*(124000-115000)/(128000-115000)=69.2 (w5); payment: 100*(50-60)/(45-60)=66.7 (w2)
    assert analysis.meso[0].value == pytest.approx((5 * 900 / 13 + 2 * 200 / 3) / 7)
    assert analysis.meso[0].scores == pytest.approx({"price": 900 / 13, "payment": 200 / 3})
    assert [m.name for m in analysis.meso] == ["Lower price", "Longer terms"]
    assert analysis.meso_spread == pytest.approx(abs(analysis.meso[0].value - analysis.meso[1].value))


def test_deal_ignore_and_project_ignore(make_project):
    data = change(issues__0__basis=[], checks={"ignore": ["anchor-without-basis"]})()
    assert rules_fired(data) == set()
    assert rules_fired(edit(data, {"checks.ignore": ["price-only"]})) == {"anchor-without-basis"}
    project = make_project({"playbooks/d.yaml": yaml.safe_dump(change(issues__0__basis=[])()),
                            "negdocs.yaml": "checks:\n  ignore: [anchor-without-basis]\n"})
    result = project.run("check")
    assert result.exit_code == 0 and result.stdout == ""


def test_strict_makes_warnings_errors():
    assert [(f.rule, f.severity) for f in findings(change(issues__0__basis=[])(), strict=True)] == [("anchor-without-basis", "error")]
    assert [(f.rule, f.severity) for f in findings(change(issues__0__basis=[])())] == [("anchor-without-basis", "warning")]


def test_examples_have_no_findings(make_project):
    from conftest import copy_examples

    project = make_project()
    copy_examples(project.root)
    result = project.run("check")
    assert result.exit_code == 0
    assert result.stdout == ""


# -- property: the rules agree with an oracle written from FORMAT.md alone ------------------------
PHRASES = ("take it or leave it", "final offer", "non-negotiable", "last chance", "or else", "no other option", "we will walk")
CLOSE = "2027-01-31"
DATES = ("2027-01-30", CLOSE, "2027-02-01")
GRID = st.one_of(st.sampled_from(range(0, 101, 10)), st.integers(0, 100))  # round values make exact edges common


def oracle(d: dict) -> list[str]:
    """Every finding FORMAT.md's rule table and Definitions call for, as `rule @ location`."""
    out = []
    issues = d.get("issues", [])
    for n, i in enumerate(issues):
        if ("open" in i or "floor" in i) and not i.get("basis"):
            out.append(f"anchor-without-basis @ issues[{n}].{'open' if 'open' in i else 'floor'}")
    out += [f"concession-without-get @ concessions[{n}].give" for n, c in enumerate(d.get("concessions", []))
            if c.get("give") and not c.get("get")]
    out += [f"deadline-without-evidence @ deadlines[{n}]" for n, x in enumerate(d.get("deadlines", [])) if not x.get("evidence")]
    if issues and all(i["kind"] == "money" for i in issues):
        out.append("price-only @ issues")
    for n, script in enumerate(d.get("scripts", [])):
        out += [f"face-threat @ scripts[{n}].{k}" for k, v in script.items()
                if k != "use" and isinstance(v, str) and any(p in v.lower() for p in PHRASES)]
    if "close_by" in d:
        out += [f"timing @ deadlines[{n}].date" for n, x in enumerate(d.get("deadlines", [])) if x["date"] > d["close_by"]]
        out += [f"timing @ escalation[{n}].by" for n, x in enumerate(d.get("escalation", [])) if x.get("by", "") > d["close_by"]]
        out += [f"timing @ implementation[{n}].due" for n, x in enumerate(d.get("implementation", []))
                if "due" in x and x["due"] < d["close_by"]]
    if "batna" in d and not d["batna"].get("evidence"):
        out.append("batna-without-evidence @ batna")
    if d.get("strategy", "power-based") == "power-based":
        cp = d.get("counterparty", {})
        if cp.get("relationship") == "repeated" and cp.get("reputation_sensitive") is True and d.get("stakes") == "low":
            out.append("relationship-over-gain @ stakes")
        if d.get("power") and not any(p.get("real", True) for p in d["power"]):
            out.append("perceived-power @ power")
        if cp.get("culture") in ("indirect", "high-power-distance") and not any(e.get("private") for e in d.get("escalation", [])):
            out.append("face-culture @ counterparty.culture")
    higher = lambda i: i.get("better") == "higher"  # noqa: E731
    for n, i in enumerate(issues):
        if "walk_away" in i and "their_walk_away" in i:
            if (i["their_walk_away"] < i["walk_away"]) if higher(i) else (i["their_walk_away"] > i["walk_away"]):
                out.append(f"no-zopa @ issues[{n}].walk_away")
    by_id = {i["id"]: i for i in issues}
    values = []
    for n, option in enumerate(d.get("meso", [])):
        weighted, weights = Fraction(0), 0
        for key, term in option["terms"].items():
            i = by_id[key]
            if i["kind"] == "text":
                continue
            if "walk_away" in i and ((term < i["walk_away"]) if higher(i) else (term > i["walk_away"])):
                out.append(f"meso-breaks-walk-away @ meso[{n}].terms.{key}")
            if "target" in i and "walk_away" in i and i["target"] != i["walk_away"]:
                score = min(Fraction(100), max(Fraction(0), 100 * (Fraction(term) - Fraction(i["walk_away"]))
                                               / (Fraction(i["target"]) - Fraction(i["walk_away"]))))
                weighted += i.get("weight", 3) * score
                weights += i.get("weight", 3)
        if weights:
            values.append(weighted / weights)
    if len(values) >= 2 and max(values) - min(values) > 10:
        out.append("meso-unbalanced @ meso")
    money = [i for i in issues if i["kind"] == "money" and "walk_away" in i]
    if d.get("batna", {}).get("value") is not None and len({i["better"] for i in money}) == 1:
        total = sum(i["walk_away"] for i in money)
        if (total < d["batna"]["value"]) if higher(money[0]) else (total > d["batna"]["value"]):
            out.append("walk-away-below-batna @ batna.value")
    return sorted(out)


def _maybe(draw, key, values) -> dict:
    value = draw(st.sampled_from((None, *values)))
    return {} if value is None else {key: value}


@st.composite
def issue_values(draw, n: int, kind: str) -> dict:
    """One issue, valid by construction: values in order for its direction, often equal to each other."""
    issue = {"id": f"i{n}", "name": f"Issue {n}", "kind": kind, "weight": draw(st.integers(1, 5)),
             **_maybe(draw, "basis", ([], ["e1"]))}
    if kind == "text":
        return {**issue, "positions": ["wide", "narrow"]}
    better = draw(st.sampled_from(["higher", "lower"]))
    ladder = sorted(draw(st.lists(GRID, min_size=4, max_size=4)), reverse=better == "higher")
    present = draw(st.lists(st.booleans(), min_size=3, max_size=3)) + [draw(st.sampled_from([True, True, False]))]
    values = {k: v for k, v, keep in zip(("open", "target", "floor", "walk_away"), ladder, present) if keep}
    if "walk_away" in values and draw(st.booleans()):
        values["their_walk_away"] = min(100, max(0, values["walk_away"] + draw(st.sampled_from([-1, 0, 1, 7]))))
    return {**issue, "better": better, **values}


@st.composite
def deals(draw) -> dict:
    kinds = draw(st.lists(st.sampled_from(["money", "money", "money", "days", "percent", "count", "text"]), max_size=4))
    issues = [draw(issue_values(n, kind)) for n, kind in enumerate(kinds)]
    numeric = [i for i in issues if i["kind"] != "text"]
    text = [i for i in issues if i["kind"] == "text"]
    meso = []
    for n in range(draw(st.integers(0, 3))):
        terms = {i["id"]: draw(GRID) for i in numeric}
        terms.update({i["id"]: draw(st.sampled_from(i["positions"])) for i in text if draw(st.booleans())})
        meso.append({"name": f"o{n}", "terms": terms})
    money_walk = sum(i.get("walk_away", 0) for i in issues if i["kind"] == "money")
    line = st.sampled_from([*PHRASES, "Final Offer", "OR ELSE", "final  offer", "take it or leave", "non negotiable", "fine"])
    data = {
        "format": "negdocs/v1", "title": "T", "context": "sales", "issues": issues, "meso": meso,
        **_maybe(draw, "strategy", ("power-based", "principled")), **_maybe(draw, "stakes", ("low", "medium", "high")),
        **_maybe(draw, "close_by", (CLOSE,)),
        "evidence": [{"id": "e1", "kind": "other", "summary": "S"}],
        "deadlines": [{"date": draw(st.sampled_from(DATES)), "what": "w", **_maybe(draw, "evidence", ([], ["e1"]))}
                      for _ in range(draw(st.integers(0, 2)))],
        "escalation": [{"step": "s", **_maybe(draw, "by", DATES), **_maybe(draw, "private", (True, False))}
                       for _ in range(draw(st.integers(0, 2)))],
        "implementation": [{"task": "t", **_maybe(draw, "due", DATES)} for _ in range(draw(st.integers(0, 2)))],
        "power": [{"source": "time", **_maybe(draw, "real", (True, False))} for _ in range(draw(st.integers(0, 2)))],
        "concessions": [{"item": "x", **_maybe(draw, "give", ("a",)), **_maybe(draw, "get", ("b",))}
                        for _ in range(draw(st.integers(0, 2)))],
        "scripts": [{"say": draw(line)}, {"use": "contingency", "risk": draw(line), "remedy": draw(line)}][:draw(st.integers(0, 2))],
    }
    if draw(st.booleans()):
        data["counterparty"] = {**_maybe(draw, "relationship", ("one-off", "repeated")),
                                **_maybe(draw, "reputation_sensitive", (True, False)),
                                **_maybe(draw, "culture", ("direct", "indirect", "high-power-distance"))}
    if draw(st.sampled_from([True, True, False])):
        data["batna"] = {**_maybe(draw, "value", (money_walk - 1, money_walk, money_walk + 1)), **_maybe(draw, "evidence", ([], ["e1"]))}
        data["batna"] = {k: v for k, v in data["batna"].items() if k != "value" or v >= 0}
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deals())
def test_rules_agree_with_the_oracle(data):
    from negdocs.load.validate import validate

    parsed = json.loads(json.dumps(data))
    source = Source(Path("deal.yaml"), "deal.yaml", parsed, {})
    deal, problems = validate(source, ["power-based", "principled"], checks.WARNINGS)
    assert deal is not None, [p.message for p in problems]  # the generator only makes valid deals
    assert located(checks.run(source, deal)) == oracle(parsed)


# -- the analysis behind the rules and the readiness section ---------------------------------------

def analysed(data: dict):
    return analyse(Deal.model_validate(json.loads(json.dumps(data, default=str))))


def test_zones_in_both_directions():
    seller, buyer = analysed(BASE), analysed(BASES["buyer"])
    assert [(z.issue.id, z.low, z.high, z.exists) for z in seller.zones.values()] == [("price", 115000, 125000, True)]
    assert [(z.issue.id, z.low, z.high, z.exists) for z in buyer.zones.values()] == [("price", 119000, 126000, True)]
    none = analysed(edit(BASE, {"issues.0.their_walk_away": 100000})).zones["price"]
    assert (none.issue.id, none.low, none.high, none.exists) == ("price", None, None, False)
    equal = analysed(edit(BASE, {"issues.0.their_walk_away": 115000})).zones["price"]
    assert (equal.low, equal.high, equal.exists) == (115000, 115000, True)
    text = edit(BASE, {"issues.2": {"id": "scope", "name": "Scope", "kind": "text", "positions": ["a", "b"]}})
    assert list(analysed(text).zones) == ["price"]  # text issues and issues without both walk-aways have no zone


def test_meso_values_per_option():
    base = analysed(BASES["one-scored-issue"])  # price alone: 1 point per 100 above 115,000; target 125,000
    assert [(m.name, m.value, m.scores) for m in base.meso] == [("Lower price", 90.0, {"price": 90.0}),
                                                                  ("Longer terms", 100.0, {"price": 100.0})]
    assert base.meso_spread == 10.0
    weighted = analysed(edit(BASES["one-scored-issue"], {"issues.1.target": 45, "issues.1.weight": 1,
                                                         "meso.0.terms": {"price": 120000, "payment": 54}}))
    assert weighted.meso[0].scores == {"price": 50.0, "payment": 40.0}
    assert weighted.meso[0].value == pytest.approx((5 * 50 + 1 * 40) / 6)
    unscored = analysed(edit(BASE, {"issues.0.target": 115000, "issues.0.floor": 115000, "issues.1.target": 60}))
    assert [(m.value, m.scores) for m in unscored.meso] == [(None, {}), (None, {})]
    assert unscored.meso_spread is None
    single = analysed(edit(BASE, {"meso": [{"name": "Only", "terms": {"price": 128000, "payment": 45}}]}))
    assert [(m.name, m.value) for m in single.meso] == [("Only", 100.0)] and single.meso_spread is None
    assert analysed(edit(BASE, {"meso": []})).meso == []


def test_scores_clip_and_skip():
    from negdocs.analyse.analysis import score

    price = Deal.model_validate(json.loads(json.dumps(BASE, default=str))).issues[0]  # 0 at 115,000, 100 at 128,000
    assert [score(price, t) for t in (115000, 128000, 100000, 140000)] == [0.0, 100.0, 0.0, 100.0]
    assert score(price, 121500) == pytest.approx(50.0)
    payment = Deal.model_validate(json.loads(json.dumps(BASE, default=str))).issues[1]  # lower is better: 0 at 60, 100 at 45
    assert [score(payment, t) for t in (60, 45, 54, 30, 90)] == [0.0, 100.0, 40.0, 100.0, 0.0]


def test_batna_comparison_values():
    seller, buyer = analysed(BASE).batna, analysed(BASES["buyer"]).batna
    assert (seller.total, seller.batna, seller.better, seller.worse_than_batna) == (115000, 95000, "higher", False)
    assert (buyer.total, buyer.batna, buyer.better, buyer.worse_than_batna) == (126000, 130000, "lower", False)
    assert analysed(edit(BASE, {"batna.value": 115001})).batna.worse_than_batna is True
    assert analysed(edit(BASES["buyer"], {"batna.value": 125999})).batna.worse_than_batna is True
    assert analysed(edit(BASE, unset=["batna.value"])).batna is None
    assert analysed(edit(BASE, unset=["batna"])).batna is None
    mixed = edit(BASE, {"issues.2": {"id": "fee", "name": "Fee", "kind": "money", "better": "lower", "open": 1, "walk_away": 5},
                        "meso.0.terms.fee": 1, "meso.1.terms.fee": 1})
    assert analysed(mixed).batna is None
    none = edit(BASE, unset=["issues.0.walk_away", "issues.0.their_walk_away"])
    assert analysed(none).batna is None  # no money walk-away: nothing to compare


def test_one_way_concessions_and_do_not_use_reasons():
    data = edit(BASE, {"concessions.1": {"item": "Training", "give": "two days"}, "concessions.2": {"item": "Nothing"}})
    assert analysed(data).one_way == [1]
    assert analysed(BASE).do_not_use == {}
    everything = edit(BASE, {"stakes": "low", "power.0.real": False, "counterparty.culture": "high-power-distance",
                             "escalation.0.private": False})
    assert analysed(everything).do_not_use == {
        "relationship-over-gain": "the relationship is repeated and reputation-sensitive while the stakes are low: pressing the "
                                  "advantage risks more trust than it can win",
        "perceived-power": "every source of leverage listed is perceived only (`real: false`): a bluff that can be exposed",
        "face-culture": "the counterparty's culture is high-power-distance and no escalation step offers a private sponsor "
                        "preview, so open pressure leaves no way to save face",
    }
    assert analysed(edit(everything, {"strategy": "principled"})).do_not_use == {}
    assert [f.message for f in findings(everything)] == [
        "stakes: the relationship is repeated and reputation-sensitive while the stakes are low: pressing the advantage risks "
        "more trust than it can win; consider `strategy: principled`",
        "power: every source of leverage listed is perceived only (`real: false`): a bluff that can be exposed; consider "
        "`strategy: principled`",
        "counterparty.culture: the counterparty's culture is high-power-distance and no escalation step offers a private sponsor "
        "preview, so open pressure leaves no way to save face; add a private escalation step or consider `strategy: principled`",
    ]


@pytest.mark.parametrize("data, message", [
    (edit(BASE, {"issues.1.kind": "money"}), "issues: every issue is money; add non-price issues (terms, scope, timing, service) to trade"),
    (edit(BASE, {"batna.evidence": []}), "batna: no `evidence` backs the BATNA; an alternative you cannot show is a bluff that can be called"),
    (edit(BASE, {"issues.0.basis": []}, ["issues.0.open"]), "issues[0].floor: 'Price' has an anchor but no `basis`; add the evidence ids that make it credible"),
])
def test_more_messages(data, message):
    assert [f.message for f in findings(data)] == [message]


def test_findings_carry_file_line_rule_and_severity():
    (finding,) = findings(edit(BASE, {"deadlines.0.evidence": []}))
    text = yaml.safe_dump(BASE, sort_keys=False).splitlines()
    assert (finding.path, finding.rule, finding.severity) == ("deal.yaml", "deadline-without-evidence", "warning")
    assert text[finding.line - 1].strip() == "- date: 2027-01-15" and text[finding.line - 2] == "deadlines:"


def test_ignore_passed_by_the_project_silences_a_rule():
    data = edit(BASE, {"issues.0.basis": [], "stakes": "low"})
    parsed = json.loads(json.dumps(data, default=str))
    deal = Deal.model_validate(parsed)
    source = Source(Path("deal.yaml"), "deal.yaml", parsed, {})
    assert {f.rule for f in checks.run(source, deal, ignore=["anchor-without-basis"])} == {"relationship-over-gain"}
    assert {(f.rule, f.severity) for f in checks.run(source, deal)} == {("anchor-without-basis", "warning"),
                                                                      ("relationship-over-gain", "warning")}
    assert {f.severity for f in checks.run(source, deal, strict=True)} == {"error"}
    assert list(checks.WARNINGS) == list(checks.ORDER)


def test_an_expired_proposal_of_a_closed_deal_is_fine():
    assert "proposal-expired" not in rules_fired(change(proposal={"valid_until": "2026-12-30"}, status="closed")())


def test_without_source_date_epoch_today_is_the_utc_date(monkeypatch):
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    today = dt.datetime.now(dt.timezone.utc).date()
    assert "proposal-expired" in rules_fired(change(proposal={"valid_until": str(today - dt.timedelta(days=1))})())
    assert "proposal-expired" not in rules_fired(change(proposal={"valid_until": str(today)})())
