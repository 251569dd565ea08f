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
# A valid deal that takes WeasyPrint many seconds to lay out: thousands of table rows (the
# Markdown fields are capped at 100,000 characters, so the length comes from evidence items).
LONG_DEAL = MINIMAL + "evidence:\n" + "".join(f"  - {{id: e{n}, kind: other, summary: {'word ' * 30}}}\n" for n in range(4500))
EPOCH = "1798675200"  # 2026-12-31 00:00 UTC: the build date every test sees (SOURCE_DATE_EPOCH)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path, with its bytes: compare whole outputs."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_examples(root: Path) -> None:
    """The example project into ``root``: playbooks/ and negdocs.yaml (its approval matrix)."""
    shutil.copytree(EXAMPLES, root / "playbooks")
    shutil.copy(REPO / "negdocs.yaml", root / "negdocs.yaml")


@pytest.fixture(scope="session")
def examples_pdf(tmp_path_factory):
    """The example playbooks copied (no git, so no commit in the output) and built with PDFs once
    per session, at --jobs 2: test_pdf.py and test_pdf_pages.py read the same build."""
    from negdocs.build import build

    root = tmp_path_factory.mktemp("pdf")
    copy_examples(root)
    return build(out=root / "build", pdf=True, jobs=2, root=root)


def pytest_configure(config):
    """Under mutmut's coverage pass (``MUTANT_UNDER_TEST=stats``) keep that mode in this process
    only: the child processes tests start (``negdocs serve``, builds killed on purpose, limited
    runs) would otherwise record coverage too, which reads mutmut's config from their cwd, a
    temporary project, and fails. Mutant runs (any other value) still reach the children."""
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        from mutmut.mutation.trampoline import set_mutant_under_test

        set_mutant_under_test("stats")  # the process-local copy the trampoline falls back to
        del os.environ["MUTANT_UNDER_TEST"]


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


@pytest.fixture(autouse=True, scope="session")
def _deterministic():
    """SOURCE_DATE_EPOCH for the whole session, module-scoped fixtures included; a test may
    still change it with monkeypatch (restored after that test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


@pytest.fixture(autouse=True, scope="session")
def _children_outside_mutmut_bookkeeping():
    """Under `make mutate`, mutmut's coverage and sanity passes tell this process what they are
    doing through MUTANT_UNDER_TEST (it keeps its own copy too); a child process (`python -m
    negdocs` in a temp project) that inherits it looks for mutmut's config in its cwd and fails.
    Children see a mutant's name only, when one is under test."""
    if os.environ.get("MUTANT_UNDER_TEST") in ("stats", "fail", "list_all_tests"):
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("MUTANT_UNDER_TEST")
            yield
    else:
        yield


def proc_stat(pid) -> list[str]:
    """Fields of /proc/PID/stat from the state on (index 0: state, 1: ppid, 11+12: CPU, 19: start)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def python_children(pid: int) -> dict[int, list[str]]:
    """Live Python processes whose parent is ``pid`` (PDF workers, not a git call), with their
    :func:`proc_stat` fields."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = proc_stat(int(entry.name))
            if int(fields[1]) == pid and fields[0] not in "ZX" and (entry / "comm").read_text().startswith("python"):
                found[int(entry.name)] = fields
        except (OSError, ValueError, IndexError):
            continue
    return found


def run_limited(args: list[str], cwd: Path, memory_mb: int, cpu_s: int, stdin: bytes | None = None):
    """Run ``python -m negdocs ARGS`` (or ``python ARGS`` when ARGS starts with ``-c`` or a script) in a child
    process whose address space and CPU time are capped with setrlimit: a test of resource use
    that does not depend on the machine's speed or load. Exceeding the CPU limit kills the
    child (SIGXCPU); exceeding the memory limit makes it raise MemoryError."""
    import resource
    import subprocess
    import sys

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))

    command = [sys.executable, *args] if args[0] == "-c" or args[0].endswith(".py") else [sys.executable, "-m", "negdocs", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if env.get("MUTANT_UNDER_TEST") == "stats":  # mutmut's coverage pass reads its config from the cwd: not here
        env["MUTANT_UNDER_TEST"] = ""
    return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, preexec_fn=limit, timeout=120, env=env)
