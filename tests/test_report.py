"""CI-ready output of `negdocs check`: GitHub workflow commands and SARIF 2.1.0."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings, strategies as st

from conftest import REPO
from test_escape import HOSTILE

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


# -- forged output: a path or a message can't start a line or a workflow command ----------
def _runner_unescape(value: str, prop: bool) -> str:
    """What the GitHub Actions runner makes of an escaped value (actions/runner ActionCommand)."""
    value = value.replace("%0D", "\r").replace("%0A", "\n")
    if prop:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%25", "%")


def _shown(value: str) -> str:
    from negdocs.output.escape import visible

    return "".join(c if c in "\r\n" else visible(c) for c in value)


@settings(max_examples=100, deadline=None)
@given(path=HOSTILE, message=HOSTILE, line=st.integers(0, 10**6))
def test_no_path_or_message_forges_a_line_in_any_check_format(path, message, line):
    from negdocs.errors import Problem
    from negdocs.output import findings

    problems = [Problem(path, line, message, "face-threat", "warning"), Problem(path, line, message)]
    commands = findings.github(problems).splitlines()
    assert len(commands) == 2
    for command, level in zip(commands, ("warning", "error")):
        m = re.fullmatch(r"::(\w+) file=([^:,]*),line=(\d+),title=negdocs ([a-z-]+)::(.*)", command)
        assert m and command.isprintable()
        assert (m[1], int(m[3])) == (level, line)
        assert _runner_unescape(m[2], prop=True) == _shown(path)
        assert _runner_unescape(m[5], prop=False) == _shown(message)
    text = findings.text(problems).splitlines()
    assert len(text) == 2 and all(t.isprintable() and not t.lstrip().startswith("::") for t in text)
    for fmt in ("json", "sarif"):
        out = findings.render(problems, fmt)
        assert out.replace("\n", "").isprintable()
    assert [p["message"] for p in json.loads(findings.as_json(problems))] == [message, message]
    sarif = json.loads(findings.sarif(problems))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif] == [path, path]


FORGED = "x\n::error file=playbooks/acme.yaml,line=1::approved by legal"


def test_check_output_of_a_hostile_deal_and_file_name_keeps_one_line_per_problem(make_project):
    from test_checks import change

    # meso-unbalanced quotes the option names as they are
    deal = change(meso=[{"name": FORGED, "terms": {"price": 122000, "payment": 40}},
                        {"name": "B", "terms": {"price": 134000, "payment": 40}}])()
    project = make_project({"playbooks/acme.yaml": yaml.safe_dump(deal, sort_keys=False),
                            "playbooks/evil\n::warning::forged.yaml": "format: negdocs/v1\ntitle: E\ncontext: sale\n"})
    problems = json.loads(project.run("check", "--format", "json").stdout)
    assert any(FORGED in p["message"] for p in problems)
    # a file name's control characters are made visible where the path is displayed (errors.py)
    assert any(p["file"] == r"playbooks/evil\x0a::warning::forged.yaml" for p in problems), problems
    for fmt in ("text", "github"):
        lines = project.run("check", "--format", fmt).stdout.splitlines()
        assert len(lines) == len(problems) and all(line.isprintable() for line in lines), lines
        assert sum(line.startswith("::") for line in lines) == (len(problems) if fmt == "github" else 0)
    text = project.run("check").stdout
    assert r"playbooks/evil\x0a::warning::forged.yaml:3: error schema: context: 'sale'" in text
    assert r"x\n::error file=playbooks/acme.yaml,line=1::approved by legal" in text
    errors = project.run("build", "--no-pdf").stderr.splitlines()
    assert not any(line.lstrip().startswith("::") for line in errors) and all(line.isprintable() for line in errors)
