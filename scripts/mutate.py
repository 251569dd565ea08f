"""Mutation testing of one module (or package folder) with mutmut, and its score.

    make mutate MODULE=negdocs/load/loader.py

mutmut 3 copies the tree into mutants/, runs the fast suite once to learn which tests cover
which function, then runs only those tests against each mutant. This script turns the path into
mutmut's mutant-name pattern, runs it, and prints the line for tests/MUTATION.md: killed / total
and the survivors to judge (``mutmut show NAME`` prints a survivor's diff). One module at a time:
a mutant costs several seconds on 2 cores. MUTATE_SURVIVORS=1 runs again only the mutants that
survived the module's last run (after adding tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = [sys.executable, "-m", "mutmut"]

# The tests that carry each module's promises (MUTATE_TESTS="tests/a.py tests/b.py" overrides).
# mutmut runs, for each mutant, the tests that covered its function in a first pass; with the
# whole fast suite a deal-reading module is covered by every test, and each surviving mutant
# reruns about a thousand of them. These selections keep a mutant to seconds (test_corpus_fast
# checks the corpus of bad files in process; test_corpus runs the CLI per file and takes 30 s).
TESTS = {
    "negdocs/load/loader.py": "test_loader_units test_corpus_fast test_hostile test_links",
    "negdocs/load/validate.py": "test_validate_units test_corpus_fast test_schema test_recipients",
    "negdocs/git/diff.py": "test_diff test_review_inputs test_git test_escape test_signoffs",
    "negdocs/git/versions.py": "test_diff test_git test_robust test_review_inputs",
    "negdocs/output/incremental.py": "test_incremental test_site test_portfolio",
    "negdocs/output/writer.py": "test_atomic test_incremental",
    "negdocs/render/editions.py": "test_editions test_golden test_proposal_outputs test_playbook test_docx test_leak test_i18n",
}

# Run mutmut with the test selection of its first pass replaced (mutmut reads it from
# pyproject.toml only; the per-mutant runs use the tests that first pass found).
BOOTSTRAP = """
import dataclasses, sys
from mutmut import configuration
from mutmut.__main__ import cli
configuration._config = dataclasses.replace(configuration._load_config(), pytest_add_cli_args_test_selection=sys.argv[1].split())
sys.argv = ["mutmut", *sys.argv[2:]]
cli()
"""


def pattern(path: str) -> str:
    """``negdocs/load/loader.py`` -> ``negdocs.load.loader.*``; a folder covers its modules."""
    p = Path(path)
    if p.suffix == ".py":
        p = p.with_suffix("")
    parts = p.parts
    if not parts or parts[0] != "negdocs" or ".." in parts:
        raise SystemExit(f"mutate: {path}: give a module or folder under negdocs/")
    return ".".join(parts) + ".*"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit("usage: make mutate MODULE=negdocs/<stage>/<module>.py")
    glob = pattern(argv[0])
    prefix = glob[:-1]
    jobs = os.environ.get("MUTATE_JOBS", "")  # mutants run at once (default: one per core)
    targets = [glob]
    if os.environ.get("MUTATE_SURVIVORS"):  # after adding tests: run again only what survived last time
        targets = _names(prefix, ("survived", "no tests")) or [glob]
    run = ["run", *(["--max-children", jobs] if jobs.isdigit() else []), *targets]
    tests = os.environ.get("MUTATE_TESTS") or " ".join(f"tests/{name}.py" for name in TESTS.get(argv[0], "").split())
    if tests:
        print(f"mutate: first pass over {tests}")
        subprocess.run([sys.executable, "-c", BOOTSTRAP, tests, *run], check=False)
    else:
        subprocess.run([*MUTMUT, *run], check=False)
    states: Counter[str] = Counter(state for _, state in _results(prefix))
    survivors = _names(prefix, ("survived", "no tests"))
    total = sum(states.values())
    killed = states["killed"] + states["timeout"]
    print(f"\n{argv[0]}: {killed} killed / {total} mutants ({dict(states)})")
    for name in survivors:
        print(f"  survivor: {name}")
    return 0


def _results(prefix: str) -> list[tuple[str, str]]:
    """(mutant name, state) of every mutant of the module, from mutmut's last runs."""
    out = subprocess.run([*MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    found = [line.strip().rpartition(": ")[::2] for line in out.splitlines()]
    return [(name, state) for name, state in found if name.startswith(prefix)]


def _names(prefix: str, states: tuple[str, ...]) -> list[str]:
    return [name for name, state in _results(prefix) if state in states]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
