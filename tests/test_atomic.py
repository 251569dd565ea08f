"""A build killed at any point leaves the previous build/ intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import MINIMAL, tree

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5])
def test_killed_build_leaves_previous_output(make_project, delay):
    project = make_project({f"playbooks/guide-{n}.yaml": MINIMAL.replace("Guide", f"Guide {n}") for n in range(6)})
    assert project.run("build", "--no-pdf").exit_code == 0
    before = tree(project.root / "build")
    proc = subprocess.Popen([sys.executable, "-m", "negdocs", "build", "--jobs", "1"], cwd=project.root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree(project.root / "build") == before
    # The next build cleans up what the killed one left behind and succeeds.
    assert project.run("build", "--no-pdf").exit_code == 0
    leftovers = [p.name for p in project.root.iterdir() if p.name.startswith(".build.")]
    assert leftovers == []
