"""The Word proposal: Word's own structure (headings, tables, header and footer, properties),
byte-identical builds, and a reference document a project can override but not abuse."""

from __future__ import annotations

import io
import shutil
import zipfile

import docx
import pytest

from conftest import REPO
from test_proposal_outputs import DEAL, GUIDE

BUILTIN = REPO / "templates" / "proposal.docx"


def _build(make_project, status="active", files=None, *args):
    project = make_project({"playbooks/renewal.yaml": DEAL.format(status=status), "playbooks/guide.yaml": GUIDE,
                            **(files or {})})
    return project, project.run("build", "--edition", "proposal", "--no-pdf", *args)


def _doc(project, name="renewal.docx", out="build"):
    return docx.Document(str(project.root / out / "proposal" / name))


def test_headings_tables_and_properties_are_word_s_own(make_project):
    project, result = _build(make_project)
    assert result.exit_code == 0, result.output
    doc = _doc(project)
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Platform renewal"), ("Heading 2", "Introduction"), ("Heading 2", "Options"),
                        ("Heading 2", "Also to agree")]
    options = doc.tables[0]
    assert [c.text for c in options.rows[0].cells] == ["Term", "Lower fee", "Higher fee"]
    assert [c.text for c in options.rows[1].cells] == ["Annual fee", "950,000 USD", "990,000 USD"]
    assert options.rows[0]._tr.trPr is not None and options.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "This proposal is valid until 22 January 2027." in text
    assert "List Bullet" in [p.style.name for p in doc.paragraphs if p.text == "Data residency"]
    assert "our terms (https://example.com/terms)" in text  # links keep their address on paper
    props = doc.core_properties
    assert (props.title, props.author, props.subject) == ("Platform renewal: proposal for ACME Corp", "Dana Lee",
                                                          "sales proposal")
    section = doc.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["Platform renewal · proposal for ACME Corp"]
    assert [p.text for p in section.footer.paragraphs] == ["Page  of "]  # PAGE and NUMPAGES fields


def test_a_copy_carries_its_stamp_in_the_footer_and_the_properties(make_project):
    project, _ = _build(make_project)
    doc = _doc(project, "renewal/priya-raman.docx")
    stamp = [p.text for p in doc.sections[0].footer.paragraphs][0]
    assert stamp.startswith("Prepared for Priya Raman, ACME Corp Procurement · Reference ")
    code = stamp.rsplit(" ", 1)[1]
    assert doc.core_properties.subject == "sales proposal " + stamp[0].lower() + stamp[1:]
    assert f"Reference {code}" in doc.core_properties.keywords
    for part in ("renewal.docx", "renewal/jose-alvarez.docx"):
        assert b"Priya" not in b"".join(_parts(project.root / "build/proposal" / part).values())


def test_draft_is_marked_in_the_header_of_every_page(make_project):
    project, _ = _build(make_project, "draft")
    doc = _doc(project)
    for header in (doc.sections[0].header, doc.sections[0].first_page_header, doc.sections[0].even_page_header):
        assert [p.text for p in header.paragraphs][-1] == "DRAFT"
    project, _ = _build(make_project, "active")
    assert b"DRAFT" not in b"".join(_parts(project.root / "build/proposal/renewal.docx").values())


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_two_builds_give_byte_identical_word_files(make_project, monkeypatch):
    project, _ = _build(make_project)
    assert project.run("build", "--edition", "proposal", "--no-pdf", "--force", "--out", "again").exit_code == 0
    for name in ("renewal.docx", "renewal/priya-raman.docx"):
        assert (project.root / "build/proposal" / name).read_bytes() == (project.root / "again/proposal" / name).read_bytes()
    with zipfile.ZipFile(project.root / "build/proposal/renewal.docx") as archive:
        assert archive.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 31, 0, 0, 0)}
    assert "2026-12-31T00:00:00Z" in _parts(project.root / "build/proposal/renewal.docx")["docProps/core.xml"].decode()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert project.run("build", "--edition", "proposal", "--no-pdf", "--out", "undated").exit_code == 0
    core = _parts(project.root / "undated/proposal/renewal.docx")["docProps/core.xml"].decode()
    assert "dcterms:created" not in core and "dcterms:modified" not in core


def test_nothing_in_the_word_file_reaches_outside_it(make_project):
    project, _ = _build(make_project)
    parts = _parts(project.root / "build/proposal/renewal.docx")
    assert not [n for n, data in parts.items() if n.endswith(".rels") and b'TargetMode="External"' in data]
    assert not [n for n in parts if "vba" in n.lower() or n.endswith((".bin", ".jpeg", ".png"))]


def _styled_template(tmp_path, font: str) -> bytes:
    doc = docx.Document(str(BUILTIN))
    doc.styles["Heading 1"].font.name = font
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_project_restyles_the_word_proposal_with_its_own_reference_document(make_project, tmp_path):
    project, result = _build(make_project, files={"templates/proposal.docx": _styled_template(tmp_path, "Georgia")})
    assert result.exit_code == 0, result.output
    assert b"Georgia" in _parts(project.root / "build/proposal/renewal.docx")["word/styles.xml"]
    # a changed template rebuilds the packages on the next incremental build
    project.write("templates/proposal.docx", _styled_template(tmp_path, "Verdana"))
    assert project.run("build", "--edition", "proposal", "--no-pdf").exit_code == 0
    assert b"Verdana" in _parts(project.root / "build/proposal/renewal.docx")["word/styles.xml"]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("template, message", [
    (lambda: _zip({**_parts(BUILTIN), "word/_rels/settings.xml.rels": (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        b'Target="https://tracker.example.com/t.dotx" TargetMode="External"/></Relationships>')}),
     "templates/proposal.docx:1: error template: word/_rels/settings.xml.rels links to a resource outside the document"),
    (lambda: _zip({**_parts(BUILTIN), "word/media/huge.bin": bytes(60 * 2**20)}),
     "templates/proposal.docx:1: error template: expands to 61 MiB; the limit is 50 MiB"),
    (lambda: b"PK\x03\x04 not a zip",
     "templates/proposal.docx:1: error template: is not a readable .docx (zip) file"),
    (lambda: _zip({**_parts(BUILTIN), "word/vbaProject.bin": b"macro"}),
     "templates/proposal.docx:1: error template: holds macros or controls (word/vbaProject.bin)"),
])
def test_a_reference_document_that_could_hurt_is_refused(make_project, template, message):
    project, result = _build(make_project, files={"templates/proposal.docx": template()})
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not (project.root / "build").exists()


def test_long_titles_and_names_fit_word_s_properties(make_project):
    """Word's core properties hold 255 characters (python-docx refuses more): a long title or
    counterparty is cut with an ellipsis there, never a traceback, the page keeps it whole, and
    a copy's keywords keep its reference. Found by the loader fuzz campaign."""
    title, org = "Platform renewal " + "é" * 300, "ACME " + "Corp" * 80
    deal = DEAL.format(status="active").replace("title: Platform renewal", f"title: {title}") \
        .replace("name: ACME Corp}", f"name: {org}}}")
    project = make_project({"playbooks/renewal.yaml": deal})
    result = project.run("build", "--edition", "proposal", "--no-pdf")
    assert result.exit_code == 0, result.output
    for name in ("renewal.docx", "renewal/priya-raman.docx"):
        doc, props = _doc(project, name), _doc(project, name).core_properties
        assert title in "\n".join(p.text for p in doc.paragraphs)
        for value in (props.title, props.subject, props.keywords):
            assert len(value) <= 255
        assert props.title.startswith("Platform renewal éé") and props.title.endswith("\u2026")
    code = _doc(project, "renewal/priya-raman.docx").core_properties.keywords.rsplit(", ", 1)[1]
    assert code.startswith("Reference ") and len(code) == len("Reference ") + 10
