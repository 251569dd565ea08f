"""Shared fixtures: a project built inline, the CLI through CliRunner, golden files."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from negdocs.cli import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "playbooks"

MINIMAL = "format: negdocs/v1\ntitle: Guide\ncontext: sales\n"


def copy_examples(root: Path) -> None:
    """The example project into ``root``: playbooks/ and negdocs.yaml (its approval matrix)."""
    shutil.copytree(EXAMPLES, root / "playbooks")
    shutil.copy(REPO / "negdocs.yaml", root / "negdocs.yaml")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


class Project:
    """A project folder in tmp_path, with helpers to run negdocs in it."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def run(self, *args: str):
        old = Path.cwd()
        os.chdir(self.root)
        try:
            return CliRunner().invoke(cli, list(args), catch_exceptions=False)
        finally:
            os.chdir(old)

    def files(self, folder: str = "build") -> list[str]:
        base = self.root / folder
        return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()) if base.exists() else []


@pytest.fixture
def make_project(tmp_path):
    """``make_project({"playbooks/a.yaml": "..."})`` -> a Project with those files."""

    def make(files: dict[str, str | bytes] | None = None) -> Project:
        project = Project(tmp_path)
        for name, text in (files or {}).items():
            project.write(name, text)
        return project

    return make


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798675200")  # 2027-01-01
