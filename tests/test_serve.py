"""`negdocs serve` for real: a process on a free port, edits seen within seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
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


def start(project, *args):
    proc = subprocess.Popen([sys.executable, "-m", "negdocs", "serve", "--port", "0", *args], cwd=project.root,
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
    return url, proc


@pytest.fixture
def server(make_project):
    project = make_project({"playbooks/acme.yaml": DEAL.format(title="First title")})
    url, proc = start(project)
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


SECRET = DEAL.format(title="Renewal") + """\
issues:
  - {id: fee, name: Fee, kind: money, better: higher, open: 990000, floor: 731000, walk_away: 700000}
"""


def test_a_proposal_server_shows_nothing_internal(make_project):
    """Not the manifest (it sits beside proposal/), not the internal pages, and a broken edit
    names file, line and rule on the page but leaves the message, which quotes the floor, to
    the terminal."""
    project = make_project({"playbooks/acme.yaml": SECRET})
    url, proc = start(project, "--edition", "proposal")
    try:
        assert "Renewal" in fetch(url + "proposal/acme.html")
        for hidden in (".negdocs-build.json", "%2enegdocs-build.json", "acme.html", "search-index.js"):
            with pytest.raises(urllib.error.HTTPError, match="404"):
                fetch(url + hidden)
        project.write("playbooks/acme.yaml", SECRET.replace("walk_away: 700000", "walk_away: 800000"))
        state = wait_for(lambda: (s := json.loads(fetch(url + "__negdocs__/state")))["problems"] and s)
        assert state["problems"] == ["playbooks/acme.yaml:6: error issue-order (the message is in the terminal)"]
        page = fetch(url + "proposal/acme.html")
        assert 'role="alert"' in page and "issue-order" in page and "731" not in page
    finally:
        proc.kill()
        proc.wait()
    assert "must not be better than floor (731,000 USD)" in proc.stderr.read()
