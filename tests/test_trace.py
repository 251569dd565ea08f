"""`negdocs trace FILE`: a copy's reference code leads back to its deal, recipient and terms,
from its text alone, and a hostile file is refused within limits."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from test_proposal_outputs import DEAL

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


@pytest.fixture
def project(make_project):
    project = make_project({"playbooks/renewal.yaml": DEAL.format(status="active")})
    assert project.run("build", "--edition", "proposal", "--no-pdf").exit_code == 0
    return project


def lines(result) -> list[str]:
    return result.stdout.splitlines()


@pytest.mark.parametrize("copy", ["renewal/priya-raman.html", "renewal/priya-raman.docx"])
def test_a_copy_leads_to_its_deal_and_recipient(project, copy):
    result = project.run("trace", f"build/proposal/{copy}")
    assert result.exit_code == 0, result.output
    assert lines(result) == ["deal: renewal", "recipient: Priya Raman", "terms: unchanged"]


def test_the_unstamped_proposal_and_a_stranger_s_copy_match_nothing(project, make_project, tmp_path):
    result = project.run("trace", "build/proposal/renewal.html")
    assert result.exit_code == 1
    assert result.stderr.startswith("build/proposal/renewal.html: error trace: no reference code in this file")
    (project.root / "playbooks/renewal.yaml").write_text(DEAL.format(status="active").replace("id: fee", "id: price")
                                                         .replace("fee:", "price:"))
    result = project.run("trace", "build/proposal/renewal/jose-alvarez.docx")
    assert result.exit_code == 1 and "no recipient of a deal in this project has the reference" in result.stderr


def test_terms_changed_since_the_commit_the_copy_was_made_from(project):
    def git(*args):
        subprocess.run([*GIT, *args], cwd=project.root, check=True, capture_output=True)

    git("init", "-q")
    git("add", "playbooks")
    git("commit", "-qm", "first plan")
    first = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project.root, capture_output=True, text=True).stdout[:12]
    deal = project.root / "playbooks/renewal.yaml"
    deal.write_text(deal.read_text().replace("title: Platform renewal", "title: Platform renewal 2027"))
    copy = "build/proposal/renewal/jose-alvarez.docx"
    assert lines(project.run("trace", copy))[2] == "terms: unchanged"  # the title is not a term
    deal.write_text(deal.read_text().replace("walk_away: 731000", "walk_away: 741000"))
    assert lines(project.run("trace", copy)) == ["deal: renewal", "recipient: José Álvarez", f"terms: changed since {first}"]
    git("commit", "-qam", "more room")
    assert lines(project.run("trace", copy))[2] == f"terms: changed since {first}"


def test_a_trace_key_makes_codes_no_one_else_can_make(project, monkeypatch):
    monkeypatch.setenv("NEGDOCS_TRACE_KEY", "deal desk secret")
    assert project.run("build", "--edition", "proposal", "--no-pdf", "--out", "keyed").exit_code == 0
    keyed = "keyed/proposal/renewal/priya-raman.html"
    assert project.run("trace", keyed).exit_code == 0
    assert project.run("trace", "build/proposal/renewal/priya-raman.html").exit_code == 1
    monkeypatch.delenv("NEGDOCS_TRACE_KEY")
    assert project.run("trace", keyed).exit_code == 1


def test_files_over_50_mib_are_refused_unread(project):
    big = project.root / "big.pdf"
    with open(big, "wb") as handle:
        handle.truncate(50 * 2**20 + 1)
    result = project.run("trace", "big.pdf")
    assert result.exit_code == 1 and "big.pdf: error trace: file is 52,428,801 bytes; the limit is 52,428,800" in result.stderr


def _docx_with(project, member: str, data: bytes) -> str:
    source = project.root / "build/proposal/renewal/priya-raman.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr(member, data)
    (project.root / "hostile.docx").write_bytes(out.getvalue())
    return "hostile.docx"


def test_an_archive_that_would_expand_past_200_mib_is_refused_before_expanding(project):
    name = _docx_with(project, "word/media/zeros.xml", bytes(201 * 2**20))
    result = project.run("trace", name)
    assert result.exit_code == 1 and "hostile.docx: error trace: expands to 202 MiB; the limit is 200 MiB" in result.stderr


def test_entities_and_external_references_are_never_followed(project):
    """A copy whose XML declares external and exponential entities and links outside: the code
    is still read from the text, and no entity is expanded (no XML parser sees the file)."""
    laughs = "".join(f'<!ENTITY l{n} "&l{n - 1};&l{n - 1};&l{n - 1};&l{n - 1};&l{n - 1};">' for n in range(1, 30))
    evil = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{laughs}<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<d>&l29;&x;</d>').encode()
    name = _docx_with(project, "word/glossary.xml", evil)
    result = project.run("trace", name)
    assert result.exit_code == 0 and lines(result)[1] == "recipient: Priya Raman"
    page = (project.root / "build/proposal/renewal/priya-raman.html").read_text()
    (project.root / "linked.html").write_text(page.replace("<body", '<body><img src="http://127.0.0.1:9/pixel.png">'
                                                           '<link rel="stylesheet" href="file:///etc/passwd"'))
    assert project.run("trace", "linked.html").exit_code == 0
