"""Forged output: no user value can start a line, open markup or hide characters, in any
format that leaves the team (diff text/markdown/json; see test_report.py for check's formats)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from negdocs.git.diff import compare, render
from negdocs.load.loader import Source
from negdocs.load.model import Deal
from negdocs.output import escape
from test_checks import BASE, DELETE, change

# Pieces an attacker would combine: line breaks of every kind, terminal and bidi controls,
# zero-width marks, workflow commands, HTML comments and tags, Markdown and format braces.
FRAGMENTS = [
    "\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\v", "\f", "\x00", "\x1b[2J", "\x7f", "\u202e", "\u2066", "\u200b",
    "\u200d", "\ufeff", "\U000e0001", "::", "::error::forged", "::warning file=a,line=1::x", " ::add-mask::x", "<!--",
    "-->", "<script>", "</details>", "&lt;", "&#96;", "`", "```", "~~", "*", "**", "_", "[x](https://evil.example)",
    "![i](x.png)", "$x$", "$$", "|", "#", "# ", "- ", "1. ", "> ", "\\", "'", '"', "%", "%0A", "{}", "{0}", "{title}", " ",
    "\t", "@team", ":warning:", "<https://evil.example>", "\u00a0",
]
HOSTILE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), min_size=1, max_size=8).map("".join)

# Markdown as GitHub reads it: raw HTML on, tables, strikethrough and $math$.
MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(dollarmath_plugin)
MARKUP = {"html_inline", "html_block", "code_inline", "code_block", "fence", "link_open", "image", "em_open",
          "strong_open", "s_open", "math_inline", "math_block", "hardbreak", "table_open", "hr", "blockquote_open",
          "ordered_list_open"}


def hostile_diff(value: str):
    """BASE against a version where every kind of user text is ``value``: top-level fields,
    an issue name, counterparty, BATNA, list item names and fields, and a finding quoting it."""
    old = change(people=[{"name": value, "role": "CFO"}])()
    new = change(title=value, owner=value, summary=value, issues__0__name=value, counterparty__name=value,
                 batna__summary=value, evidence__0__summary=value, meso__0__name=value, concessions__0__item=value,
                 concessions__0__give=value, concessions__0__get=DELETE, deadlines__0__what=value,
                 implementation__0__task=value, escalation__0__step=value, people=[{"name": value, "role": value}])()
    new["issues"] = new["issues"][:1]  # meso-unbalanced fires and quotes the MESO names as they are
    a, b = Deal.model_validate(old), Deal.model_validate(new)
    return compare(a, b, Source(Path("o"), "o", old, {}), Source(Path("n"), "n", new, {}), "old.yaml", value)


@settings(max_examples=40, deadline=None)
@given(value=HOSTILE)
@example(value="x\n::error file=a.yaml,line=1::22,000 USD more room conceded")
@example(value="<!-- hidden")
def test_diff_values_cannot_forge_lines_or_markup(value):
    d = hostile_diff(value)
    items = len(d.changes) + len(d.new_findings) + len(d.cleared_findings)
    assert ("people", "role") in {(c.section, c.field) for c in d.changes}  # a changed item named by the value
    assert d.new_findings and any("Lower price" not in f and "meso-unbalanced" in f for f in d.new_findings)

    text = render([d], "text").splitlines()
    assert len(text) == 1 + items
    assert text[0].startswith("old.yaml -> ") and all(line.startswith("  ") for line in text[1:])
    assert all(line.isprintable() and not line.lstrip().startswith("::") for line in text)

    md = render([d], "markdown")
    assert len(md.splitlines()) == 4 + items + 1
    assert md.replace("\n", "").isprintable()
    for raw in ("<", "-->", "`", "::", "$"):
        assert raw not in md.replace("\\$", "")
    tokens = [t for block in MD.parse(md) for t in [block, *(block.children or [])]]
    assert [t.type for t in tokens if t.type == "heading_open"] == ["heading_open"]
    assert sum(t.type == "list_item_open" for t in tokens) == items
    assert not MARKUP & {t.type for t in tokens}

    data = json.loads(render([d], "json"))[0]
    assert (data["title"], data["new"]) == (value, value)
    assert render([d], "json").replace("\n", "").isprintable()


@settings(max_examples=200, deadline=None)
@given(value=HOSTILE | st.text())
def test_markdown_escape_renders_as_the_visible_text_and_nothing_else(value):
    children = MD.parseInline(f"x {escape.markdown(value)} x")[0].children
    assert {c.type for c in children} <= {"text", "text_special"}
    assert "".join(c.content for c in children) == f"x {escape.visible(value)} x"


@settings(max_examples=200, deadline=None)
@given(value=HOSTILE | st.text())
@example(value="- item")
@example(value="1. first")
@example(value="    code")
@example(value="=== ")
def test_markdown_escape_opens_no_block_at_the_start_of_a_line(value):
    """A value alone on a line (a table cell, a list of approvals...) is one plain paragraph."""
    tokens = MD.parse(escape.markdown(value))
    if not value:
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {c.type for c in tokens[1].children} <= {"text", "text_special"}
    assert "".join(c.content for c in tokens[1].children) == escape.visible(value)


@settings(max_examples=200, deadline=None)
@given(value=HOSTILE | st.text())
def test_text_escape_is_one_printable_line_that_cannot_start_a_command(value):
    shown = escape.text(value)
    assert shown.isprintable() and shown == shown.strip() and not shown.startswith(":")
    if shown != value:
        assert shown[0] == shown[-1] == "'"


@pytest.mark.parametrize("value, text, markdown", [
    ("Pilot", "Pilot", "Pilot"),
    ("it's fine", "it's fine", "it's fine"),
    ("", "''", ""),
    ("a\nb", r"'a\nb'", r"a\\nb"),
    ("::error::x", r"'::error::x'", r"\:\:error\:\:x"),
    (" padded ", "' padded '", "&#32;padded&#32;"),
    ("- not a list", "- not a list", r"\- not a list"),
    ("12) not a list", "12) not a list", r"12\) not a list"),
    ("'quoted'", r"'\'quoted\''", "'quoted'"),
    ("right\u202eleft", r"'right\u202eleft'", r"right\\u202eleft"),
    ("tag\U000e0001", r"'tag\U000e0001'", r"tag\\U000e0001"),
    ("nul\x00del\x7fnel\x85", r"'nul\x00del\x7fnel\x85'", r"nul\\x00del\\x7fnel\\x85"),
    ("<!-- hide -->", "<!-- hide -->", r"&lt;\!-- hide --&gt;"),
    ("`code` & *em* _u_ [l](u) ~~s~~ | $5 #3", "`code` & *em* _u_ [l](u) ~~s~~ | $5 #3",
     r"&#96;code&#96; &amp; \*em\* \_u\_ \[l\](u) \~\~s\~\~ \| \$5 \#3"),
    ('say "hi" \\ {0}', 'say "hi" \\ {0}', r"say &quot;hi&quot; \\ {0}"),
])
def test_escape_examples(value, text, markdown):
    assert escape.text(value) == text
    assert escape.markdown(value) == markdown


def test_text_quote_forces_quotes():
    assert escape.text("Pilot", quote=True) == "'Pilot'"
    assert escape.text("it's", quote=True) == r"'it\'s'"


def test_json_escapes_what_json_leaves_raw():
    value = "a\u2028b\u202ec\x7fd\x85e\U000e0001f\ud800€"
    out = escape.json_text({"k": value}, indent=None)
    assert out == '{"k": "a\\u2028b\\u202ec\\u007fd\\u0085e\\udb40\\udc01f\\ud800€"}'
    assert json.loads(out) == {"k": value}


def test_workflow_command_parts():
    assert escape.workflow_data("50% off\r\nnext ::error::x \u202e") == r"50%25 off%0D%0Anext ::error::x \u202e"
    assert escape.workflow_property("a,b:c%\n.yaml") == "a%2Cb%3Ac%25%0A.yaml"


def test_clip_names_a_long_value_without_echoing_it():
    assert escape.clip("x" * 5000) == "x" * 80 + "..."
    assert escape.clip("short") == "short"
