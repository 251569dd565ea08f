"""bench/run.py rewrites bench/results.md but keeps the sections other scripts own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def load_run(path: Path = BENCH, name: str = "bench_run"):
    spec = importlib.util.spec_from_file_location(name, path)
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


def test_the_pdf_cost_run_is_called_idle_by_what_other_processes_used_not_by_its_own_load():
    """The load average counts the run's own Chromium and workers; the busy label must not."""
    pdfcost = load_run(BENCH.parent / "pdfcost.py", "bench_pdfcost")
    start, end = (100.0, 5000.0, 10.0), (200.0, 5190.0, 198.0)  # 190 busy CPU s, 188 of them ours, in 100 s
    assert abs(pdfcost.others_cores(start, end) - 0.02) < 1e-9
    assert pdfcost.others_cores(start, (200.0, 5150.0, 198.0)) == 0.0  # never below nothing
    sets = []
    idle = pdfcost.report(sets, [], (3.9, 0, 0), 0.02, "abc1234")
    busy = pdfcost.report(sets, [], (0.1, 0, 0), 0.6, "abc1234")
    unknown = pdfcost.report(sets, [], (0.1, 0, 0), float("nan"), "abc1234")
    assert "an idle machine" in idle and "busy machine" not in idle
    assert "**busy machine**" in busy and "**busy machine**" in unknown
