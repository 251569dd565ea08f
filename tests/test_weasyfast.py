"""The user-agent sheet weasyfast gives a document (patch 7, negdocs/render/weasyfast/cascade.py): lean
only when nothing in the document could use the rules it drops, and then the same pages."""

from __future__ import annotations

import pytest

weasyprint = pytest.importorskip("weasyprint")

from negdocs.render import weasyfast  # noqa: E402
from negdocs.render.weasyfast import cascade, lines, writing  # noqa: E402

PLAIN = "<html><head><style>p { color: #333 } li { margin: 0 }</style></head><body><ul><li>One</li></ul></body></html>"


@pytest.fixture(scope="module")
def patched():
    if not weasyfast.install():
        pytest.skip("another WeasyPrint release: the patches are not applied")
    return weasyprint.HTML._ua_stylesheets


def root(html: str):
    return weasyprint.HTML(string=html).etree_element


@pytest.mark.parametrize("html", [
    '<html><head><link rel="Stylesheet" href="site.css"></head><body></body></html>',
    "<style>@import url(more.css);</style><p>x</p>",
    "<style>aside { float: FootNote }</style><p>x</p>",
    "<style>aside { position: note( side ) }</style><p>x</p>",
    "<style>p { display: list-item }</style><p>x</p>",
    '<p style="display:list-item">x</p>',
    '<div><span style="float: footnote">x</span></div>',
    # CSS escapes spell the same names (found in review: an escaped footnote crashed the render)
    r"<style>.fn { float: foot\note }</style><p>x</p>",
    r"<style>div { display: list\-item }</style><p>x</p>",
    r"<style>@\import url(more.css);</style><p>x</p>",
    r"<style>aside { position: n\ote(side) }</style><p>x</p>",
    r'<p style="display: list\2d item">x</p>',
])
def test_a_document_that_could_use_the_dropped_rules_gets_the_full_sheet(html):
    assert weasyfast.needs_full_sheet(root(html))


@pytest.mark.parametrize("html", [
    PLAIN,
    '<html><head><link rel="icon" href="favicon.png"><!-- footnote --></head><body><p>A footnote, a note (in text).</p></body></html>',
    '<p style="color: red">list items are words here</p>',
    r'<style>th button::after { content: " \25B2" } /* an escape that names nothing */</style><p>x</p>',
])
def test_a_document_whose_styles_name_none_of_them_gets_the_lean_sheet(html):
    assert not weasyfast.needs_full_sheet(root(html))


def test_the_lean_sheet_drops_the_five_note_rules_and_keeps_markers_on_list_items():
    from weasyprint import html as html_module

    full = html_module.UA
    lean = weasyfast.lean_sheet_text(full)
    removed = [line for line in full.splitlines() if line not in lean.splitlines()]
    assert sorted(line.split(" {")[0] for line in removed) == [
        "::footnote-call", "::footnote-marker", "::marker", "::note-call", "::note-callback", "::note-marker"]
    assert "\nli::marker { font-variant-numeric: tabular-nums" in lean
    assert len(lean.splitlines()) == len(full.splitlines()) - 5
    # Another release's sheet (a rule renamed or gone): the full sheet, never a guess.
    assert weasyfast.lean_sheet_text(full.replace("::note-callback", "::note-back")) is None
    assert weasyfast.lean_sheet_text(full.replace("\n::marker {", "\n::marker, x {")) is None
    assert weasyfast.lean_sheet_text(full + "::note-call { color: red }\n") is None


def laid_out(html: str) -> list[tuple]:
    """(page number, box) for every box of every page of ``html``, in order."""
    return [(number, box) for number, page in enumerate(weasyprint.HTML(string=html).render().pages)
            for box in page._page_box.descendants()]


def first_text_style(html: str):
    return next(box.style for _, box in laid_out(html) if type(box).__name__ == "TextBox")


def boxes_of(html: str) -> list[tuple]:
    return [(box.element_tag, type(box).__name__, getattr(box, "text", None), round(box.position_x, 2),
             round(box.position_y, 2), round(box.width, 2)) for _, box in laid_out(html)]


# ::marker keeps a marker's case and spaces (text-transform: none, white-space: pre) in list items.
ESCAPED = (r"<style>@page { size: A6 } .fn { float: foot\note } div { display: list\-item; list-style: lower-alpha inside;"
           r" text-transform: uppercase }</style><div>one</div><p>Claim<span class=fn>Source</span></p>")
# hyphenate-limit-zone as calc() with a percentage stays a calc() in the computed style; two
# different ones used to share their line splits through a lossy key (found in review)
WORDS_DE = "Internationalization characteristically extraordinarily uncharacteristically " * 3
ZONES = "".join(f'<p lang=en style="width: 52mm; hyphens: auto; text-decoration: underline; '
                f'hyphenate-limit-zone: calc({zone}% + 0px)">{WORDS_DE}</p>' for zone in (0, 90))
LISTS = ("<style>@page { size: A6 } ol { list-style-position: inside } ol li::marker { color: red }"
         " li { text-transform: uppercase } .x { list-style: 'step  ' inside }</style>"
         "<ol><li>First</li><li>Second<ul class=x><li>Inner</li></ul></li></ol><p>After</p>")
FOOTNOTES = ("<style>@page { size: A6 } .fn { float: footnote }</style>"
             "<p>Claim<span class=fn>Source</span> and more.</p>")


@pytest.mark.parametrize("html", [LISTS, FOOTNOTES, ESCAPED], ids=["lists", "footnotes", "escaped"])
def test_pages_are_laid_out_as_with_the_full_sheet(patched, html):
    lean_or_full = boxes_of(html)
    weasyprint.HTML._ua_stylesheets = patched.original
    try:
        full = boxes_of(html)
    finally:
        weasyprint.HTML._ua_stylesheets = patched
    assert lean_or_full == full
    texts = [text for _, _, text, *_ in full if text]
    assert "1" in texts or any(t.startswith("1") for t in texts)  # the list's and the footnote's numbers


WORDS = "Supercalifragilistic expialidocious antidisestablishmentarianism and a few short words to wrap"
STYLES = ("font-size: 8pt", "font-size: 20pt", "font-weight: bold", "letter-spacing: 3pt", "word-spacing: 30pt",
          "white-space: nowrap", "font-family: monospace", "font-style: italic", "text-align: justify",
          "hyphens: auto", "text-decoration: underline", "text-transform: uppercase", "direction: rtl")


def geometry(html: str) -> list[tuple]:
    return [(page_number, box.element_tag, type(box).__name__, getattr(box, "text", None), round(box.position_x, 3),
             round(box.position_y, 3), round(box.width, 3), round(box.height, 3))
            for page_number, box in laid_out(html)]


def unremembered_geometry(html: str) -> list[tuple]:
    """``geometry`` with WeasyPrint's own line splitting, the memo taken out."""
    from weasyprint.layout import inline, preferred

    remembered = inline.split_first_line
    inline.split_first_line = preferred.split_first_line = remembered.original
    try:
        return geometry(html)
    finally:
        inline.split_first_line = preferred.split_first_line = remembered


def test_remembered_lines_lay_the_normal_flow_out_as_weasyprint_does(patched):
    """The same text in another style, width or place is split again, never taken from another's."""
    paragraphs = "".join(f'<p lang="en" style="{style}">{WORDS}</p><div style="width: 40mm"><p style="{style}">{WORDS}</p></div>'
                         for style in STYLES)
    cells = "".join(f'<td style="{style}">{WORDS}</td>' for style in STYLES[:8])
    html = (f"<style>@page {{ size: A6 }} p {{ margin: 0 }}</style>{paragraphs}{paragraphs}"
            f"<table><tr>{cells}</tr></table>")
    plain = unremembered_geometry(html)
    assert geometry(html) == plain
    assert geometry(html) == plain  # the second time every split is a remembered one
    assert len({round(w) for *_, w, _ in plain if w}) > 20  # the styles do make different lines


def test_each_caller_gets_its_own_layout(patched):
    from weasyprint.layout import inline

    text_style = first_text_style("<p>x</p>")
    first = inline.split_first_line(WORDS, text_style, None, 200, 0)
    second = inline.split_first_line(WORDS, text_style, None, 200, 0)
    assert first[1:] == second[1:] and first[0] is not second[0]
    assert vars(first[0]) == vars(second[0]) and "layout" not in vars(first[0])
    line = first[0].text
    first[0].text = "changed by the first caller"  # drawing may set an ellipsis
    third = inline.split_first_line(WORDS, text_style, None, 200, 0)
    assert third[0].text == second[0].text != "changed by the first caller"
    second[0].text = "changed by a remembered one's caller"
    assert inline.split_first_line(WORDS, text_style, None, 200, 0)[0].text == line


def test_a_style_value_without_an_exact_key_is_split_as_weasyprint_splits_it(patched):
    plain = unremembered_geometry(ZONES)
    assert geometry(ZONES) == plain
    heights = [h for _, tag, kind, _, _, _, _, h in plain if tag == "p" and kind == "BlockBox"]
    assert len(heights) == 2 and heights[0] != heights[1]  # the zones do hyphenate differently


def test_style_keys_compare_values_exactly():
    assert weasyfast.style_key({"a": {"underline", "overline"}, "b": ["x", "y"]}, ("a", "b")) == (
        frozenset({"underline", "overline"}), ("x", "y"))
    assert weasyfast.style_key({"a": {"underline"}}, ("a",)) != weasyfast.style_key({"a": ("underline",)}, ("a",))
    assert weasyfast.style_key({"a": [{}]}, ("a",)) is None  # cannot be hashed: no key, no memo
    assert weasyfast.style_key({"a": "x", "b": 2}, ("a",)) == ("x",)  # one name: still a tuple of values
    assert weasyfast.style_key({"a": "x", "b": ("y",)}, ("b", "a")) == (("y",), "x")  # hashable as they come


def test_a_style_without_a_key_is_never_remembered(patched, monkeypatch):
    """When ``style_key`` gives no key, each split is WeasyPrint's own, never another style's."""
    from weasyprint.layout import inline

    small, large = [box.style for _, box in laid_out('<p style="font-size: 8pt">a</p><p style="font-size: 20pt">b</p>')
                    if type(box).__name__ == "TextBox"]
    monkeypatch.setattr(lines, "style_key", lambda style, names: None)  # the key the memo asks for
    widths = [inline.split_first_line("unkeyed words", style, None, 500, 0)[3] for style in (small, large, small)]
    assert widths[0] < widths[1] and widths[0] == widths[2]


def test_a_pdf_with_an_identifier_is_written_with_each_object_serialized_once(patched, monkeypatch):
    """Patch 8: pydyf serialized every object twice (the file ID hashes them all); the bytes are
    kept during the write instead, and the file is the same, byte for byte."""
    import collections

    import pydyf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    document = weasyprint.HTML(string=PLAIN.replace("One", "One<p>Two</p>" * 40)).render()
    made = collections.Counter()
    for cls in (pydyf.Dictionary, pydyf.Array, pydyf.Stream, pydyf.String):
        original = cls.data.fget.original

        def counted(self, original=original):
            made[id(self)] += 1
            return original(self)

        monkeypatch.setattr(cls, "data", property(writing._kept(counted)))
    fast = document.write_pdf(pdf_identifier=b"deal-key")
    assert made and max(made.values()) == 1  # each object once (twice before)
    assert writing._WRITING[0] is None  # nothing kept after the write
    made.clear()
    monkeypatch.setattr(pydyf.PDF, "write", pydyf.PDF.write.original)
    plain = document.write_pdf(pdf_identifier=b"deal-key")
    assert max(made.values()) >= 2  # pydyf's own write: twice at least (nested objects once per parent)
    assert fast == plain


BOX_MODELS = (
    "<style>@page { size: A6; margin: 10% 5mm } body { margin: 0 } table { border-collapse: collapse }"
    " .s td { border: 1pt solid; padding: 1mm } .c { border-collapse: separate }</style>"
    + "".join(f'<div style="{style}"><p style="{style}">Words in a box</p></div>' for style in (
        "margin: 0", "margin: 0pt", "margin: 0.0px", "margin: 1px; padding: 3px", "margin: 0.75pt; padding: 2.25pt",
        "margin: 5% 2mm; padding: 3%", "padding: 1em 2ex",
        "width: 50%; box-sizing: border-box; padding: 10pt; border: 2pt solid",
        "width: 60%; box-sizing: padding-box; padding: 5%", "min-width: 30%; max-width: 80mm; height: 20pt",
        "height: 50%; min-height: 1cm; max-height: 90%", "width: calc(50% - 3mm); margin-left: calc(10% + 1pt)",
        "margin: auto; width: 40mm", "border: 3pt double; padding: 1pt 2pt 3pt 4pt"))
    + "<table class=s><tr><td>A</td><td style='width: 30%'>B</td></tr></table>"
    + "<table class='s c'><tr><td>C</td><td style='padding: 2%'>D</td></tr></table>")
USED = ("margin_left", "margin_right", "margin_top", "margin_bottom", "padding_left", "padding_right", "padding_top",
        "padding_bottom", "width", "height", "min_width", "max_width", "min_height", "max_height",
        "border_top_width", "border_left_width", "position_x", "position_y")


def used_values(html: str) -> list[tuple]:
    return [(box.element_tag, type(box).__name__,
             *((name, type(getattr(box, name, None)).__name__, getattr(box, name, None)) for name in USED))
            for _, box in laid_out(html)]


def test_remembered_used_values_are_weasyprints_own(patched, monkeypatch):
    """Patch 9: margins, paddings, sizes and borders as resolve_percentages sets them, value and
    type (0 and 0.0 alike are kept apart), for percentages, calc(), box-sizing, collapsed borders
    and pages; the first render fills the memo, the second takes every plain box from it."""
    from weasyprint.layout import percent

    remembered = percent.resolve_percentages
    cascade._USED.clear()
    first = used_values(BOX_MODELS)
    assert cascade._USED  # remembered
    again = used_values(BOX_MODELS)
    for module in ("absolute", "block", "column", "float", "grid", "inline", "page", "percent", "table"):
        monkeypatch.setattr(f"weasyprint.layout.{module}.resolve_percentages", remembered.original)
    plain = used_values(BOX_MODELS)
    assert first == plain and again == plain
    assert len({row[2:] for row in plain}) > 20  # the boxes do differ


LEADERS = ("<style>@page { size: A6 } body { font-family: DejaVu Sans } li a::after { content: leader('{dots}') target-counter(attr(href), page) }"
           " .rtl { direction: rtl } .narrow { width: 30mm }"
           " .wide a::after { content: leader('=================================================') }</style>"
           "<ol><li><a href='#a'>A short entry</a></li>"
           "<li><a href='#a'>An entry long enough to wrap onto a second line before its leader and number</a></li>"
           "<li class=narrow><a href='#a'>Entry that leaves no room for a dot</a></li>"
           "<li class=rtl><a href='#a'>From right to left</a></li>"
           "<li class=wide><a href='#a'>No room for one copy</a></li></ol><h1 id=a>Target</h1>")


def leader_geometry(html: str) -> list[tuple]:
    """Every box of every line; the text boxes of a leader as one (text joined, leftmost place)."""
    rows = []
    for page in weasyprint.HTML(string=html).render().pages:
        boxes = list(page._page_box.descendants())
        in_leaders = {id(child) for box in boxes if getattr(box, "is_leader", False) for child in box.children}
        for box in boxes:
            if getattr(box, "is_leader", False):
                children = sorted(box.children, key=lambda child: child.position_x)
                rows.append(("leader", "".join(child.text for child in children), len(children) > 0,
                             *((round(children[0].position_x, 3), round(children[0].position_y, 3)) if children else ()),
                             round(sum(child.width for child in children), 1)))
            elif id(box) not in in_leaders and type(box).__name__ == "TextBox":
                rows.append((box.text, round(box.position_x, 3), round(box.position_y, 3), round(box.width, 3)))
    return rows


@pytest.mark.parametrize("dots", [".", ". ", "-~", "VA", "f"])
def test_leaders_are_placed_as_weasyprint_places_its_copies(patched, monkeypatch, dots):
    """Patch 1: stand-ins instead of ~100 box copies a line, then one merged box: the same dots
    (joined), from the same leftmost place, over the same width; the page numbers where they were."""
    from weasyprint.layout import inline

    html = LEADERS.replace("{dots}", dots)
    merged = leader_geometry(html)
    monkeypatch.setattr(inline, "handle_leader", inline.handle_leader.original)
    plain = leader_geometry(html)
    assert merged == plain
    copies = [len(row[1]) // len(dots) for row in plain if row[0] == "leader"]
    assert len(copies) == 5 and copies[-1] == 0 and min(copies[:-1]) >= 1 and max(copies) >= 3


SVG_LABELS = ('<svg width="300" height="90" font-family="sans-serif">'
              + "".join(f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}">Walk-away 1,200</text>'
                        for x, y, size, weight in ((5, 20, 12, 400), (5, 45, 12, 700), (150, 20, 18, 400), (5, 80, 12, 400)))
              + "</svg>")


def test_svg_labels_are_laid_out_and_drawn_as_without_the_memo(patched, monkeypatch):
    """Charts' SVG labels split their text through the same memo (patch 5): the same PDF, and a
    document with its own fonts and no layout context keeps WeasyPrint's own split."""
    from weasyprint.text import line_break

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    remembered = line_break.split_first_line
    lines._LINES.clear()
    memo = weasyprint.HTML(string=SVG_LABELS * 2).write_pdf()
    assert any(key[0] == "Walk-away 1,200" for key in lines._LINES)  # the labels went through the memo
    monkeypatch.setattr(line_break, "split_first_line", remembered.original)
    assert weasyprint.HTML(string=SVG_LABELS * 2).write_pdf() == memo
    style = first_text_style("<p>x</p>")
    monkeypatch.setattr(style.font_config, "_folder", "/tmp/fonts-of-the-document", raising=False)
    assert remembered("Walk-away", style, None, None, 0)[3] > 0  # no context to keep it in: split, not kept


PAGED = ("<style>@page { size: A6; margin: 12mm; @top-left { content: 'Running head' } } h1 { color: #123456 }"
         " p::after { content: ' (end)' }</style><h1>Title</h1><p>Body text.</p>")


def test_a_stylesheet_parsed_once_per_worker_prints_the_same_pages(patched, monkeypatch):
    """Patch 11: the second document with the same <style> takes the parsed sheet (matcher and
    @page rules, margin boxes included) and prints what a fresh parse prints."""
    import tinycss2

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cascade._SHEETS.clear()
    first = weasyprint.HTML(string=PAGED).write_pdf()
    parsed = []
    parse = tinycss2.parse_stylesheet
    monkeypatch.setattr(tinycss2, "parse_stylesheet", lambda css, **kw: parsed.append(css) or parse(css, **kw))
    second = weasyprint.HTML(string=PAGED).write_pdf()
    assert not [css for css in parsed if "Running head" in css]  # taken from the memo, not parsed
    monkeypatch.setattr(weasyprint.CSS, "__init__", weasyprint.CSS.__init__.original)
    fresh = weasyprint.HTML(string=PAGED).write_pdf()
    assert [css for css in parsed if "Running head" in css] and first == second == fresh
    monkeypatch.undo()
    page = weasyprint.HTML(string=PAGED).render().pages[0]
    assert round(page.width) == round(105 * 96 / 25.4)  # @page size came with the shared sheet


@pytest.mark.parametrize("css", [
    "@font-face { font-family: X; src: url(x.woff) } p { color: red }",
    "@import url(more.css); p { color: red }",
    "@layer base { p { color: red } }",
    "@counter-style thumbs { system: cyclic; symbols: '+'; } p { color: red }",
    r"@counter-st\79 le thumbs { system: cyclic; symbols: '+'; } p { color: red }",  # an escape spells it too
])
def test_a_stylesheet_whose_parsing_reaches_beyond_it_is_parsed_each_time(patched, css):
    cascade._SHEETS.clear()
    weasyprint.HTML(string=f"<style>{css}</style><p>x</p>", base_url="file:///nonexistent/").render()
    assert not cascade._SHEETS


def test_an_escape_outside_at_rule_names_keeps_the_sheet_shared(patched):
    cascade._SHEETS.clear()
    weasyprint.HTML(string=r'<style>th::after { content: " \25B2" }</style><p>x</p>').render()
    assert len(cascade._SHEETS) == 1


def test_a_stylesheet_that_logs_a_warning_logs_it_in_every_document(patched, caplog):
    cascade._SHEETS.clear()
    broken = "<style>p { color: red; colour: blue } h1 { font-size: 2em }</style><p>x</p>"
    for _ in range(2):
        weasyprint.HTML(string=broken).render()
    assert sum("colour" in record.getMessage() for record in caplog.records) == 2
    assert not cascade._SHEETS


def test_a_memo_is_emptied_when_it_holds_its_limit():
    """The memos' one bound (keys.kept): memory stays capped however many documents a worker prints."""
    from negdocs.render.weasyfast.keys import kept

    memo: dict = {}
    assert [kept(memo, n, n * 10, 3) for n in range(4)] == [0, 10, 20, 30]
    assert memo == {3: 30}  # the fourth found three and started again
