"""The command line through click's CliRunner: exit codes, messages, what is written."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import MINIMAL, REPO

ACME = """
format: negdocs/v1
title: ACME renewal
context: sales
owner: Dana Lee
close_by: 2027-01-31
issues:
  - {id: price, name: Annual subscription, kind: money, better: higher, open: 135000, floor: 120000,
     walk_away: 115000, basis: [survey]}
  - {id: term, name: Term, kind: months, better: higher, open: 24, basis: [survey]}
evidence:
  - {id: survey, kind: benchmark, summary: Median for 200-seat plans is 131k., shareable: true}
scripts:
  - {use: floor, issue: price, ask: 15 percent off, give: a two-year term}
"""


def test_help_is_instant_and_does_not_import_weasyprint():
    code = "import sys; from negdocs.cli import cli; assert 'weasyprint' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "negdocs", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("negdocs, version ")


def test_build_writes_index_and_pages(make_project):
    project = make_project({"playbooks/acme.yaml": ACME, "playbooks/guide.yaml": MINIMAL})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert project.files() == [".negdocs-build.json", "acme.html", "assets/negdocs.js", "guide.html", "index.html",
                               "search-index.js"]
    assert result.stdout.startswith("negdocs: 2 pages and 0 PDF in build; 2 deal files rebuilt")
    page = (project.root / "build/acme.html").read_text()
    assert "120,000 USD" in page


def test_build_into_another_folder(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL})
    assert project.run("build", "--no-pdf", "--out", "site").exit_code == 0
    assert project.files("site") == [".negdocs-build.json", "assets/negdocs.js", "guide.html", "index.html", "search-index.js"]


def test_build_refuses_to_replace_a_folder_it_did_not_write(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine"})
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2
    assert "it is not empty and was not written by negdocs" in result.stderr
    assert project.files("docs") == ["keep.md"]


def test_rebuild_removes_outputs_of_deleted_deals(make_project):
    project = make_project({"playbooks/acme.yaml": ACME, "playbooks/guide.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    (project.root / "playbooks/acme.yaml").unlink()
    assert project.run("build", "--no-pdf").exit_code == 0
    assert "acme.html" not in project.files()


def test_failed_build_keeps_the_previous_output(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    before = (project.root / "build/guide.html").read_bytes()
    project.write("playbooks/guide.yaml", "format: negdocs/v1\ntitle: Guide\ncontext: nope\n")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert (project.root / "build/guide.html").read_bytes() == before


def test_missing_path_is_a_usage_error(make_project):
    result = make_project().run("build", "nowhere")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_bad_option_is_a_usage_error(make_project):
    assert make_project({"playbooks/guide.yaml": MINIMAL}).run("build", "--jobs", "0").exit_code == 2
    assert make_project().run("check", "--format", "xml").exit_code == 2


def test_no_deal_files_is_a_usage_error(make_project):
    project = make_project({"playbooks/readme.txt": "x"})
    result = project.run("check")
    assert result.exit_code == 2
    assert "no deal files" in result.stderr


def test_check_text_and_json(make_project):
    project = make_project({"playbooks/acme.yaml": ACME.replace("basis: [survey]}", "}", 1)})
    text = project.run("check")
    assert text.exit_code == 0
    assert text.stdout.splitlines() == [
        "playbooks/acme.yaml:7: warning anchor-without-basis: issues[0].open: 'Annual subscription' has an anchor "
        "but no `basis`; add the evidence ids that make it credible"]
    data = json.loads(project.run("check", "--format", "json").stdout)
    assert data == [{"file": "playbooks/acme.yaml", "line": 7, "rule": "anchor-without-basis", "severity": "warning",
                     "message": text.stdout.split("anchor-without-basis: ", 1)[1].strip()}]


def test_check_strict_turns_warnings_into_errors(make_project):
    project = make_project({"playbooks/acme.yaml": ACME.replace("basis: [survey]}", "}", 1)})
    result = project.run("check", "--strict")
    assert result.exit_code == 1
    assert "error anchor-without-basis" in result.stdout


def test_check_json_on_errors(make_project):
    project = make_project({"playbooks/a.yaml": "format: negdocs/v1\ntitle: A\ncontext: sale\n"})
    result = project.run("check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["rule"] == "schema"


def test_rules_lists_every_rule(make_project):
    from negdocs.analyse.checks import ERRORS, WARNINGS

    result = make_project().run("rules")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == [*ERRORS, *WARNINGS]


def test_rules_explains_one(make_project):
    result = make_project().run("rules", "no-zopa")
    assert result.exit_code == 0
    assert "Why it matters" in result.stdout
    assert make_project().run("rules", "no-zopaa").exit_code == 2
