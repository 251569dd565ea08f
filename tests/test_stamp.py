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
