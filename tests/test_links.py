"""Links out of the project are refused, unread, with a message that names the link only.

A pull request can add a symbolic link as easily as a file; negdocs must never read, render
or quote what one points at outside the project (a key file, another repository's secrets).
"""

from __future__ import annotations

import os

import pytest

from conftest import MINIMAL

SECRET = "password: hunter2-secret\naws_key: AKIAEXAMPLESECRET\n"


@pytest.fixture
def outside(tmp_path):
    """A folder next to the project, with a secret-looking YAML file and an SVG in it."""
    folder = tmp_path.parent / f"{tmp_path.name}-outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(SECRET)
    (folder / "deal.yaml").write_text(MINIMAL)
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (folder / "page.html").write_text("OUTSIDE-TEMPLATE-TEXT")
    return folder


def link(project, name: str, target) -> None:
    path = project.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def assert_quiet(result, outside) -> None:
    """Nothing of what the link points at is shown: not its path, not its keys or values."""
    for secret in (str(outside), "password", "hunter2", "AKIA", "OUTSIDE-TEMPLATE-TEXT"):
        assert secret not in result.output, secret
    assert "Traceback" not in result.output


@pytest.mark.parametrize("target", ["secret.yaml", "deal.yaml"])
def test_a_deal_file_linking_out_is_refused(make_project, outside, target):
    project = make_project({"playbooks/ok.yaml": MINIMAL})
    link(project, "playbooks/leak.yaml", outside / target)
    for command in (["check"], ["check", "playbooks/leak.yaml"], ["build", "--no-pdf"]):
        result = project.run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert ("playbooks/leak.yaml:1: error yaml: is a link to a file outside the project; negdocs reads only files "
                "inside it: replace the link with the file") in result.output
        assert_quiet(result, outside)
    assert not (project.root / "build").exists()


def test_a_linked_folder_leading_out_is_refused(make_project, outside):
    project = make_project({"playbooks/ok.yaml": MINIMAL})
    link(project, "playbooks/shared", outside)
    result = project.run("check", "playbooks/shared/secret.yaml")
    assert result.exit_code == 1
    assert "playbooks/shared/secret.yaml:1: error yaml: is a link to a file outside the project" in result.output
    assert_quiet(result, outside)
    assert project.run("check").exit_code == 0  # a linked folder is not searched for deal files at all


def test_links_inside_the_project_still_work(make_project):
    project = make_project({"shared/deal.yaml": MINIMAL.replace("Guide", "Shared"), "shared/internal.html": (
        '{% extends "builtin/internal.html" %}{% block running %}LINKED-TEMPLATE{% endblock %}')})
    link(project, "playbooks/deal.yaml", project.root / "shared/deal.yaml")
    link(project, "templates/internal.html", "../shared/internal.html")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "LINKED-TEMPLATE" in (project.root / "build/deal.html").read_text()


def test_a_template_linking_out_is_refused(make_project, outside):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    link(project, "templates/internal.html", outside / "page.html")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert ("templates/internal.html:1: error template: is a link to a file outside the project; negdocs reads only "
            "files inside it: replace the link with the file") in result.stderr
    assert_quiet(result, outside)
    assert not (project.root / "build").exists()


def test_a_strategy_pack_linking_out_is_refused(make_project, outside):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    link(project, "strategies/evil.yaml", outside / "secret.yaml")
    for command in (["check"], ["build", "--no-pdf"]):
        result = project.run(*command)
        assert result.exit_code == 1
        assert "strategies/evil.yaml:1: error yaml: is a link to a file outside the project" in result.stderr
        assert_quiet(result, outside)


def test_settings_and_logo_linking_out_are_refused(make_project, outside):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    link(project, "negdocs.yaml", outside / "secret.yaml")
    result = project.run("check")
    assert result.exit_code == 1
    assert "negdocs.yaml:1: error yaml: is a link to a file outside the project" in result.stderr
    assert_quiet(result, outside)
    os.unlink(project.root / "negdocs.yaml")
    project.write("negdocs.yaml", "logo: brand/logo.svg\n")
    link(project, "brand/logo.svg", outside / "logo.svg")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert ("negdocs.yaml:1: error schema: logo: 'brand/logo.svg' is outside the project (or a link to a file outside "
            "it); the logo must be a file inside it") in result.stderr
    assert_quiet(result, outside)


def test_new_does_not_write_through_a_linked_folder(make_project, outside):
    project = make_project()
    link(project, "playbooks/sales", outside)
    result = project.run("new", "sales", "acme")
    assert result.exit_code == 2
    assert "playbooks/sales/acme.yaml: error usage: leads outside the project through a link" in result.stderr
    assert not (outside / "acme.yaml").exists()
