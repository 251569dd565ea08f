"""`negdocs serve` for real: a process on a free port, edits seen within seconds, and
nothing served that a request should not reach."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from conftest import proc_stat, python_children

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


def raw(url: str, target: str, host: str | None = "127.0.0.1", method: str = "GET") -> tuple[int, bytes]:
    """Send a request line and Host header exactly as given (no client-side quoting)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        head = f"{method} {target} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "")
        sock.sendall((head + "Connection: close\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2]


class Server:
    def __init__(self, project, proc, url, lines):
        self.project, self.proc, self.url, self.lines = project, proc, url, lines

    def stop(self) -> str:
        """Ctrl-C, then everything it printed on stderr (read once, to the end)."""
        self.proc.send_signal(signal.SIGINT)
        rest = self.proc.communicate(timeout=15)[1]
        return "".join(self.lines) + rest


def start(project, *args):
    proc = subprocess.Popen([sys.executable, "-m", "negdocs", "serve", "--port", "0", *args], cwd=project.root,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = None
    lines = []
    deadline = time.monotonic() + 30
    while url is None and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if "serving http" in line:
            url = line.split("serving ", 1)[1].split()[0]
    assert url, "".join(lines)
    return Server(project, proc, url, lines)


@pytest.fixture
def serving(make_project):
    started = []

    def run(*args, files=None):
        project = make_project(files or {"playbooks/acme.yaml": DEAL.format(title="First title")})
        started.append(start(project, *args))
        return started[-1]

    yield run
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
        server.proc.wait()


def test_serves_the_site_and_sees_an_edit_within_seconds(serving):
    server = serving()
    url = server.url
    assert "First title" in fetch(url)
    assert url.startswith("http://127.0.0.1:")
    server.project.write("playbooks/acme.yaml", DEAL.format(title="Second title"))
    wait_for(lambda: "Second title" in fetch(url) and "Second title" in fetch(url + "acme.html"))


@pytest.mark.pdf
def test_serve_pdf_prints_each_edit_with_its_kept_workers(serving):
    """serve --pdf: each save gets its new PDF from the same PDF workers (kept between
    rebuilds, so no WeasyPrint start-up per save), and Ctrl-C ends them."""
    import io

    from pypdf import PdfReader

    server = serving("--pdf")
    workers = wait_for(lambda: set(python_children(server.proc.pid)))

    def title_in_pdf(title):
        with urllib.request.urlopen(server.url + "acme.pdf", timeout=5) as response:
            return title in PdfReader(io.BytesIO(response.read())).pages[0].extract_text()

    assert title_in_pdf("First title")
    for n in (2, 3):
        server.project.write("playbooks/acme.yaml", DEAL.format(title=f"Edit {n}"))
        wait_for(lambda: title_in_pdf(f"Edit {n}"), 30)
    assert set(python_children(server.proc.pid)) == workers
    server.stop()
    wait_for(lambda: not any(_running(pid) for pid in workers))


def _running(pid: int) -> bool:
    try:
        return proc_stat(pid)[0] not in "ZX"
    except (OSError, IndexError):
        return False


def test_a_broken_edit_shows_problems_and_keeps_the_old_site(serving):
    server = serving()
    url = server.url
    server.project.write("playbooks/acme.yaml", DEAL.format(title="First title").replace("context: sales", "context: sale"))
    state = wait_for(lambda: (s := json.loads(fetch(url + "__negdocs__/state")))["problems"] and s)
    assert state["problems"] == ["playbooks/acme.yaml:3: error schema: context: 'sale' is not allowed; use one of: "
                                 "sales, partnership, procurement or hiring (did you mean 'sales'?)"]
    page = fetch(url + "acme.html")
    assert 'role="alert"' in page and "playbooks/acme.yaml:3" in page
    assert "First title" in page  # the last good site stays served
    server.project.write("playbooks/acme.yaml", DEAL.format(title="Fixed"))
    wait_for(lambda: "Fixed" in fetch(url + "acme.html") and 'role="alert"' not in fetch(url + "acme.html"))


def test_ctrl_c_stops_cleanly(serving):
    server = serving()
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(timeout=10) == 0
    err = server.proc.stderr.read()  # one read, to the end
    assert "negdocs: stopped" in err
    assert "Traceback" not in err


def test_only_requests_for_this_server_are_answered(serving):
    """DNS rebinding: a page on evil.example that re-resolves to 127.0.0.1 sends Host: evil.example."""
    server = serving()
    port = urlsplit(server.url).port
    for host in ("127.0.0.1", f"127.0.0.1:{port}", "localhost", f"LOCALHOST:{port}", "[::1]", f"[::1]:{port}",
                 "127.0.0.2"):
        status, body = raw(server.url, "/acme.html", host)
        assert (status, b"First title" in body) == (200, True), host
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example",
                 "10.0.0.1", "[::1", "127.0.0.1:80x", "", "localhost@evil.example"):
        status, body = raw(server.url, "/acme.html", host)
        assert status in (400, 421) and b"First title" not in body, host
        status, body = raw(server.url, "/__negdocs__/state", host)
        assert status in (400, 421) and b"version" not in body, host
    status, body = raw(server.url, "/acme.html", None)  # no Host header at all
    assert status == 400 and b"First title" not in body


ODD_PATHS = ["/a%00b", "/%00", "/acme.html%00.txt", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
             "/assets/../.negdocs-build.json", "/.negdocs-build.json", "/%2enegdocs-build.json", "/a\\b",
             "/..\\..\\etc\\passwd", "/%ff%fe", "/" + "a" * 5000, "/" + "a" * 300 + ".html", "/a" * 1000,
             "/a//b", "//etc/passwd", "/%0d%0aSet-Cookie:x", "/assets", "/assets/", "/acme.html/x"]


def test_odd_paths_never_reach_outside_files_or_print_a_traceback(serving):
    server = serving()
    for path in ODD_PATHS:
        for method in ("GET", "HEAD"):
            status, body = raw(server.url, path, method=method)
            assert status in (400, 404, 414), (path, method, status)
            assert b"root:" not in body and b'"files"' not in body and b"deals" not in body, path
    assert raw(server.url, "/assets/negdocs.js")[0] == 200  # ordinary files still served
    assert raw(server.url, "/acme.html", method="HEAD") == (200, b"")
    assert raw(server.url, "/acme.html?x=1#y")[0] == 200
    err = server.stop()
    assert "negdocs: stopped" in err
    assert "Traceback" not in err and "Error" not in err, err


def test_a_host_that_is_not_loopback_needs_public(make_project):
    project = make_project({"playbooks/acme.yaml": DEAL.format(title="First title")})
    def serve(*args):  # a subprocess with a timeout: a regression fails instead of serving forever
        return subprocess.run([sys.executable, "-m", "negdocs", "serve", "--port", "0", *args], cwd=project.root,
                              capture_output=True, text=True, timeout=60)

    for host in ("0.0.0.0", "", "::", "example.com"):
        result = serve("--host", host)
        assert result.returncode == 2, host
        assert "is not a loopback address: it would serve the site to the network; pass --public" in result.stderr
        assert "Traceback" not in result.stderr
    result = serve("--host", "127.0.0.1\nx", "--public")
    assert result.returncode == 2 and "cannot listen" in result.stderr and "Traceback" not in result.stderr


def test_public_warns_and_serves(serving):
    server = serving("--host", "0.0.0.0", "--public")
    assert any("warning: --public: listening on 0.0.0.0; anyone who can reach this machine can read the internal "
               "edition" in line for line in server.lines)
    assert server.url.startswith("http://127.0.0.1:")
    assert "First title" in fetch(server.url + "acme.html")
    assert raw(server.url, "/acme.html", "evil.example")[0] == 421  # still no DNS rebinding


SECRET_DEAL = DEAL + ("issues:\n  - id: price\n    name: Price\n    kind: money\n    better: higher\n    open: 150000\n"
                      "    target: 130000\n    floor: 120000\n    walk_away: 111111\n")


def test_proposal_mode_lists_proposals_and_shows_nothing_internal(serving):
    server = serving("--edition", "proposal", files={"playbooks/acme.yaml": SECRET_DEAL.format(title="Acme <renewal>"),
                                                     "playbooks/beta.yaml": DEAL.format(title="Beta deal")
                                                     + "counterparty: {name: Beta}\nproposal:\n  recipients: [{name: Jo Park}]\n"})
    front = fetch(server.url)  # the URL serve announced
    assert '<a href="/proposal/acme.html">Acme &lt;renewal&gt;' in front
    assert '<a href="/proposal/beta.html">Beta deal' in front
    assert '<a href="/proposal/beta/jo-park.html">Beta deal: proposal for Beta (copy for jo-park)' in front
    assert fetch(server.url + "proposal/") == front
    assert "Acme &lt;renewal&gt;" in fetch(server.url + "proposal/acme.html")
    assert not list(server.project.root.rglob("index.html"))  # the listing is never written to disk
    for path in ("/.negdocs-build.json", "/acme.html", "/index.html/../.negdocs-build.json", "/search-index.js"):
        status, body = raw(server.url, path)
        assert status in (400, 404) and b"111111" not in body, path
    # a broken edit: the problem quotes an internal value; pages and state only say the build failed
    server.project.write("playbooks/acme.yaml", SECRET_DEAL.format(title="Acme").replace("walk_away: 111111",
                                                                                          "walk_away: 999999"))
    state = wait_for(lambda: (s := json.loads(fetch(server.url + "__negdocs__/state")))["problems"] and s)
    assert state["problems"] == ["The build failed; see the terminal."]
    for page in (fetch(server.url), fetch(server.url + "proposal/acme.html")):
        assert "The build failed; see the terminal." in page
        assert "120,000" not in page and "acme.yaml" not in page and "walk_away" not in page
    err = server.stop()
    assert "playbooks/acme.yaml:13: error issue-order: issues[0].walk_away: must not be better than floor (120,000 USD)" \
        in err  # the terminal has the whole problem
