"""Validation rules added for the security review, in process: exact messages and boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from negdocs.analyse import checks
from negdocs.analyse.strategy import load_packs
from negdocs.errors import short
from negdocs.load.loader import read_source
from negdocs.load.validate import MAX_MARKDOWN, MAX_SUGGESTIONS, suggest, validate

HEAD = "format: negdocs/v1\ntitle: T\ncontext: sales\n"
PACKS = load_packs()


def problems(text: str) -> list[str]:
    source = read_source(Path("d.yaml"), "d.yaml", raw=text.encode())
    return [str(p) for p in validate(source, PACKS, checks.WARNINGS)[1]]


def block(key: str, text: str, indent: str = "") -> str:
    return f"{indent}{key}: |-\n" + "".join(f"{indent}  {line}\n" for line in text.splitlines())


def test_markdown_limit_at_its_boundary_counting_each_text_once():
    half = MAX_MARKDOWN // 2
    assert problems(HEAD + block("summary", "a" * half) + block("notes", "b" * half)) == []  # exactly the limit
    assert problems(HEAD + block("summary", "a" * half) + block("notes", "b" * (half + 1))) == [
        "d.yaml:6: error schema: notes: the deal's Markdown (summary, notes, review, proposal.intro) reaches 100,001 "
        "characters here; the limit is 100,000 in all: shorten it, or link to a longer document"]
    same = "c" * 60_000  # the same text twice (an alias) renders once
    assert problems(HEAD + f"summary: &s {same}\nnotes: *s\nproposal: {{intro: *s}}\nreview: {{x: *s}}\n") == []


def test_markdown_limit_counts_review_answers_and_the_proposal_intro():
    text = "".join(f"  q{n}: {chr(97 + n) * 30_000}\n" for n in range(3))
    assert problems(HEAD + "proposal:\n" + block("intro", "i" * 10_001, "  ") + "review:\n" + text) == [
        "d.yaml:10: error schema: review.q2: the deal's Markdown (summary, notes, review, proposal.intro) reaches "
        "100,001 characters here; the limit is 100,000 in all: shorten it, or link to a longer document"]


def test_suggestions_are_capped_per_file_and_by_size():
    assert suggest("pricee", ["price", "payment"]) == " (did you mean 'price'?)"
    assert suggest("p" * 201, ["p" * 200]) == ""
    assert suggest("e1", [f"e{n}" for n in range(2001)]) == ""
    assert suggest("e1x", [f"e{n}" for n in range(2000)]) == " (did you mean 'e1'?)"
    refs = ", ".join(f"ev{n}x" for n in range(MAX_SUGGESTIONS + 1))
    found = problems(HEAD + "evidence: [" + ", ".join(f"{{id: ev{n}, kind: other, summary: s}}" for n in range(
        MAX_SUGGESTIONS + 1)) + f"]\nbatna: {{evidence: [{refs}]}}\n")
    hinted = [p for p in found if "did you mean" in p]
    assert len(found) == MAX_SUGGESTIONS + 1 and len(hinted) == MAX_SUGGESTIONS
    assert [p for p in found if "ev100x" in p] == ["d.yaml:5: error reference: batna.evidence[100]: unknown evidence 'ev100x'"]


def test_text_fields_given_another_type_say_to_quote():
    assert problems(HEAD.replace("title: T", "title: 2027-01-31") + "owner: 1:30\n") == [
        "d.yaml:2: error schema: title: expected text, got a date ('2027-01-31'): YAML reads unquoted numbers, dates, "
        "times like 1:30 and yes/no/on/off as other types; put the text in quotes",
        "d.yaml:4: error schema: owner: expected text, got a number (90): YAML reads unquoted numbers, dates, times like "
        "1:30 and yes/no/on/off as other types; put the text in quotes"]


def test_numbers_written_as_text_get_the_reason():
    def issue(value: str) -> str:
        return HEAD + f"issues:\n  - id: p\n    name: P\n    kind: money\n    better: higher\n    open: {value}\n"

    assert problems(issue("'12.5'")) == ["d.yaml:9: error schema: issues[0].open: '12.5' is quoted, so it is text; "
                                         "remove the quotes"]
    assert problems(issue("1e3")) == ["d.yaml:9: error schema: issues[0].open: '1e3' is text: YAML reads a number with "
                                      "an exponent as text; write it in digits, such as 120000 or 12.5"]
    assert problems(issue("'1_000_000_000_000_000'")) == ["d.yaml:9: error schema: issues[0].open: '1_000_000_000_000_000' "
                                                          "is too large; values stay below 1,000,000,000,000,000"]
    assert problems(issue("'999_999_999_999_999'"))[0].endswith("is quoted, so it is text; remove the quotes")
    assert problems(issue("abc")) == ["d.yaml:9: error schema: issues[0].open: 'abc' is not a number; write digits "
                                      "only, such as 120000 or 12.5"]
    assert problems(issue("2027-01-31")) == ["d.yaml:9: error schema: issues[0].open: datetime.date(2027, 1, 31) is not "
                                             "a number; write digits only, such as 120000 or 12.5"]


def test_bad_dates_name_their_field():
    assert problems(HEAD + "close_by: '2027-02-29'\n") == [
        "d.yaml:4: error schema: close_by: '2027-02-29' is not a valid date (YYYY-MM-DD): day is out of range for month"]
    assert problems(HEAD + "close_by: '2027-01-31 '\n") == [
        "d.yaml:4: error schema: close_by: '2027-01-31 ' is not a valid date; write YYYY-MM-DD"]
    assert problems(HEAD + "close_by: 2027-01-31 10:00\n") == [
        "d.yaml:4: error schema: close_by: '2027-01-31 10:00' is not a valid date; write YYYY-MM-DD"]
    assert problems(HEAD + "close_by: 2027-01-31t10:00:00Z\n") == [
        "d.yaml:4: error schema: close_by: '2027-01-31t10:00:00Z' is not a valid date: it has a time; dates are YYYY-MM-DD"]
    assert problems(HEAD + "close_by: 2027-01-31\n") == []


# -- the cross-field rules of issues, ids and the schema messages, at their edges --------------

def named(name: str, text: str) -> list[str]:
    source = read_source(Path(name), name, raw=text.encode())
    return [str(p) for p in validate(source, PACKS, checks.WARNINGS)[1]]


def test_every_issue_is_checked_after_a_text_issue_or_one_without_better():
    assert problems(HEAD + "issues:\n  - {id: a, name: A, kind: text, open: 1}\n  - {id: b, name: B, kind: text, target: 2}\n") == [
        "d.yaml:5: error schema: issues[0].open: not allowed on a text issue; use `positions` (ordered from preferred to walk-away)",
        "d.yaml:6: error schema: issues[1].target: not allowed on a text issue; use `positions` (ordered from preferred to walk-away)"]
    assert problems(HEAD + "issues:\n  - {id: a, name: A, kind: days}\n"
                    "  - {id: b, name: B, kind: days, better: lower, open: 20, target: 10}\n") == [
        "d.yaml:5: error schema: issues[0]: `better: higher` or `better: lower` is required for a days issue",
        "d.yaml:6: error issue-order: issues[1].target: must not be better than open (20 days) for better: lower"]


def test_positions_on_a_numeric_issue_and_the_order_in_the_deal_s_currency():
    assert problems(HEAD + "currency: EUR\nissues:\n  - id: fee\n    name: Fee\n    kind: money\n    positions: [x]\n"
                    "    better: higher\n    open: 100\n    target: 120\n") == [
        "d.yaml:9: error schema: issues[0].positions: only text issues have positions; this issue is money",
        "d.yaml:12: error issue-order: issues[0].target: must not be better than open (100 EUR) for better: higher"]


def test_equal_positions_are_in_order_either_way():
    for better in ("higher", "lower"):
        assert problems(HEAD + f"issues:\n  - {{id: a, name: A, kind: days, better: {better}, open: 20, target: 20, "
                        "floor: 20, walk_away: 20}\n") == []


def test_a_percentage_lies_in_0_to_100():
    assert problems(HEAD + "issues:\n  - {id: p, name: P, kind: percent, better: higher, open: 100, target: 100}\n") == []
    assert problems(HEAD + "issues:\n  - {id: p, name: P, kind: percent, better: lower, open: 100, target: 101}\n") == [
        "d.yaml:5: error schema: issues[0].target: 101 is not a percentage; percent values lie in 0-100"]


def test_a_duplicate_evidence_id_names_the_line_of_the_first_id():
    assert problems(HEAD + "evidence:\n  - kind: other\n    id: x\n    summary: s\n  - kind: other\n    id: x\n    summary: t\n") == [
        "d.yaml:9: error duplicate-id: evidence[1].id: duplicate id 'x' (first at line 6)"]


def test_an_unknown_key_in_a_list_item_is_matched_against_that_item_s_keys():
    assert problems(HEAD + "issues:\n  - {id: a, name: A, kind: text, nme: x}\n") == [
        "d.yaml:5: error schema: issues[0]: unknown key 'nme' (did you mean 'name'?)"]


def test_what_was_found_instead_is_described_and_cut_at_60_characters():
    exactly = "a" * 58  # its repr, quotes included, is 60 characters: shown whole
    assert problems(HEAD + f"counterparty: {exactly}\n") == [
        f"d.yaml:4: error schema: counterparty: expected a mapping (key: value lines), got '{exactly}'"]
    assert problems(HEAD + f"counterparty: {exactly}a\n") == [
        f"d.yaml:4: error schema: counterparty: expected a mapping (key: value lines), got '{exactly[:56]}..."]
    assert problems(HEAD + "counterparty: [1]\nissues: null\n") == [
        "d.yaml:4: error schema: counterparty: expected a mapping (key: value lines), got a list",
        "d.yaml:5: error schema: issues: expected a list, got nothing"]


def test_ids_from_file_names_and_the_reserved_index():
    assert named("x.yml", HEAD) == [] and named("x.yaml", HEAD) == []
    assert named("index.yaml", HEAD) == ["index.yaml:1: error schema: the id 'index' is reserved for the site index; "
                                         "choose another (rename the file or add an `id:`)"]
    assert named("y.yaml", HEAD + "id: index\n") == ["y.yaml:4: error schema: id: the id 'index' is reserved for the site "
                                                      "index; choose another (rename the file or add an `id:`)"]


def test_suggestions_for_names_up_to_200_characters():
    long = "a" * 199 + "b"
    assert suggest(long, ["a" * 199 + "c"]) == f" (did you mean {short(chr(97) * 199 + 'c')}?)"
    assert suggest(long + "b", ["a" * 199 + "cb"]) == ""


# -- references, MESO terms and scripts: every message, on its line --------------------------

ISSUES = ("issues:\n  - {id: fee, name: Fee, kind: money, better: lower, open: 100, floor: 120, walk_away: 130}\n"
          "  - {id: pct, name: Pct, kind: percent, better: higher, open: 10}\n"
          "  - {id: scope, name: Scope, kind: text, positions: [full, core]}\n"
          "  - {id: terms, name: Terms, kind: text}\n"
          "  - {id: nofloor, name: NoFloor, kind: days, better: lower, open: 30}\n")
CROSS = {
    'meso': (
        'meso:\n'
        '  - name: A\n'
        "    terms: {fee: 100, pct: 101, scope: partial, terms: x, nofloor: '30', fe: 1}\n"
        '  - name: B\n'
        '    terms: {fee: 100, pct: 100, scope: core}\n',
        [
         'd.yaml:12: error schema: meso[0].terms.pct: 101 is not a percentage; percent values lie in 0-100',
         "d.yaml:12: error schema: meso[0].terms.scope: 'partial' is not one of the positions of 'scope': 'full, core'",
         "d.yaml:12: error schema: meso[0].terms.terms: 'terms' has no `positions`; list them on the issue to offer 'x'",
         "d.yaml:12: error schema: meso[0].terms.nofloor: '30' is not a number; 'nofloor' is a days issue",
         "d.yaml:12: error reference: meso[0].terms.fe: unknown issue 'fe' (did you mean 'fee'?)",
         "d.yaml:14: error schema: meso[1].terms: option 'B' does not set nofloor; every numeric issue needs a term",
        ]),
    'refs': (
        'evidence:\n'
        '  - {id: ev, kind: other, summary: s}\n'
        'batna: {summary: b, evidence: [ev, evx]}\n'
        'power:\n'
        '  - {source: time, summary: s, evidence: [ev, e2]}\n'
        'deadlines:\n'
        '  - {date: 2027-01-01, what: w, evidence: [ev, e3]}\n',
        [
         "d.yaml:12: error reference: batna.evidence[1]: unknown evidence 'evx' (did you mean 'ev'?)",
         "d.yaml:5: error reference: issues[0].basis[1]: unknown evidence 'e4'",
         "d.yaml:14: error reference: power[0].evidence[1]: unknown evidence 'e2'",
         "d.yaml:16: error reference: deadlines[0].evidence[1]: unknown evidence 'e3'",
        ]),
    'scripts': (
        'deadlines:\n'
        '  - {date: 2027-01-01, what: w}\n'
        '  - {date: 2027-01-02, what: v, why: because}\n'
        'escalation:\n'
        '  - {step: s}\n'
        'scripts:\n'
        '  - {say: hi, use: floor}\n'
        '  - {}\n'
        '  - {say: hi, risk: r, issue: fee}\n'
        '  - {use: floor, issue: fee, risk: r}\n'
        '  - {use: floor, issue: fe, ask: a, give: g}\n'
        '  - {use: floor, issue: nofloor, ask: a, give: g}\n'
        '  - {use: deadline, deadline: 2}\n'
        '  - {use: deadline, deadline: 0}\n'
        '  - {use: deadline, deadline: 1}\n'
        '  - {use: escalation, escalation: 0}\n'
        '  - {use: escalation, escalation: -1}\n'
        '  - {use: governance, term: t, verification: v}\n',
        [
         'd.yaml:16: error script: scripts[0]: a script has either `say:` (a free line) or `use:` (a template), not both or neither',
         'd.yaml:17: error script: scripts[1]: a script has either `say:` (a free line) or `use:` (a template), not both or neither',
         'd.yaml:18: error script: scripts[2].issue: slots belong to `use:` templates, not to `say:` lines',
         'd.yaml:18: error script: scripts[2].risk: slots belong to `use:` templates, not to `say:` lines',
         "d.yaml:19: error script: scripts[3]: the floor template needs the slot 'ask'",
         "d.yaml:19: error script: scripts[3]: the floor template needs the slot 'give'",
         "d.yaml:19: error script: scripts[3].risk: 'risk' is not a slot of the floor template (slots: issue, ask, give)",
         "d.yaml:20: error reference: scripts[4].issue: unknown issue 'fe' (did you mean 'fee'?)",
         "d.yaml:21: error script: scripts[5].issue: issue 'nofloor' has no floor; add `floor` to it or use another template",
         'd.yaml:22: error reference: scripts[6].deadline: deadline index 2 does not exist (valid: 0 to 1)',
         'd.yaml:23: error script: scripts[7].deadline: deadline 0 has no `why`, which the deadline script says aloud; add it',
         'd.yaml:25: error script: scripts[9].escalation: escalation 0 has no `by`, which the escalation script says aloud; add it',
         'd.yaml:26: error reference: scripts[10].escalation: escalation index -1 does not exist (valid: 0 to 0)',
         "d.yaml:27: error script: scripts[11]: the governance template needs the slot 'alternative'",
        ]),
    'noitems': (
        'scripts:\n'
        '  - {use: deadline, deadline: 0}\n'
        '  - {use: escalation, escalation: 0}\n',
        [
         'd.yaml:11: error reference: scripts[0].deadline: deadline index 0 does not exist (valid: none: the file has no deadlines)',
         'd.yaml:12: error reference: scripts[1].escalation: escalation index 0 does not exist (valid: none: the file has no escalation steps)',
        ]),
}


@pytest.mark.parametrize("case", sorted(CROSS))
def test_cross_references_of_meso_terms_evidence_and_scripts(case):
    """Each case's messages, exactly: unknown names (with did-you-mean), MESO terms of each
    issue kind, evidence lists of every section, each script template's slots and indexes."""
    text, expected = CROSS[case]
    issues = ISSUES.replace("walk_away: 130}", "walk_away: 130, basis: [ev, e4]}") if case == "refs" else ISSUES
    assert problems(HEAD + issues + text) == expected
