"""Validation rules added for the security review, in process: exact messages and boundaries."""

from __future__ import annotations

from pathlib import Path

from negdocs.analyse import checks
from negdocs.analyse.strategy import load_packs
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
    assert "batna.evidence[100]: unknown evidence 'ev100x'" in found[-1] or any(
        p.endswith("batna.evidence[100]: unknown evidence 'ev100x'") for p in found)


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
