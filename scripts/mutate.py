"""Mutation testing of one module (or package folder) with mutmut, and its score.

    make mutate MODULE=negdocs/load/loader.py

mutmut 3 copies the tree into mutants/, runs the fast suite once to learn which tests cover
which function, then runs only those tests against each mutant. This script turns the path into
mutmut's mutant-name pattern, runs it, and prints the line for tests/MUTATION.md: killed / total
and the survivors to judge (``mutmut show NAME`` prints a survivor's diff). One module at a time:
a mutant costs several seconds on 2 cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = [sys.executable, "-m", "mutmut"]


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
    subprocess.run([*MUTMUT, "run", *(["--max-children", jobs] if jobs.isdigit() else []), glob], check=False)
    out = subprocess.run([*MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    states: Counter[str] = Counter()
    survivors = []
    for line in out.splitlines():
        name, _, state = line.strip().rpartition(": ")
        if not name.startswith(prefix):
            continue
        states[state] += 1
        if state in ("survived", "no tests"):
            survivors.append(name)
    total = sum(states.values())
    killed = states["killed"] + states["timeout"]
    print(f"\n{argv[0]}: {killed} killed / {total} mutants ({dict(states)})")
    for name in survivors:
        print(f"  survivor: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
