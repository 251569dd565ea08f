"""The approval matrix: its validation, which rules apply (exactly), the fingerprint, and the
approval-missing / approval-stale rules."""

from __future__ import annotations

import copy
from decimal import Decimal
import subprocess

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negdocs.analyse.approvals import evaluate
from negdocs.analyse.fingerprint import fingerprint
from negdocs.load.loader import parse
from negdocs.load.model import Deal

MATRIX = """\
approvals:
  base_currency: USD
  rates: {EUR: 1.1, GBP: 1.27}
  rules:
    - {role: sales-manager, when: {context: sales, depth_over: 10}}
    - {role: cfo, when: {value_over: 1100}}
    - {role: legal, when: {strategy: power-based, relationship: repeated}}
"""

DEAL = {
    "format": "negdocs/v1", "title": "ACME", "context": "sales", "currency": "USD",
    "counterparty": {"name": "ACME", "relationship": "one-off"},
    "issues": [{"id": "price", "name": "Price", "kind": "money", "better": "higher", "open": 1000, "target": 950,
                "walk_away": 900, "basis": ["survey"]},
               {"id": "term", "name": "Term", "kind": "months", "better": "higher", "open": 24, "basis": ["survey"]}],
    "evidence": [{"id": "survey", "kind": "benchmark", "summary": "Median is 1k.", "shareable": True}],
}


def deal_yaml(**changes) -> str:
    data = copy.deepcopy(DEAL)
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False)


def check(make_project, deal: str, matrix: str = MATRIX, *args: str):
    project = make_project({"negdocs.yaml": matrix, "playbooks/acme.yaml": deal})
    return project, project.run("check", *args)


def rules(result) -> list[str]:
    return sorted(line.split(" ")[2].rstrip(":") for line in result.stdout.splitlines())


# -- bad input: each a file:line error naming the file and what to change ----------------------
@pytest.mark.parametrize("matrix, expected", [
    (MATRIX.replace("depth_over: 10", "depht_over: 10"),
     "negdocs.yaml:5: error schema: approvals.rules[0].when: unknown key 'depht_over' (did you mean 'depth_over'?)"),
    (MATRIX.replace("depth_over: 10", "depth_over: -10"),
     "negdocs.yaml:5: error schema: approvals.rules[0].when.depth_over: -10 is negative; a threshold is 0 or more"),
    (MATRIX.replace("EUR: 1.1", "EUR: 0"), "negdocs.yaml:3: error schema: approvals.rates.EUR: 0 is not a positive number"),
    (MATRIX.replace("EUR: 1.1", "EUR: -1.1"), "negdocs.yaml:3: error schema: approvals.rates.EUR: -1.1 is not a positive number"),
    (MATRIX.replace("EUR: 1.1", "EUR: '1,1'"), "negdocs.yaml:3: error schema: approvals.rates.EUR: '1,1' is not a number"),
    (MATRIX.replace("EUR: 1.1", "EUR: true"), "negdocs.yaml:3: error schema: approvals.rates.EUR: True is not a number"),
    (MATRIX.replace("EUR: 1.1", "Euro: 1.1"), "negdocs.yaml:3: error schema: approvals.rates.Euro: 'Euro' is not an ISO 4217"),
    (MATRIX.replace("GBP: 1.27", "USD: 1"), "negdocs.yaml:3: error schema: approvals.rates.USD: the base currency needs no rate"),
    (MATRIX.replace("strategy: power-based", "strategy: power-base"),
     "negdocs.yaml:7: error schema: approvals.rules[2].when.strategy: unknown strategy 'power-base' (did you mean 'power-based'?)"),
    (MATRIX.replace("context: sales", "context: sale"),
     "negdocs.yaml:5: error schema: approvals.rules[0].when.context: 'sale' is not allowed; use one of: sales, partnership, "
     "procurement or hiring (did you mean 'sales'?)"),
    (MATRIX.replace("{role: cfo, ", "{role: CFO, "), "negdocs.yaml:6: error schema: approvals.rules[1].role: 'CFO' is not a valid id"),
    ("approvals:\n  rates: {}\n", "negdocs.yaml:1: error schema: approvals: required key 'rules' is missing"),
])
def test_bad_matrix_is_an_error_at_its_line(make_project, matrix, expected):
    _, result = check(make_project, deal_yaml(), matrix)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("deal, expected", [
    (deal_yaml(approvals=[{"role": "cfo", "by": "Ann", "on": "2027-01-01", "fingerprint": "12345"}]),
     "playbooks/acme.yaml:34: error schema: approvals[0].fingerprint: '12345' is not a fingerprint: 12 hexadecimal characters"),
    (deal_yaml(approvals=[{"role": "cfo", "by": "Ann", "on": "2027-01-01", "fingerprint": 123456789012}]),
     "approvals[0].fingerprint: 123456789012 is not a fingerprint: 12 hexadecimal characters (quote it"),
    (deal_yaml(approvals=[{"role": "cfoo", "by": "Ann", "on": "2027-01-01", "fingerprint": "0123456789ab"}]),
     "playbooks/acme.yaml:31: error reference: approvals[0].role: no rule of the approval matrix in negdocs.yaml names "
     "'cfoo' (did you mean 'cfo'?); roles: sales-manager, cfo, legal"),
    (deal_yaml(approvals=[{"role": "cfo", "by": "Ann", "on": "2027-01-01", "fingerprint": "0123456789ab"},
                          {"role": "cfo", "by": "Bo", "on": "2027-01-02", "fingerprint": "0123456789ab"}]),
     "playbooks/acme.yaml:35: error duplicate-id: approvals[1].role: 'cfo' has a sign-off already (line 31); keep one per role"),
    (deal_yaml(currency="CHF"), "playbooks/acme.yaml:4: error reference: currency: no rate for CHF in negdocs.yaml "
                                "(approvals.rates, base currency USD), which a value_over rule needs: add `CHF: "),
    (deal_yaml(approvals=[{"role": "cfo", "by": "Ann\nLee", "on": "2027-01-01", "fingerprint": "0123456789ab"}]),
     "approvals[0].by: the name holds a control character or a line break"),
])
def test_bad_deal_against_the_matrix_is_an_error_at_its_line(make_project, deal, expected):
    _, result = check(make_project, deal)
    assert result.exit_code == 1
    assert expected in result.stdout


def test_default_currency_without_a_rate_points_at_line_1(make_project):
    data = copy.deepcopy(DEAL)
    del data["currency"]
    _, result = check(make_project, yaml.safe_dump(data, sort_keys=False), MATRIX.replace("base_currency: USD", "base_currency: EUR")
                      .replace("EUR: 1.1", "GBP: 1.2").replace(", GBP: 1.27", ""))
    assert "playbooks/acme.yaml:1: error reference: currency: the deal's currency defaults to USD, which has no rate" in result.stdout


def test_a_currency_without_rate_is_fine_without_value_rules_and_for_guides(make_project):
    no_value = "approvals:\n  rules:\n    - {role: legal, when: {context: sales}}\n"
    assert check(make_project, deal_yaml(currency="CHF"), no_value)[1].exit_code == 0
    guide = "format: negdocs/v1\ntitle: Guide\ncontext: sales\ncurrency: CHF\n"
    assert check(make_project, guide)[1].stdout == ""


def test_a_plain_on_key_is_the_field_on_not_a_boolean(make_project):
    deal = deal_yaml().replace("title: ACME", "title: ACME\napprovals: [{role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab}]")
    result = check(make_project, deal)[1]
    assert result.exit_code == 0 and "approval-stale" in result.stdout


def test_an_approval_without_a_matrix_is_a_reference_error(make_project):
    deal = deal_yaml(approvals=[{"role": "cfo", "by": "Ann", "on": "2027-01-01", "fingerprint": "0123456789ab"}])
    result = make_project({"playbooks/acme.yaml": deal}).run("check")
    assert "error reference: approvals[0].role: no rule names 'cfo': negdocs.yaml has no approval matrix" in result.stdout


# -- which rules apply: exact arithmetic, boundaries ------------------------------------------
def verdict(data: dict, matrix: str = MATRIX):
    from negdocs.load.loader import text_source
    from negdocs.load.matrix import Matrix, exact_numbers

    settings = text_source(matrix, "negdocs.yaml")
    source = text_source(yaml.safe_dump(data, sort_keys=False), "deal.yaml")
    m = Matrix.model_validate(exact_numbers(settings.data["approvals"], settings.numbers, ("approvals",)))
    return evaluate(Deal.model_validate(source.data), source, m)


def required(data: dict, matrix: str = MATRIX) -> dict[str, str]:
    return {r.role: r.why for r in verdict(data, matrix).requirements}


def with_price(**values) -> dict:
    data = copy.deepcopy(DEAL)
    data["issues"][0].update(values)
    return data


def test_depth_exactly_at_the_threshold_does_not_fire():
    assert "sales-manager" not in required(with_price(open=1000, target=None, walk_away=900))  # 10%
    assert required(with_price(open=1000, target=None, walk_away=899.99))["sales-manager"] == "depth 10.001% on Price"
    # 0.7 / 7 is exactly 10% in decimals; in binary floating point (7 - 6.3) * 100 > 10 * 7
    assert "sales-manager" not in required(with_price(open=7, target=None, walk_away=6.3))
    assert "sales-manager" in required(with_price(open=7, target=None, walk_away=6.29))


def test_value_exactly_at_the_threshold_does_not_fire():
    # 3 EUR at 1.1 is exactly 3.3 USD; in binary floating point 3 * 1.1 > 3.3
    at_3_3 = MATRIX.replace("value_over: 1100", "value_over: 3.3")
    assert "cfo" not in required({**with_price(open=3, target=None, walk_away=3), "currency": "EUR"}, at_3_3)
    assert "cfo" in required({**with_price(open=3.01, target=None, walk_away=3), "currency": "EUR"}, at_3_3)
    # the rate's YAML text counts, not the nearest binary fraction (which is 1.1 here)
    precise = at_3_3.replace("EUR: 1.1", "EUR: 1.1000000000000000001")
    assert "cfo" in required({**with_price(open=3, target=None, walk_away=3), "currency": "EUR"}, precise)
    assert "cfo" not in required({**with_price(target=1000), "currency": "EUR"})
    assert required({**with_price(target=1000.01), "currency": "EUR"})["cfo"] == "value 1,000.01 EUR = 1,100.01 USD"
    assert "cfo" not in required(with_price(target=1100))
    assert required(with_price(target=1101))["cfo"] == "value 1,101 USD"


def test_value_is_the_sum_of_targets_else_opens_of_money_issues():
    data = with_price(target=None, open=600)
    data["issues"].append({"id": "fee", "name": "Fee", "kind": "money", "better": "higher", "open": 700, "target": 501})
    data["issues"].append({"id": "days", "name": "Days", "kind": "days", "better": "lower", "open": 9000})
    assert required(data)["cfo"] == "value 1,101 USD"
    assert verdict(data).value == 1101


def test_conditions_all_hold_and_defaults_count():
    assert "legal" not in required(DEAL)  # relationship one-off
    repeated = {**DEAL, "counterparty": {"name": "ACME", "relationship": "repeated"}}
    assert required(repeated)["legal"] == "strategy power-based, relationship repeated"  # default strategy counts
    assert "legal" not in required({**repeated, "strategy": "principled"})
    listed = MATRIX.replace("context: sales,", "context: [hiring, sales],")
    deep = with_price(walk_away=800, target=None)
    assert "sales-manager" in required(deep, listed)
    assert "sales-manager" not in required({**deep, "context": "partnership"}, listed)


def test_guides_need_no_sign_off():
    guide = {"format": "negdocs/v1", "title": "Guide", "context": "sales"}
    everything = "approvals:\n  rules:\n    - {role: legal}\n"
    assert required(guide, everything) == {}
    assert required(DEAL, everything) == {"legal": "every deal"}


# -- the rules ------------------------------------------------------------------------------
def approved(data: dict, *roles: str) -> str:
    fp = fingerprint(Deal.model_validate(data))
    return yaml.safe_dump({**data, "approvals": [{"role": r, "by": "Ann Lee", "on": "2027-01-05", "fingerprint": fp}
                                                 for r in roles]}, sort_keys=False)


def test_missing_then_approved(make_project):
    deep = with_price(walk_away=800)
    _, result = check(make_project, yaml.safe_dump(deep, sort_keys=False))
    assert result.stdout == ("playbooks/acme.yaml:15: warning approval-missing: issues[0].walk_away: needs a sign-off from "
                             "sales-manager (depth 20% on Price); once they agree, run `negdocs approve playbooks/acme.yaml "
                             "--role sales-manager --by NAME`\n")
    _, result = check(make_project, approved(deep, "sales-manager"))
    assert result.stdout == "" and result.exit_code == 0


def test_stale_without_git_says_it_cannot_tell(make_project):
    deep = with_price(walk_away=800)
    text = approved(deep, "sales-manager").replace("walk_away: 800", "walk_away: 700")
    _, result = check(make_project, text)
    assert rules(result) == ["approval-missing", "approval-stale"]
    stale = next(line for line in result.stdout.splitlines() if "approval-stale" in line)
    assert stale.startswith("playbooks/acme.yaml:31: warning approval-stale: approvals[0]: the sign-off of sales-manager by "
                            "Ann Lee (2027-01-05) is for other terms")
    assert "what changed cannot be told" in stale


def test_stale_names_what_changed_since_the_approved_version_in_git(make_project):
    deep = with_price(walk_away=800)
    project, _ = check(make_project, approved(deep, "sales-manager"))
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "approved"]):
        subprocess.run(git + args, cwd=project.root, check=True)
    deal = project.root / "playbooks" / "acme.yaml"
    deal.write_text(deal.read_text().replace("walk_away: 800", "walk_away: 700").replace("title: ACME", "title: ACME 2"))
    stale = next(line for line in project.run("check").stdout.splitlines() if "approval-stale" in line)
    assert "changed since commit " in stale
    assert stale.split("changed since commit ", 1)[1].split(": ", 1)[1].startswith(
        "issues.price.walk_away 800 USD -> 700 USD; review the change")


def test_deal_level_ignore_has_no_effect_and_says_so(make_project):
    deep = with_price(walk_away=800)
    _, result = check(make_project, yaml.safe_dump({**deep, "checks": {"ignore": ["approval-missing"]}}, sort_keys=False))
    assert rules(result) == ["approval-missing"]
    assert result.stdout.rstrip().endswith("(listing this rule in the deal's checks.ignore has no effect: only checks.ignore "
                                           "in negdocs.yaml silences approval rules)")
    _, result = check(make_project, yaml.safe_dump(deep, sort_keys=False), MATRIX + "checks:\n  ignore: [approval-missing]\n")
    assert result.stdout == ""


def test_strict_makes_a_missing_sign_off_an_error(make_project):
    _, result = check(make_project, yaml.safe_dump(with_price(walk_away=800), sort_keys=False), MATRIX, "--strict")
    assert result.exit_code == 1 and "error approval-missing" in result.stdout


# -- the fingerprint ---------------------------------------------------------------------------
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")), min_size=1, max_size=12)
number = st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False, allow_infinity=False))


@st.composite
def deals(draw):
    issues = []
    for n in range(draw(st.integers(0, 3))):
        issue = {"id": f"i{n}", "name": draw(text), "kind": draw(st.sampled_from(["money", "days", "percent"])),
                 "better": draw(st.sampled_from(["higher", "lower"]))}
        for name in ("open", "target", "floor", "walk_away", "their_walk_away"):
            if draw(st.booleans()):
                issue[name] = draw(number)
        issues.append(issue)
    issues.append({"id": "scope", "name": draw(text), "kind": "text", "positions": draw(st.lists(text, max_size=3))})
    return {
        "format": "negdocs/v1", "title": draw(text), "context": "sales", "owner": draw(text),
        "strategy": draw(st.sampled_from(["power-based", "principled"])), "currency": draw(st.sampled_from(["USD", "EUR"])),
        "batna": {"summary": draw(text), "value": draw(number)}, "issues": issues,
        "meso": [{"name": draw(text), "terms": {i["id"]: draw(number) for i in issues if i["kind"] != "text"}}
                 for _ in range(draw(st.integers(0, 2)))],
        "concessions": [{"item": draw(text), "give": draw(text), "get": draw(text)} for _ in range(draw(st.integers(0, 2)))],
        "notes": draw(text),
    }


def _shuffled(value, rnd):
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: _shuffled(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, rnd) for v in value]
    return value


class _Quoted(yaml.SafeDumper):
    pass


_Quoted.add_representer(str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'))


def _fp(text_: str) -> str:
    data, _ = parse(text_, "deal.yaml")
    return fingerprint(Deal.model_validate(data))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=deals(), rnd=st.randoms(use_true_random=False), flow=st.sampled_from([True, False, None]), note=text)
def test_fingerprint_ignores_layout_order_quoting_comments_and_other_fields(data, rnd, flow, note):
    reference = _fp(yaml.safe_dump(data, sort_keys=False))
    variant = _shuffled({**data, "notes": note, "title": note, "owner": note + "x", "summary": note}, rnd)
    for issue in variant["issues"]:
        if issue["kind"] != "text" and "open" in issue and float(issue["open"]).is_integer():
            issue["open"] = float(issue["open"])  # a whole float is written as an integer
    text_ = "# a comment\n" + yaml.dump(variant, Dumper=_Quoted, default_flow_style=flow, sort_keys=False, width=40)
    assert _fp(text_) == reference


GOVERNED = [
    lambda d: d.update(strategy="principled" if d["strategy"] == "power-based" else "power-based"),
    lambda d: d.update(currency="GBP"),
    lambda d: d["batna"].update(value=d["batna"]["value"] + 1),
    lambda d: d["issues"][-1]["positions"].append("new position"),
    lambda d: d["issues"][-1].update(id="scope-2"),
    lambda d: d["meso"].append({"name": "Another", "terms": {}}),
    lambda d: d["concessions"].append({"item": "Extra", "give": "x"}),
]


@settings(max_examples=60, deadline=None)
@given(data=deals(), change=st.sampled_from(GOVERNED))
def test_fingerprint_changes_with_any_governed_value(data, change):
    changed = copy.deepcopy(data)
    change(changed)
    assert _fp(yaml.safe_dump(changed)) != _fp(yaml.safe_dump(data))


@settings(max_examples=60, deadline=None)
@given(data=deals().filter(lambda d: len(d["issues"]) > 1), field=st.sampled_from(
    ["open", "target", "floor", "walk_away", "their_walk_away", "kind", "better", "id"]))
def test_fingerprint_changes_with_any_governed_issue_field(data, field):
    changed = copy.deepcopy(data)
    issue = changed["issues"][0]
    if field == "kind":
        issue["kind"] = "count" if issue["kind"] != "count" else "days"
    elif field == "better":
        issue["better"] = "higher" if issue["better"] == "lower" else "lower"
    elif field == "id":
        issue["id"] = "other"
    else:
        issue[field] = float(issue.get(field, 0)) + 0.5
    assert _fp(yaml.safe_dump(changed)) != _fp(yaml.safe_dump(data))


def test_fingerprint_is_the_documented_hash():
    import hashlib
    import json

    deal = Deal.model_validate({"format": "negdocs/v1", "title": "T", "context": "sales", "batna": {"value": 5.0},
                                "issues": [{"id": "p", "name": "P", "kind": "money", "better": "higher", "open": 10.5}]})
    canonical = {"batna": {"value": 5}, "concessions": [], "currency": "USD", "issues": [
        {"better": "higher", "floor": None, "id": "p", "kind": "money", "open": 10.5, "positions": [], "target": None,
         "their_walk_away": None, "walk_away": None}], "meso": [], "strategy": "power-based"}
    text_ = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert fingerprint(deal) == hashlib.sha256(text_.encode()).hexdigest()[:12]


# -- the playbook --------------------------------------------------------------------------------
def test_playbook_cover_and_readiness_show_the_sign_offs_the_proposal_none(make_project):
    from negdocs.build import build

    project = make_project({"negdocs.yaml": MATRIX, "playbooks/acme.yaml": approved(with_price(open=1300, walk_away=800, target=1200),
                                                                                   "legal")})
    build(out=project.root / "build", pdf=False, edition="all", root=project.root)
    page = (project.root / "build" / "acme.html").read_text()
    assert ('<dt>Sign-offs</dt><dd class="signoffs">Needs: sales-manager (depth 38% on Price), cfo (value 1,200 USD)</dd>'
            in page)
    assert '<tr><th scope="row">cfo</th><td>value 1,200 USD</td><td><span class="state state-missing">missing</span></td><td></td></tr>' in page
    assert "legal" not in page.split("<table class=\"signoffs\">")[1].split("</table>")[0]  # not required: not a row
    proposal = (project.root / "build" / "proposal" / "acme.html").read_text()
    assert "Sign-offs" not in proposal and "Ann Lee" not in proposal and "sales-manager" not in proposal


# -- boundaries, by hypothesis: exactly at the threshold never fires, a hair above always does ---
cents = st.integers(1, 10**9).map(lambda n: Decimal(n) / 100)


def _deal_text(open_: Decimal, walk_away: Decimal, target: Decimal | None = None, currency: str = "USD") -> str:
    target_line = f"    target: {target}\n" if target is not None else ""
    return (f"format: negdocs/v1\ntitle: T\ncontext: sales\ncurrency: {currency}\ncounterparty: {{name: C}}\nissues:\n"
            f"  - id: p\n    name: P\n    kind: money\n    better: lower\n    open: {open_}\n{target_line}"
            f"    walk_away: {walk_away}\n")


def _required_from_text(deal_text: str, matrix: str) -> set[str]:
    from negdocs.load.loader import text_source
    from negdocs.load.matrix import Matrix, exact_numbers

    settings = text_source(matrix, "negdocs.yaml")
    source = text_source(deal_text, "deal.yaml")
    m = Matrix.model_validate(exact_numbers(settings.data["approvals"], settings.numbers, ("approvals",)))
    return {r.role for r in evaluate(Deal.model_validate(source.data), source, m).requirements}


@settings(max_examples=150, deadline=None)
@given(open_=cents, percent=st.integers(0, 5000).map(lambda n: Decimal(n) / 10))
def test_depth_at_the_threshold_does_not_fire_and_above_does(open_, percent):
    walk_away = open_ + open_ * percent / 100  # better: lower, so the walk-away lies above the opening
    matrix = f"approvals:\n  rules:\n    - {{role: m, when: {{depth_over: {percent}}}}}\n"
    assert "m" not in _required_from_text(_deal_text(open_, walk_away), matrix)
    assert "m" in _required_from_text(_deal_text(open_, walk_away + Decimal("0.000001")), matrix)


@settings(max_examples=150, deadline=None)
@given(value=cents, rate=st.integers(1, 10**6).map(lambda n: Decimal(n) / 10**4))
def test_value_at_the_threshold_does_not_fire_and_above_does(value, rate):
    limit = value * rate
    matrix = (f"approvals:\n  base_currency: USD\n  rates: {{EUR: {rate}}}\n  rules:\n"
              f"    - {{role: c, when: {{value_over: {limit}}}}}\n")
    assert "c" not in _required_from_text(_deal_text(value * 2, value * 3, value, "EUR"), matrix)
    assert "c" in _required_from_text(_deal_text(value * 2, value * 3, value + Decimal("0.000001"), "EUR"), matrix)
