"""The text of every page of every example PDF, against tests/fixtures/pdf-pages/ (first written
from the PDFs of the commit before the PDF cost work, 5c04417; rewritten only for deliberate
changes of the printed content, such as the sign-offs of the governance release): the PDF
speed-ups in negdocs/render/weasyfast/ must leave page count, page breaks and text as they were.

The one deliberate, documented difference (bench/results.md): the contents' dot leaders are one
text run per line instead of one text object per dot, and pypdf no longer puts a space between
an entry's title and its first dot. :func:`normal` removes that space on both sides.

Regenerate after an intended change to the printed text with
`pytest tests/test_pdf_pages.py -m pdf --update-golden` and review the diff like any other.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.pdf

FIXTURES = Path(__file__).parent / "fixtures" / "pdf-pages"
SEPARATOR = re.compile(r"^=== page (\d+) ===$", re.M)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def dump(pages: list[str]) -> str:
    return "".join(f"=== page {n} ===\n{text.rstrip()}\n" for n, text in enumerate(pages, 1))


def load(text: str) -> list[str]:
    parts = SEPARATOR.split(text)[1:]
    return [body.removeprefix("\n").rstrip("\n") for body in parts[1::2]]


def normal(text: str) -> str:
    """A page's text without the deliberate difference: spaces before a dot leader."""
    return re.sub(r" +(?=\.{3})", "", text.rstrip())


def committed() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.txt"))


def test_every_example_has_a_fixture(examples_pdf, update_golden):
    pdfs = sorted(name[:-4] for name in examples_pdf.files if name.endswith(".pdf"))
    if update_golden:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        for name in pdfs:
            (FIXTURES / f"{name}.txt").write_text(dump(page_texts((examples_pdf.out / f"{name}.pdf").read_bytes())),
                                                  encoding="utf-8")
        pytest.skip("tests/fixtures/pdf-pages/ rewritten from this build: review its diff")
    assert pdfs == committed()


@pytest.mark.parametrize("name", committed())
def test_page_count_and_the_text_of_every_page(examples_pdf, name, update_golden):
    if update_golden:
        pytest.skip("fixtures rewritten: nothing compared")
    expected = load((FIXTURES / f"{name}.txt").read_text(encoding="utf-8"))
    actual = page_texts((examples_pdf.out / f"{name}.pdf").read_bytes())
    assert len(actual) == len(expected), f"{name}.pdf has {len(actual)} pages, the fixture {len(expected)}"
    for n, (want, got) in enumerate(zip(expected, actual), 1):
        assert normal(got) == normal(want), f"{name}.pdf page {n} differs from tests/fixtures/pdf-pages/{name}.txt"


def test_fixture_format_round_trips():
    pages = ["Contents\nAt a glance .... 3", "", "=== not a marker\nlast"]
    assert load(dump(pages)) == [p.rstrip() for p in pages]
    assert normal("At a glance ...... 3") == normal("At a glance...... 3") == "At a glance...... 3"
    assert normal("a. b") == "a. b"


def cell_geometry(html: str) -> list[tuple]:
    import weasyprint

    page = weasyprint.HTML(string=html).render().pages[0]._page_box
    return [(box.element_tag, round(box.position_x, 3), round(box.width, 3)) for box in page.descendants()
            if box.element_tag in ("td", "th", "span")]


def test_remembered_line_splits_lay_tables_out_as_weasyprint_does():
    """weasyfast remembers the line splits of min/max-content widths per document: the same text
    in another size, weight, spacing or white-space must be measured again, never reused."""
    from weasyprint.layout import preferred

    from negdocs.render import weasyfast

    if not weasyfast.install():
        pytest.skip("another WeasyPrint release: the patches are not applied")
    words = "Supercalifragilistic expialidocious antidisestablishmentarianism"
    cells = "".join(f'<td style="{style}">{words}</td>' for style in (
        "font-size: 8pt", "font-size: 20pt", "font-weight: bold", "letter-spacing: 3pt", "word-spacing: 30pt",
        "white-space: nowrap", "font-family: monospace", "font-style: italic"))
    html = (f"<style>@page {{ size: A4 }} table {{ width: 100% }}</style><table><tr><th>{words}</th>{cells}</tr></table>"
            f'<div style="display: grid; grid-template-columns: min-content max-content"><span>{words}</span>'
            f'<span style="font-size: 14pt">{words}</span></div>')
    remembered = preferred.split_first_line
    preferred.split_first_line = remembered.original
    try:
        plain = cell_geometry(html)
    finally:
        preferred.split_first_line = remembered
    assert cell_geometry(html) == plain
    assert len({width for _, _, width in plain}) > 4  # the styles do make different columns
