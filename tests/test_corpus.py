"""Bad input, one small file per case under tests/corpus/, each with its expected message.

Every case must fail `negdocs check` and `negdocs build` with exit code 1, print exactly the
expected `file:line:` lines, show no traceback and write nothing.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix == ".yaml")


def expected(case: Path) -> list[str]:
    return case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_check_reports_the_problem(case, make_project):
    project = make_project()
    shutil.copy(case, project.write("playbooks/.keep", "").parent / case.name)
    result = project.run("check")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == expected(case)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_build_writes_nothing(case, make_project):
    project = make_project()
    shutil.copy(case, project.write("playbooks/.keep", "").parent / case.name)
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1, result.output
    for line in expected(case):
        assert line in result.stderr.splitlines()
    assert "nothing was written" in result.stderr
    assert not (project.root / "build").exists()


def test_every_case_has_its_expected_message():
    assert len(CASES) >= 20  # an emptied corpus would leave the parametrized tests above with nothing to run
    assert sorted(p.stem for p in CORPUS.glob("*.expected")) == sorted(p.stem for p in CASES)


def test_alias_bomb_fails_within_a_second(make_project):
    project = make_project()
    shutil.copy(CORPUS / "alias-bomb.yaml", project.write("playbooks/.keep", "").parent / "alias-bomb.yaml")
    start = time.perf_counter()
    result = project.run("check")
    assert result.exit_code == 1
    assert time.perf_counter() - start < 1.0


def test_problems_of_all_files_are_reported_together(make_project):
    project = make_project({
        "playbooks/a.yaml": "format: negdocs/v1\ntitle: A\ncontext: sale\n",
        "playbooks/b.yaml": "format: negdocs/v1\ncontext: sales\n",
        "playbooks/ok.yaml": "format: negdocs/v1\ntitle: Fine\ncontext: hiring\n",
    })
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert "playbooks/a.yaml:3: error schema: context: 'sale' is not allowed" in result.stderr
    assert "playbooks/b.yaml:1: error schema: required key 'title' is missing" in result.stderr
    assert not (project.root / "build").exists()


def test_duplicate_ids_across_files_name_both(make_project):
    project = make_project({
        "playbooks/sales/acme.yaml": "format: negdocs/v1\ntitle: A\ncontext: sales\n",
        "playbooks/hiring/x.yaml": "format: negdocs/v1\nid: acme\ntitle: B\ncontext: hiring\n",
    })
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "playbooks/hiring/x.yaml:2: error duplicate-id: id 'acme' is also used by playbooks/sales/acme.yaml; ids are unique across the project",
        "playbooks/sales/acme.yaml:1: error duplicate-id: id 'acme' is also used by playbooks/hiring/x.yaml; ids are unique across the project",
    ]


def test_ids_are_unique_across_the_project_when_checking_some_files(make_project):
    project = make_project({
        "playbooks/sales/acme.yaml": "format: negdocs/v1\ntitle: A\ncontext: sales\n",
        "playbooks/hiring/x.yaml": "format: negdocs/v1\nid: acme\ntitle: B\ncontext: hiring\n",
        "playbooks/hiring/broken.yaml": "format: negdocs/v1\ntitle: [\n",
    })
    result = project.run("check", "playbooks/hiring/x.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "playbooks/hiring/x.yaml:2: error duplicate-id: id 'acme' is also used by playbooks/sales/acme.yaml; ids are unique across the project"]
    assert project.run("build", "--no-pdf", "playbooks/hiring/x.yaml").exit_code == 1


def test_checking_a_file_outside_an_empty_playbooks_folder(make_project):
    project = make_project({"elsewhere/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n", "playbooks/README.txt": "x"})
    result = project.run("check", "elsewhere/g.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
