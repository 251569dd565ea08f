"""Fuzzing the loader and validator: whatever the bytes, the outcome is a valid deal or
``file:line`` problems, never a traceback, and an input under 1 MiB stays within 300 MB of
memory and 5 s of CPU (both enforced with setrlimit in a child process; see tests/fuzz_load.py).

The suite runs a short campaign with a fixed seed. The long campaign was run once, with
``nice -n 19 .venv/bin/python tests/fuzz_load.py --examples N --seed S``:
LONG CAMPAIGN: (filled in below when it has run)
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_limited

FUZZ = Path(__file__).parent / "fuzz_load.py"


def test_short_fuzz_campaign_has_no_traceback_and_stays_within_limits(tmp_path):
    result = run_limited([str(FUZZ), "--examples", "10", "--seed", "0", "--memory-mb", "300", "--cpu-s", "5"],
                         tmp_path, memory_mb=300, cpu_s=300)
    output = result.stdout.decode() + result.stderr.decode()
    assert result.returncode == 0, output[-3000:]
    assert "fuzz: seed 0 examples {'bytes': 10, 'events': 10, 'deals': 10}" in output


def test_the_budget_catches_a_runaway_example():
    """The per-example CPU budget really fires (guards the harness itself)."""
    code = ("import sys; sys.argv = ['x']; import fuzz_load as f, signal, resource\n"
            "signal.signal(signal.SIGXCPU, f._over_budget); f.CPU_PER_EXAMPLE = 1\n"
            "def spin():\n    while True:\n        sum(range(1000))\n"
            "f._budget()\n"
            "try:\n    spin()\n"
            "except f.OverBudget as exc:\n    print('stopped:', exc)\n")
    result = run_limited(["-c", code], FUZZ.parent, memory_mb=300, cpu_s=30)
    assert result.stdout.decode().strip() == "stopped: an example used more than 1 s of CPU", result.stderr.decode()[-2000:]
