"""CI-ready output of `negdocs check`: GitHub workflow commands and SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO

SARIF_SCHEMA = REPO / "tests" / ".cache" / "sarif-schema-2.1.0.json"

DEAL = """
format: negdocs/v1
title: ACME, "renewal"
context: sales
issues:
  - {id: price, name: Price, kind: money, better: higher, open: 135000}
  - {id: term, name: Term, kind: months, better: higher}
"""
BROKEN = "format: negdocs/v1\ntitle: B\ncontext: sale\n"


@pytest.fixture
def project(make_project):
    return make_project({"playbooks/acme.yaml": DEAL, "playbooks/broken.yaml": BROKEN})


def test_github_workflow_commands(project):
    result = project.run("check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning file=playbooks/acme.yaml,line=5,title=negdocs anchor-without-basis::issues[0].open: 'Price' has an "
        "anchor but no `basis`; add the evidence ids that make it credible",
        "::error file=playbooks/broken.yaml,line=3,title=negdocs schema::context: 'sale' is not allowed; use one of: "
        "sales, partnership, procurement or hiring (did you mean 'sales'?)",
    ]


def test_github_escapes_newlines_and_percent():
    from negdocs.errors import Problem
    from negdocs.output.findings import github

    line = github([Problem("a,b:c.yaml", 3, "50% off\nnext", "face-threat", "warning")])
    assert line == "::warning file=a%2Cb%3Ac.yaml,line=3,title=negdocs face-threat::50%25 off%0Anext\n"


def test_sarif_validates_against_the_sarif_2_1_0_schema(project):
    if not SARIF_SCHEMA.exists():  # `make test` fetches it (and fails loudly when it cannot); `make test-fast` does not
        pytest.skip(f"the SARIF 2.1.0 schema is not fetched ({SARIF_SCHEMA.relative_to(REPO)}): `make test` fetches it with npm")
    result = project.run("check", "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in run["results"]] == [("anchor-without-basis", "warning", 5), ("schema", "error", 3)]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])


def test_sarif_of_a_clean_project_has_no_results(make_project):
    result = make_project({"playbooks/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n"}).run("check", "--format", "sarif")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["runs"][0]["results"] == []


def test_build_prints_findings_and_errors_stop_it(make_project):
    project = make_project({"playbooks/acme.yaml": DEAL})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0
    assert "playbooks/acme.yaml:5: warning anchor-without-basis:" in result.stderr
    assert project.run("build", "--no-pdf", "--strict").exit_code == 1
