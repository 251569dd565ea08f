"""The user-agent sheet weasyfast gives a document (patch 7 in negdocs/render/weasyfast.py): lean
only when nothing in the document could use the rules it drops, and then the same pages."""

from __future__ import annotations

import pytest

weasyprint = pytest.importorskip("weasyprint")

from negdocs.render import weasyfast  # noqa: E402

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
])
def test_a_document_that_could_use_the_dropped_rules_gets_the_full_sheet(html):
    assert weasyfast.needs_full_sheet(root(html))


@pytest.mark.parametrize("html", [
    PLAIN,
    '<html><head><link rel="icon" href="favicon.png"><!-- footnote --></head><body><p>A footnote, a note (in text).</p></body></html>',
    '<p style="color: red">list items are words here</p>',
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


def boxes_of(html: str) -> list[tuple]:
    pages = weasyprint.HTML(string=html).render().pages
    return [(box.element_tag, type(box).__name__, getattr(box, "text", None), round(box.position_x, 2),
             round(box.position_y, 2), round(box.width, 2))
            for page in pages for box in page._page_box.descendants()]


# ::marker keeps a marker's case and spaces (text-transform: none, white-space: pre) in list items.
LISTS = ("<style>@page { size: A6 } ol { list-style-position: inside } ol li::marker { color: red }"
         " li { text-transform: uppercase } .x { list-style: 'step  ' inside }</style>"
         "<ol><li>First</li><li>Second<ul class=x><li>Inner</li></ul></li></ol><p>After</p>")
FOOTNOTES = ("<style>@page { size: A6 } .fn { float: footnote }</style>"
             "<p>Claim<span class=fn>Source</span> and more.</p>")


@pytest.mark.parametrize("html", [LISTS, FOOTNOTES], ids=["lists", "footnotes"])
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
