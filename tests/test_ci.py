"""The GitHub Action (action.yml) and the workflows docs/ci.md shows: valid against GitHub's
schemas (check-jsonschema's built-in vendor schemas, offline), clean under zizmor --offline at
medium and above, only GitHub's own actions pinned by major tag, and no expression pasted into
a shell script. The scripts of the action run here with a stand-in negdocs to show what it is
called with, whatever the inputs hold."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

ACTION = REPO / "action.yml"
CI_DOC = REPO / "docs" / "ci.md"
ZIZMOR_CONFIG = REPO / "zizmor.yml"
WORKFLOWS = sorted({(CI_DOC.parent / m).resolve() for m in re.findall(r"\]\((examples/[^)\s]+\.ya?ml)\)", CI_DOC.read_text())})
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: it is in the test extra, run `make test` (pip install -e '.[test]')", pytrace=False)
    return found


def test_docs_show_both_workflows():
    assert [p.name for p in WORKFLOWS] == ["github-action.yml", "github-actions.yml"]


def _schema(kind: str, paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("check-jsonschema"), "--builtin-schema", f"vendor.{kind}", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_action_and_workflows_match_githubs_schemas():
    run = _schema("github-actions", [ACTION])
    assert run.returncode == 0, run.stdout + run.stderr
    run = _schema("github-workflows", WORKFLOWS)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_can_fail(tmp_path):
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo no shell\n")
    assert _schema("github-actions", [broken]).returncode == 1


def _zizmor(paths: list[Path]) -> list[dict]:
    run = subprocess.run([_tool("zizmor"), "--offline", "--config", str(ZIZMOR_CONFIG), "--format", "json",
                          "--min-severity", "medium", *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 10, 11, 12, 13, 14), run.stderr  # 1x: findings (x = highest severity)
    return json.loads(run.stdout or "[]")


def test_zizmor_finds_nothing_at_medium_or_above():
    findings = _zizmor([ACTION, *WORKFLOWS])
    assert [(f["ident"], f["determinations"]["severity"]) for f in findings] == []


def test_zizmor_would_find_an_injection_and_a_third_party_tag(tmp_path):
    """The audit is real: an expression in a script and an action of someone else pinned by tag."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - uses: actions/checkout@v4\n        with: {persist-credentials: false}\n"
                   "      - uses: someone/action@v1\n"
                   "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    found = {f["ident"] for f in _zizmor([bad])}
    assert {"template-injection", "unpinned-uses"} <= found


def _steps(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text())
    if "runs" in data:
        return data["runs"]["steps"]
    return [step for job in data["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_only_githubs_actions_by_major_tag_and_no_expression_in_a_script(path):
    for step in _steps(path):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+|\./", step["uses"]), step["uses"]
        if "run" in step:
            assert "${{" not in step["run"], f"an expression in the script of step {step.get('name')!r}: pass it through env"


def test_every_input_of_the_action_is_documented():
    inputs = yaml.safe_load(ACTION.read_text())["inputs"]
    doc = CI_DOC.read_text()
    assert inputs["strict"]["default"] == "true"
    for name in inputs:
        assert f"`{name}`" in doc, f"action input {name!r} is not documented in docs/ci.md"


# -- the action's scripts, run with a stand-in negdocs ---------------------------------------------
def _script(name: str) -> str:
    return next(s["run"] for s in _steps(ACTION) if s.get("name", "").startswith(name))


def _run_step(tmp_path: Path, name: str, **env: str) -> list[list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.jsonl"
    fake = bin_dir / "negdocs"
    fake.write_text(f"#!{sys.executable}\nimport json, sys\nopen({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n")
    fake.chmod(0o755)
    run = subprocess.run(["bash", "-e", "-c", _script(name)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env})
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []


def test_check_is_strict_by_default_and_the_input_turns_it_off(tmp_path):
    assert _run_step(tmp_path, "Check", STRICT="true", PATHS="") == [["check", "--format", "github", "--strict", "--"]]
    assert _run_step(tmp_path / "", "Check", STRICT="false", PATHS="playbooks/sales")[-1] == \
        ["check", "--format", "github", "--", "playbooks/sales"]


def test_inputs_never_become_shell_code_or_options(tmp_path):
    hostile = '$(touch pwned) `touch pwned2` ;touch pwned3 --strict -o'
    calls = _run_step(tmp_path, "Build", EDITION="all; touch pwned4", PDF="false", OUT="$(touch pwned5)", PATHS=hostile)
    assert calls == [["build", "--quiet", "--edition", "all; touch pwned4", "--out", "$(touch pwned5)", "--no-pdf", "--",
                      "$(touch", "pwned)", "`touch", "pwned2`", ";touch", "pwned3", "--strict", "-o"]]
    assert not list(tmp_path.glob("pwned*"))
