"""Stamped PDF copies: the proposal printed once, each recipient's stamp laid over every page."""

from __future__ import annotations


import pikepdf
import pytest
from pypdf import PdfReader

from test_proposal_outputs import DEAL, GUIDE

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    from conftest import Project

    project = Project(tmp_path_factory.mktemp("stamp"))
    project.write("playbooks/renewal.yaml", DEAL.format(status="draft"))
    project.write("playbooks/guide.yaml", GUIDE)
    result = project.run("build", "--edition", "proposal", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return project


def pages(project, name) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(project.root / "build/proposal" / name).pages]


def test_every_page_of_a_copy_carries_its_stamp_and_the_draft_mark(package):
    from negdocs.analyse import reference

    base = pages(package, "renewal.pdf")
    assert len(base) >= 2 and all("DRAFT" in text for text in base)
    assert not any("Prepared for Priya" in text or "Reference" in text for text in base)
    for slug, stamp in (("priya-raman", "Prepared for Priya Raman, ACME Corp Procurement · Reference "),
                        ("jose-alvarez", "Prepared for José Álvarez · Reference ")):
        copy = pages(package, f"renewal/{slug}.pdf")
        assert len(copy) == len(base)
        codes = reference.find(" ".join(copy))
        assert len(codes) == 1 and all(stamp + codes[0] in text and "DRAFT" in text for text in copy)
        html = (package.root / f"build/proposal/renewal/{slug}.html").read_text(encoding="utf-8")
        assert codes == reference.find(html)  # one code per copy, the same in every format
        other = "José" if slug == "priya-raman" else "Priya"
        assert not any(other in text for text in copy)


def roles(node) -> list[str]:
    """The structure tree's element types, depth first."""
    if isinstance(node, pikepdf.Array):
        return [role for child in node for role in roles(child)]
    if not isinstance(node, pikepdf.Dictionary):
        return []  # a marked-content id
    return ([str(node.S)] if "/S" in node else []) + (roles(node.K) if "/K" in node else [])


def test_a_copy_is_the_printed_proposal_with_an_artifact_laid_over(package):
    with pikepdf.open(package.root / "build/proposal/renewal.pdf") as base, \
            pikepdf.open(package.root / "build/proposal/renewal/priya-raman.pdf") as copy:
        assert copy.Root.MarkInfo.Marked and "/StructTreeRoot" in copy.Root  # the tagged structure is kept
        assert roles(copy.Root.StructTreeRoot) == roles(base.Root.StructTreeRoot)
        for before, after in zip(base.pages, copy.pages):
            streams = after.obj.Contents
            assert streams[0].read_bytes() == b"q\n" and b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in \
                streams[-1].read_bytes()
            assert b"".join(s.read_bytes() for s in streams[1:-1]) == before.obj.Contents.read_bytes()  # not laid out again
        subject = str(copy.docinfo.Subject)
        assert subject.startswith("sales proposal prepared for Priya Raman, ACME Corp Procurement · Reference ")
        with copy.open_metadata() as xmp:
            assert xmp["dc:description"] == subject
        assert str(base.docinfo.Subject) == "sales proposal"


def test_stamped_copies_are_byte_identical_across_builds(package):
    result = package.run("build", "--edition", "proposal", "--jobs", "1", "--force", "--out", "again")
    assert result.exit_code == 0, result.output
    for name in ("renewal.pdf", "renewal/priya-raman.pdf", "renewal/jose-alvarez.pdf"):
        assert (package.root / "build/proposal" / name).read_bytes() == (package.root / "again/proposal" / name).read_bytes()
    assert not (package.root / "again/proposal/guide.pdf").exists()


# -- negdocs trace on PDFs -------------------------------------------------------------------------

def traced(project, name: str):
    result = project.run("trace", name)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_trace_reads_a_pdf_copy(package):
    assert traced(package, "build/proposal/renewal/jose-alvarez.pdf")[:2] == (
        0, ["deal: renewal", "recipient: José Álvarez", "terms: unchanged"])


def test_trace_reads_a_copy_whose_metadata_was_stripped_and_one_printed_to_a_new_pdf(package):
    source = package.root / "build/proposal/renewal/priya-raman.pdf"
    with pikepdf.open(source) as pdf:
        del pdf.Root.Metadata, pdf.Root.StructTreeRoot, pdf.Root.MarkInfo
        pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary())
        pdf.save(package.root / "stripped.pdf")
    with pikepdf.open(source) as pdf, pikepdf.new() as printed:
        for page in pdf.pages:  # each page redrawn as a form on a new blank page, as a print driver does
            blank = printed.add_blank_page(page_size=(float(page.mediabox[2]), float(page.mediabox[3])))
            blank.add_overlay(printed.copy_foreign(page.as_form_xobject()))
        printed.save(package.root / "printed.pdf")
    for name in ("stripped.pdf", "printed.pdf"):
        assert b"Priya" not in (package.root / name).read_bytes()  # only the drawn text is left to read
        assert traced(package, name)[:2] == (0, ["deal: renewal", "recipient: Priya Raman", "terms: unchanged"])


def test_trace_refuses_a_damaged_or_exploding_pdf_without_a_traceback(package):
    import zlib

    (package.root / "damaged.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    code, _, err = traced(package, "damaged.pdf")
    assert code == 1 and err.startswith("damaged.pdf: error trace: cannot read this PDF: ")
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(b" " * 2**20) for _ in range(400)) + packer.flush()  # 400 MiB of spaces
    with pikepdf.new() as pdf:
        page = pdf.add_blank_page()
        stream = pikepdf.Stream(pdf, b"")
        stream.write(bomb, filter=pikepdf.Name.FlateDecode)
        page.obj.Contents = pdf.make_indirect(stream)
        pdf.save(package.root / "bomb.pdf")
    assert (package.root / "bomb.pdf").stat().st_size < 2**20
    code, _, err = traced(package, "bomb.pdf")
    assert code == 1 and err.startswith("bomb.pdf: error trace: ")
