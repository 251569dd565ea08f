"""Real PDFs from the example playbooks: text, table of contents, bookmarks, metadata,
determinism. Slow (WeasyPrint): select with `-m pdf`, skip with `-m "not pdf"`."""

from __future__ import annotations

import io
import shutil

from conftest import REPO

EXAMPLES = REPO / "playbooks"

import pytest
from pypdf import PdfReader


pytestmark = pytest.mark.pdf


def _build(root, out, jobs):
    from negdocs.build import build

    return build(out=root / out, pdf=True, jobs=jobs, root=root)


@pytest.fixture(scope="module")
def built(examples_pdf):
    return examples_pdf  # one build of the examples for this module and test_pdf_pages.py


@pytest.fixture(scope="module")
def project(built):
    return built.out.parent


def _reader(built, name) -> PdfReader:
    return PdfReader(io.BytesIO((built.out / name).read_bytes()))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_one_pdf_per_deal_and_no_weasyprint_warnings(built):
    pages = [f for f in built.files if f.endswith(".html") and f != "index.html"]
    assert sorted(f.replace(".html", ".pdf") for f in pages) == sorted(f for f in built.files if f.endswith(".pdf"))
    assert len(pages) == 5
    assert built.pdf_warnings == []


def test_pdfs_hold_the_deals_own_facts(built):
    text = _text(_reader(built, "acme-renewal.pdf"))
    for fact in ("ACME", "Dana", "USD"):
        assert fact in text


def test_metadata(built):
    meta = _reader(built, "acme-renewal.pdf").metadata
    assert meta["/Title"].startswith("ACME")
    assert meta["/Author"]
    assert "sales" in meta["/Subject"]
    assert meta["/Keywords"]


def test_bookmarks_and_table_of_contents(built):
    reader = _reader(built, "acme-renewal.pdf")
    titles = _outline_titles(reader.outline)
    for section in ("At a glance", "Readiness", "Preparation", "Scripts", "Checklist", "References"):
        assert section in titles
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents and "Readiness" in contents
    assert any(ch.isdigit() for ch in contents)


def test_page_header_and_footer(built):
    reader = _reader(built, "acme-renewal.pdf")
    total = len(reader.pages)
    assert f"Page 2 of {total}" in reader.pages[1].extract_text()


def test_builds_are_byte_identical_and_jobs_do_not_matter(project, built):
    again = _build(project, "build-again", 1)
    for name in built.files:
        assert (built.out / name).read_bytes() == (again.out / name).read_bytes(), name


def test_filled_script_lines_are_in_the_pdf(project, built):
    from negdocs.deals import load_one
    from negdocs.project import Project
    from negdocs.render.scripts import fill
    from negdocs.analyse.strategy import load_packs

    packs = load_packs(project)
    loaded, _ = load_one(Project.load(project), packs, project / "playbooks/sales/acme-renewal.yaml", False)
    lines = fill(loaded.deal, packs[loaded.deal.strategy])
    text = "".join(_text(_reader(built, "acme-renewal.pdf")).split())
    assert len(lines) >= 5
    for line in lines:
        assert "".join(line.text.split()) in text, line.text


def test_internal_pdf_carries_the_confidentiality_label(built):
    reader = _reader(built, "acme-renewal.pdf")
    assert reader.metadata["/confidentiality"].startswith("Confidential")
    assert all("Confidential" in page.extract_text() for page in reader.pages)


def test_recycled_workers_print_the_same_pdfs(tmp_path, monkeypatch):
    import negdocs.render.pdf
    from negdocs.build import build

    (tmp_path / "playbooks").mkdir()
    for n in range(3):
        (tmp_path / "playbooks" / f"g{n}.yaml").write_text(f"format: negdocs/v1\ntitle: Guide {n}\ncontext: hiring\n")
    normal = build(root=tmp_path, out=tmp_path / "a", jobs=2)
    monkeypatch.setattr(negdocs.render.pdf, "RECYCLE", 1)  # a new pool for every document per worker
    recycled = build(root=tmp_path, out=tmp_path / "b", jobs=2)
    pdfs = [name for name in normal.files if name.endswith(".pdf")]
    assert len(pdfs) == 3 and pdfs == [name for name in recycled.files if name.endswith(".pdf")]
    for name in pdfs:
        assert (normal.out / name).read_bytes() == (recycled.out / name).read_bytes()


def test_kept_workers_print_every_build_the_same_and_a_dead_one_is_replaced(tmp_path):
    """serve --pdf keeps its PDF workers between rebuilds: the same processes print each
    build, byte for byte as fresh ones do; one that died between builds is replaced."""
    import os
    import signal
    import time

    from negdocs.build import build
    from negdocs.render import pdf

    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "g.yaml").write_text("format: negdocs/v1\ntitle: Guide\ncontext: hiring\n")
    fresh = build(root=tmp_path, out=tmp_path / "fresh", jobs=1)
    with pdf.keep_warm(1):
        pool = pdf._WARM["pool"]
        outs = [build(root=tmp_path, out=tmp_path / name, jobs=1, force=True) for name in ("a", "b")]
        assert pdf._WARM["pool"] is pool and pdf._WARM["printed"] == 2
        for worker in list(pool._processes.values()):
            os.kill(worker.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not getattr(pool, "_broken", False) and time.monotonic() < deadline:
            time.sleep(0.05)
        outs.append(build(root=tmp_path, out=tmp_path / "c", jobs=1, force=True))
        assert pdf._WARM["pool"] is not pool
    assert pdf._WARM == {}
    for out in outs:
        assert (out.out / "g.pdf").read_bytes() == (fresh.out / "g.pdf").read_bytes()


@pytest.fixture(scope="module")
def localized(tmp_path_factory):
    """One example deal (the largest) built in German, French and Spanish, both editions, with PDFs."""
    from negdocs.build import build

    import shutil

    from conftest import EXAMPLES, REPO

    root = tmp_path_factory.mktemp("pdf-locales")
    (root / "playbooks").mkdir()
    shutil.copy(EXAMPLES / "sales" / "acme-renewal.yaml", root / "playbooks")
    shutil.copy(REPO / "negdocs.yaml", root)  # the example's sign-offs name the roles of its matrix
    return {locale: build(out=root / locale, pdf=True, jobs=2, edition="all", root=root, locale=locale)
            for locale in ("de", "fr", "es")}


@pytest.mark.parametrize("locale, page_of, section", [("de", "Seite 2 von", "Auf einen Blick"),
                                                      ("fr", "Page 2 sur", "En bref"),
                                                      ("es", "Página 2 de", "De un vistazo")])
def test_localized_pdfs(localized, locale, page_of, section):
    """The PDF's language (/Lang, from <html lang>), tagged PDF/UA, no WeasyPrint warning, its words translated."""
    built = localized[locale]
    assert built.pdf_warnings == []
    for name in ("acme-renewal.pdf", "proposal/acme-renewal.pdf"):
        reader = _reader(built, name)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == locale, name
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], name
        assert b"pdfuaid" in root["/Metadata"].get_object().get_data(), name  # declared PDF/UA-1
    for name in ("acme-renewal.pdf", "proposal/acme-renewal.pdf"):
        assert page_of in _reader(built, name).pages[1].extract_text(), name
    reader = _reader(built, "acme-renewal.pdf")
    assert section in _outline_titles(reader.outline)
