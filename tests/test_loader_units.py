"""The loader's rules one by one, in process and fast: exact data, lines and messages.

These pin down every limit at its boundary and every message word for word, so a change to
the loader that the CLI-level tests would not notice still fails here (they are the tests
that kill the loader's mutants; see tests/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from negdocs.errors import NegdocsError
from negdocs.load import loader
from negdocs.load.loader import MAX_DEPTH, MAX_NODES, MAX_TEXT, Source, dotted, parse, read_source

HEAD = "format: negdocs/v1\n"


def fails(text: str) -> str:
    """The one problem of ``text``, as printed."""
    with pytest.raises(NegdocsError) as caught:
        parse(text, "f.yaml")
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_plain_data_and_the_line_of_every_value():
    data, lines = parse("a: 1\nb:\n  - x\n  - {c: 2.5, d: true, e: null}\nf: 2027-01-31\n", "f.yaml")
    assert data == {"a": 1, "b": ["x", {"c": 2.5, "d": True, "e": None}], "f": dt.date(2027, 1, 31)}
    assert lines == {(): 1, ("a",): 1, ("b",): 2, ("b", 0): 3, ("b", 1): 4, ("b", 1, "c"): 4, ("b", 1, "d"): 4,
                     ("b", 1, "e"): 4, ("f",): 5}
    source = Source(None, "f.yaml", data, lines)
    assert source.line(("b", 1, "c")) == 4
    assert source.line(("b", 1, "missing", 3)) == 4  # nearest ancestor
    assert source.line(("nothing",)) == 1
    assert source.line(()) == 1


def test_dotted_paths_shorten_long_keys():
    assert dotted(("issues", 0, "open")) == "issues[0].open"
    assert dotted((3, "a")) == "[3].a"
    assert dotted(("k" * 40,)) == "k" * 40
    assert dotted(("r", "k" * 41)) == "r." + "k" * 37 + "..."
    assert dotted(()) == ""


def test_depth_limit_at_its_boundary():
    def nested(depth: int) -> str:
        return "a: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"

    assert parse(nested(MAX_DEPTH), "f.yaml")[0]["a"] is not None
    assert fails(nested(MAX_DEPTH + 1)) == f"f.yaml:1: error yaml: nested more than {MAX_DEPTH} levels deep"


def test_value_limit_at_its_boundary_with_and_without_aliases():
    # the mapping counts 1, its key 1, the list 1: MAX_NODES - 3 items reach the limit exactly
    assert len(parse("a: [" + ",".join("1" * (MAX_NODES - 3)) + "]", "f.yaml")[0]["a"]) == MAX_NODES - 3
    assert fails("a: [" + ",".join("1" * (MAX_NODES - 2)) + "]") == (
        "f.yaml:1: error yaml: the file holds more than 100,000 values; a deal file this large cannot be a plan, split it")
    bomb = "a: &a [" + ",".join("1" * 1000) + "]\nb: [" + ",".join(["*a"] * 100) + "]\n"
    assert fails(bomb) == "f.yaml:2: error yaml: aliases expand to more than 100,000 values; simplify the anchors"


def test_text_limit_counts_every_alias_expansion():
    # at the limit exactly: keys count too (a, b, c), the anchor once and each of its 19 aliases
    exact = MAX_TEXT - 100_000 * 20 - 3
    for extra, fine in ((0, True), (1, False)):
        text = f"c: {'y' * (exact + extra)}\na: &a {'x' * 100_000}\nb: [" + ",".join(["*a"] * 19) + "]"
        assert (len(parse(text, "f.yaml")[0]["b"]) == 19) if fine else fails(text).endswith("simplify the anchors")
    big = "x" * 100_000
    ok = MAX_TEXT // 100_000 - 1  # the anchor itself plus its aliases stay within the limit
    assert len(parse(f"a: &a {big}\nb: [" + ",".join(["*a"] * ok) + "]", "f.yaml")[0]["b"]) == ok
    assert fails(f"a: &a {big}\nb: [" + ",".join(["*a"] * (ok + 1)) + "]") == (
        "f.yaml:2: error yaml: aliases expand to more than 2,097,152 characters of text; simplify the anchors")
    # an anchored container carries the text of what it holds
    assert fails(f"a: &a [{big}, {big}]\nb: [" + ",".join(["*a"] * (ok // 2 + 1)) + "]").endswith("characters of text; "
                                                                                                   "simplify the anchors")


def test_aliases_and_merges():
    data, _ = parse("base: &b {x: 1, y: 2}\nc: {<<: *b, y: 3}\nd: {<<: [*b, {z: 4}]}\ne: *b\n", "f.yaml")
    assert data["c"] == {"y": 3, "x": 1}  # explicit keys win over merged ones
    assert data["d"] == {"x": 1, "y": 2, "z": 4}
    assert data["e"] == {"x": 1, "y": 2}
    assert fails("a: *nothing\n") == "f.yaml:1: error yaml: unknown alias *nothing"
    assert fails("a: &a [1]\nb: {<<: *a}\n") == "f.yaml:2: error yaml: '<<' merges mappings only"
    assert fails("a: &a 1\nb: {<<: *a}\n") == "f.yaml:2: error yaml: '<<' merges mappings only"


def test_keys():
    assert fails("a: 1\nb: 2\na: 3\n") == "f.yaml:3: error yaml: duplicate key 'a' (first at line 1)"
    assert fails("1: x\n") == "f.yaml:1: error yaml: the key '1' is not text; quote it (\"1\": ...) or use a field name"
    assert fails("? [a]\n: x\n") == "f.yaml:1: error yaml: a mapping key must be a plain value"
    assert fails("? {a: 1}\n: x\n") == "f.yaml:1: error yaml: a mapping key must be a plain value"


def test_documents_and_top_level_shapes():
    assert fails("a: 1\n---\nb: 2\n") == "f.yaml:2: error yaml: more than one YAML document; a deal file holds exactly one"
    assert fails("") == ("f.yaml:1: error yaml: file is empty; a deal file is a mapping with at least format, title and "
                         "context")
    assert fails("~\n") == fails("")
    assert fails("- a\n") == "f.yaml:1: error yaml: the file holds a list; a deal file is a mapping (key: value lines)"
    assert fails("just text\n") == ("f.yaml:1: error yaml: the file holds a single value; a deal file is a mapping "
                                    "(key: value lines)")


@pytest.mark.parametrize("text, message", [
    ("a: !!python/object:os.system x\n", "tag tag:yaml.org,2002:python/object:os.system is not allowed; deal files hold plain data only"),
    ("a: !custom x\n", "tag !custom is not allowed; deal files hold plain data only"),
    ("a: !!binary aGk=\n", "tag tag:yaml.org,2002:binary is not allowed; deal files hold plain data only"),
    ("a: !!set {x}\n", "tag tag:yaml.org,2002:set is not allowed; deal files hold plain data only"),
    ("a: !!omap [x: 1]\n", "tag tag:yaml.org,2002:omap is not allowed; deal files hold plain data only"),
    ("a: !!float ''\n", "'' is not a valid float"),
    ("a: !!int x\n", "'x' is not a valid int"),
    ("a: !!bool maybe\n", "'maybe' is not a valid bool"),
])
def test_tags(text, message):
    assert fails(text) == f"f.yaml:1: error yaml: {message}"


def test_allowed_tags_and_the_non_specific_tag():
    data, _ = parse("a: !!str 12\nb: !!int '7'\nc: ! 12\nd: !!map {x: 1}\ne: !!seq [1]\nf: !!null ''\n", "f.yaml")
    assert data == {"a": "12", "b": 7, "c": 12, "d": {"x": 1}, "e": [1], "f": None}  # "!" resolves as PyYAML does


def test_dates_keep_what_is_not_a_calendar_date_as_text():
    data, _ = parse("a: 2027-01-31\nb: 2027-13-45\nc: 2027-01-31T10:00:00\nd: !!timestamp nonsense\n", "f.yaml")
    assert data == {"a": dt.date(2027, 1, 31), "b": "2027-13-45", "c": "2027-01-31T10:00:00", "d": "nonsense"}
    assert type(data["a"]) is dt.date


def test_numbers_too_large_to_print_are_refused():
    assert parse("a: 1" + ":0" * 160 + "\n", "f.yaml")[0]["a"] == 60 ** 160  # 945 bits
    assert fails("a: 1" + ":0" * 170 + "\n") == (
        "f.yaml:1: error yaml: '1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:... is a number too large to "
        "use; values stay below 1,000,000,000,000,000")


@pytest.mark.parametrize("text, message", [
    ('a: "x\\0"\n', "a: character U+0000 (a control character)"),
    ('a: ["ok", "\\x1f"]\n', "a[1]: character U+001F (a control character)"),
    ('a: {b: "\\x7f"}\n', "a.b: character U+007F (a control character)"),
    ('a: "\\x9f"\n', "a: character U+009F (a control character)"),
    ('a: "\\r"\n', "a: character U+000D (a control character)"),
    ('"\\x08": 1\n', "character U+0008 (a control character)"),
    ('a: "\\ufdd0"\n', "a: character U+FDD0 (a Unicode noncharacter)"),
    ('a: "\\uffff"\n', "a: character U+FFFF (a Unicode noncharacter)"),
    ('a: "\\U0010FFFE"\n', "a: character U+10FFFE (a Unicode noncharacter)"),
])
def test_control_characters_are_refused_after_unescaping(text, message):
    assert fails(text) == (f"f.yaml:1: error yaml: {message} is not allowed in text, also not as an escape; remove it "
                           "(text may hold tabs and newlines)")


def test_text_keeps_tabs_newlines_and_ordinary_unicode():
    data, _ = parse('a: "tab\\there\\nnext"\nb: "\\xa0\\u00e9\\u202e\\ufffd\\U0001F600"\n', "f.yaml")
    assert data == {"a": "tab\there\nnext", "b": "\xa0\u00e9\u202e\ufffd\U0001F600"}


def test_syntax_errors_name_their_line_and_tabs():
    assert fails("a: 1\nb: [\n") == "f.yaml:3: error yaml: while parsing a flow node did not find expected node content"
    assert fails("a:\n\tb: 1\n") == ("f.yaml:2: error yaml: while scanning for the next token found character that cannot "
                                     "start any token (a tab: YAML indents with spaces only)")
    assert fails("a: 1\nb: \x07\n") == ("f.yaml:2: error yaml: character #x0007 is not allowed in YAML (control characters "
                                       "must be removed)")
    assert fails("\nb: \x07\n").startswith("f.yaml:2: error yaml: character #x0007")  # the first line counts too
    assert fails("\ta: 1\n") == ("f.yaml:1: error yaml: while scanning for the next token found character that cannot "
                                 "start any token (a tab: YAML indents with spaces only)")
    long_tag = fails("a: !<" + "t" * 300 + "> x\n")
    assert long_tag.startswith("f.yaml:1: error yaml: ") and len(long_tag) < 300


def test_read_source_bytes(tmp_path):
    raw = (HEAD + "title: T\n").encode()
    source = read_source(tmp_path / "a.yaml", "a.yaml", raw=raw)
    assert source.data == {"format": "negdocs/v1", "title": "T"} and source.display == "a.yaml"
    assert source.digest == hashlib.sha256(raw).hexdigest()
    assert read_source(None, "b.yaml", raw=b"\xef\xbb\xbf" + raw).data == source.data  # a BOM is fine
    with pytest.raises(NegdocsError) as caught:
        read_source(None, "c.yaml", raw=b"a: 1\nb: \xff\n")
    assert str(caught.value) == "c.yaml:2: error yaml: not UTF-8 (byte 0xff at offset 8); save the file as UTF-8"
    with pytest.raises(NegdocsError) as caught:
        read_source(None, "d.yaml", raw=b"#" * (loader.MAX_BYTES + 1))
    assert str(caught.value) == "d.yaml:1: error yaml: file is 1,048,577 bytes; the limit is 1,048,576 bytes"
    assert read_source(None, "e.yaml", raw=b"#" * loader.MAX_BYTES, empty_ok=True).data == {}


def test_settings_may_be_empty_or_comments_only():
    for raw in (b"", b"# nothing yet\n\n   # more\n"):
        source = read_source(None, "negdocs.yaml", raw=raw, empty_ok=True)
        assert (source.data, source.lines, source.digest) == ({}, {}, hashlib.sha256(raw).hexdigest())
    assert read_source(None, "negdocs.yaml", raw=b"# c\nsite_title: X\n", empty_ok=True).data == {"site_title": "X"}
    with pytest.raises(NegdocsError):
        read_source(None, "deal.yaml", raw=b"# only a comment\n")


def test_read_from_disk_with_the_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (loader.MAX_BYTES + 1))
    with pytest.raises(NegdocsError) as caught:
        read_source(path, "big.yaml", root=tmp_path)
    assert str(caught.value) == "big.yaml:1: error yaml: file is 1,048,577 bytes; the limit is 1,048,576 bytes"
    path.write_bytes(b"a: 1\n")
    assert read_source(path, "big.yaml", root=tmp_path).data == {"a": 1}
    with pytest.raises(NegdocsError) as caught:
        read_source(tmp_path / "missing.yaml", "missing.yaml", root=tmp_path)
    assert str(caught.value) == "missing.yaml:1: error yaml: cannot read file: No such file or directory"


def test_a_missing_path_takes_the_line_of_its_nearest_ancestor():
    data, lines = parse("a:\n  b:\n    c: 1\n", "f.yaml")
    source = Source(None, "f.yaml", data, lines)
    assert source.line(("a", "b", "zz")) == 2  # ("a", "b"), not ("a",)
    assert source.line(("a", "zz", "yy")) == 1


def test_the_line_of_a_byte_that_is_not_utf8():
    for raw, line in ((b"a: 1\nb: 2\nc: \xff", 3), (b"\n\n\xff", 3), (b"\xff\n\n", 1)):
        with pytest.raises(NegdocsError) as caught:
            read_source(None, "g.yaml", raw=raw)
        assert caught.value.problems[0].line == line


def test_problems_and_sources_carry_their_display_name(tmp_path):
    empty = read_source(tmp_path / "negdocs.yaml", "shown.yaml", raw=b"# nothing\n", empty_ok=True)
    assert (empty.path, empty.display) == (tmp_path / "negdocs.yaml", "shown.yaml")
    with pytest.raises(NegdocsError) as caught:
        read_source(None, "shown.yaml", raw=b"a: [\n")
    assert caught.value.problems[0].path == "shown.yaml"


def test_the_project_root_given_is_the_one_links_are_checked_against(tmp_path):
    import os

    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n")
    (tmp_path / "project").mkdir()
    os.symlink(outside, tmp_path / "project" / "link.yaml")  # the test runs with another cwd
    with pytest.raises(NegdocsError) as caught:
        read_source(tmp_path / "project" / "link.yaml", "link.yaml", root=tmp_path / "project")
    assert str(caught.value) == ("link.yaml:1: error yaml: is a link to a file outside the project; negdocs reads only "
                                 "files inside it: replace the link with the file")
    assert read_source(tmp_path / "project" / "link.yaml", "link.yaml", root=tmp_path).data == {"a": 1}


def test_text_in_memory_is_parsed_like_a_file():
    """text_source (a git revision, an edited file): the same data, lines and exact numbers as
    read_source, a path from the display name, and the size limit counted in UTF-8 bytes."""
    text = "format: negdocs/v1\ntitle: T\nbatna:\n  value: 0.10\n"
    source = loader.text_source(text, "abc1234567:playbooks/a.yaml")
    from_file = read_source(None, "a.yaml", raw=text.encode())
    assert (source.data, source.lines, source.numbers) == (from_file.data, from_file.lines, from_file.numbers)
    assert source.numbers == {("batna", "value"): "0.10"} and source.lines[("batna", "value")] == 4
    assert (source.path, source.display, source.digest) == (Path("playbooks/a.yaml"), "abc1234567:playbooks/a.yaml", "")
    assert loader.text_source(text, "x.yaml", Path("given.yaml")).path == Path("given.yaml")
    for text, size in (("#" * (loader.MAX_BYTES + 1), loader.MAX_BYTES + 1),
                       ("é" * (loader.MAX_BYTES // 2) + "#", loader.MAX_BYTES + 1)):  # 2 bytes a character
        with pytest.raises(NegdocsError) as caught:
            loader.text_source(text, "big.yaml")
        assert str(caught.value) == f"big.yaml:1: error yaml: file is {size:,} bytes; the limit is {loader.MAX_BYTES:,} bytes"
    with pytest.raises(NegdocsError) as caught:  # under the limit in characters and in bytes: parsed
        loader.text_source("é" * (loader.MAX_BYTES // 2), "ok.yaml")
    assert "bytes; the limit" not in str(caught.value) and "a deal file is a mapping" in str(caught.value)


def test_where_a_text_s_path_and_numbers_come_from():
    assert loader.text_source("a: 1\n", "plain.yaml").path == Path("plain.yaml")  # no revision in the name
    assert loader.text_source("a: 1\n", "abc:dir:odd/a.yaml").path == Path("odd/a.yaml")
    listed = loader.text_source("a: [0.10, 2.50, x, 3]\nb: {c: 1.0}\n", "l.yaml")
    assert listed.numbers == {("a", 0): "0.10", ("a", 1): "2.50", ("b", "c"): "1.0"}  # floats only, as written
    with pytest.raises(NegdocsError) as caught:  # exactly the limit: read, then refused for what it holds
        loader.text_source("#" * loader.MAX_BYTES, "full.yaml")
    assert "bytes; the limit" not in str(caught.value)


def test_plain_yes_and_on_keys_are_names_not_booleans():
    assert parse("on: 1\nyes: 2\nno: [3]\n", "k.yaml")[0] == {"on": 1, "yes": 2, "no": [3]}
    assert parse("a: on\nb: 'yes'\n", "v.yaml")[0] == {"a": True, "b": "yes"}  # values keep YAML's reading


def test_where_a_refused_character_sits_is_named_in_at_most_80_characters():
    def where(last: int) -> str:
        keys = ["x" * 9] * 7 + ["y" * last]  # a path of 7 * 10 + last characters
        text = "".join("  " * n + key + ":\n" for n, key in enumerate(keys))[:-1] + ' "\\x07"\n'
        return fails(text).split(": error yaml: ", 1)[1].split(": character U+0007", 1)[0]

    assert where(10) == ".".join(["x" * 9] * 7 + ["y" * 10])  # 80 characters: whole
    assert where(11) == ".".join(["x" * 9] * 7)[:69] + ".yyyyyyy..."  # 81: cut to 77 and "..."
    assert fails('a: "\\x9f"\n').startswith("f.yaml:1: error yaml: a: character U+009F (a control character)")
    assert parse('a: "\\xa0"\n', "f.yaml")[0] == {"a": "\xa0"}  # a no-break space is text
