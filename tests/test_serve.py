"""`negdocs serve` for real: a process on a free port, edits seen within seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

DEAL = "format: negdocs/v1\ntitle: {title}\ncontext: sales\nowner: Dana\n"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture
def server(make_project):
    project = make_project({"playbooks/acme.yaml": DEAL.format(title="First title")})
    proc = subprocess.Popen([sys.executable, "-m", "negdocs", "serve", "--port", "0"], cwd=project.root,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = None
    lines = []
    deadline = time.monotonic() + 30
    while url is None and time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if "serving http" in line:
            url = line.split("serving ", 1)[1].split()[0]
    assert url, "".join(lines)
    yield project, url, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_serves_the_site_and_sees_an_edit_within_seconds(server):
    project, url, _ = server
    assert "First title" in fetch(url)
    assert url.startswith("http://127.0.0.1:")
    project.write("playbooks/acme.yaml", DEAL.format(title="Second title"))
    wait_for(lambda: "Second title" in fetch(url) and "Second title" in fetch(url + "acme.html"))


def test_a_broken_edit_shows_problems_and_keeps_the_old_site(server):
    project, url, _ = server
    project.write("playbooks/acme.yaml", DEAL.format(title="First title").replace("context: sales", "context: sale"))
    state = wait_for(lambda: (s := json.loads(fetch(url + "__negdocs__/state")))["problems"] and s)
    assert state["problems"] == ["playbooks/acme.yaml:3: error schema: context: 'sale' is not allowed; use one of: "
                                 "sales, partnership, procurement or hiring (did you mean 'sales'?)"]
    page = fetch(url + "acme.html")
    assert 'role="alert"' in page and "playbooks/acme.yaml:3" in page
    assert "First title" in page  # the last good site stays served
    project.write("playbooks/acme.yaml", DEAL.format(title="Fixed"))
    wait_for(lambda: "Fixed" in fetch(url + "acme.html") and 'role="alert"' not in fetch(url + "acme.html"))


def test_ctrl_c_stops_cleanly(server):
    _, url, proc = server
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert "negdocs: stopped" in proc.stderr.read()
    assert "Traceback" not in proc.stderr.read()
