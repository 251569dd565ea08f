"""`negdocs new` and the pre-commit hook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from negdocs.load.model import CONTEXTS


@pytest.mark.parametrize("context", CONTEXTS)
def test_new_writes_a_plan_that_checks_clean_and_builds(make_project, context):
    project = make_project()
    result = project.run("new", context, f"first-{context}")
    assert result.exit_code == 0, result.output
    path = project.root / "playbooks" / context / f"first-{context}.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/negdocs.schema.json\n")
    assert (project.root / "schema/negdocs.schema.json").is_file()
    data = yaml.safe_load(text)
    assert data["id"] == f"first-{context}" and data["context"] == context
    for section in ("counterparty", "batna", "issues", "power", "people", "evidence", "deadlines", "meso", "concessions",
                    "scripts", "implementation", "escalation", "proposal", "notes"):
        assert data.get(section), f"starter lacks {section}"
    assert {s.get("use") for s in data["scripts"]} >= {"floor", "deadline", "governance", "contingency", "escalation"}
    check = project.run("check", "--strict")
    assert (check.exit_code, check.stdout) == (0, "")
    assert project.run("build", "--no-pdf", "--edition", "all").exit_code == 0


def test_new_refuses_to_overwrite(make_project):
    project = make_project()
    assert project.run("new", "sales", "acme").exit_code == 0
    before = (project.root / "playbooks/sales/acme.yaml").read_bytes()
    result = project.run("new", "sales", "acme")
    assert result.exit_code == 1
    assert "playbooks/sales/acme.yaml:1: error duplicate-id: already exists" in result.stderr
    assert project.run("new", "hiring", "acme").exit_code == 1  # ids are unique across contexts
    assert (project.root / "playbooks/sales/acme.yaml").read_bytes() == before


def test_new_with_strategy_and_bad_input(make_project):
    project = make_project()
    assert project.run("new", "partnership", "p", "--strategy", "principled").exit_code == 0
    assert "strategy: principled" in (project.root / "playbooks/partnership/p.yaml").read_text()
    assert project.run("new", "sales", "Bad_Id").exit_code == 2
    assert project.run("new", "retail", "x").exit_code == 2
    assert project.run("new", "sales", "x", "--strategy", "nope").exit_code == 2


def test_pre_commit_hook_blocks_a_broken_deal(make_project):
    """Runs pre-commit with the hook exactly as .pre-commit-hooks.yaml defines it, except
    `language: system`, so it uses this checkout's negdocs instead of installing from the network."""
    project = make_project({"playbooks/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n"})
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = dict(hook, language="system")
    project.write(".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "PRE_COMMIT_HOME": str(project.root / ".pc"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    run = lambda *args: subprocess.run(args, cwd=project.root, env=env, capture_output=True, text=True)
    run("git", "init", "-q")
    run("git", "add", "-A")
    pre_commit = shutil.which("pre-commit", path=env["PATH"])
    ok = run(pre_commit, "run", "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    project.write("playbooks/g.yaml", "format: negdocs/v1\ntitle: G\ncontext: sale\n")
    run("git", "add", "-A")
    bad = run(pre_commit, "run", "--all-files")
    assert bad.returncode == 1
    assert "playbooks/g.yaml:3: error schema: context: 'sale' is not allowed" in bad.stdout
