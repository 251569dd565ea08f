"""bench/run.py rewrites bench/results.md but keeps the sections other scripts own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def load_run():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_a_full_run_keeps_the_pdf_cost_sections_in_their_order():
    run = load_run()
    old = ("# negdocs benchmark results\n\n## Targets\n\n| a | b |\n\n## PDF cost: profile and what was changed (issue 17)\n\n"
           "notes\n\n### First round\n\nmore\n\n## Languages\n\nold rows\n\n## PDF cost per page\n\n| x | y |\n")
    kept = run.kept_sections(old)
    assert kept == ("\n## PDF cost: profile and what was changed (issue 17)\n\nnotes\n\n### First round\n\nmore\n"
                    "\n## PDF cost per page\n\n| x | y |\n")
    assert run.kept_sections("# results\n\n## Targets\n") == ""
    assert run.kept_sections("x\n## PDF cost per page\n\nlast line without newline") == "\n## PDF cost per page\n\nlast line without newline\n"
