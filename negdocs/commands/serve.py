"""`negdocs serve`: build, serve on loopback, rebuild on change, reload open pages.

The site is built into a private folder with the same incremental build as `negdocs
build`, so a change rebuilds only what it touches. A broken edit keeps the last good site
served and shows its ``file:line`` problems on every page and in the terminal (in proposal
mode the pages only say that the build failed: problems can quote internal values).

Only loopback is served unless ``--public`` is given, and every request must name this
server in its Host header (loopback names, the bound address, with ``--public`` also an IP
address or this machine's name), so a web page cannot reach it by DNS rebinding.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import mimetypes
import re
import shutil
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from negdocs.errors import NegdocsError, Problem

WATCHED = ("playbooks", "templates", "strategies", "negdocs.yaml")
MAX_PATH = 2048  # characters of a request path; longer ones are refused
FAILED = "The build failed; see the terminal."  # all a proposal server says about a broken edit
RELOAD = """<script>
(function () {
  var seen = null;
  function poll() {
    fetch("/__negdocs__/state", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version; setTimeout(poll, 700);
    }).catch(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
</script>"""
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str | None:
    """The name in a Host header, lowercased, without port or IPv6 brackets; None if malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        name, sep, rest = header[1:].partition("]")
        if not sep:
            return None
    else:
        name, colon, port = header.partition(":")
        rest = colon + port
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return None
    return name or None


class Hosts:
    """Which Host headers this server answers: loopback names and the bound address; with
    ``public`` also any IP address (DNS rebinding needs a name) and this machine's name."""

    def __init__(self, bound: str, public: bool):
        self.public = public
        self.names = {"localhost", bound.strip("[]").lower()} - {""}
        if public:
            self.names.add(socket.gethostname().lower())

    def allowed(self, header: str | None) -> bool:
        name = host_name(header) if header else None
        if name is None:
            return False
        if name in self.names:
            return True
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False
        return address.is_loopback or self.public


class Site:
    """The last good build and the problems of the last attempt, shared with the handler."""

    def __init__(self, root: Path, edition: str, pdf: bool, log):
        self.root = root
        self.edition = edition
        self.pdf = pdf
        self.log = log
        self.folder = Path(tempfile.mkdtemp(prefix="negdocs-serve-")) / "site"
        self.version = 0
        self.problems: list[str] = []
        self.files: list[str] = []
        self.lock = threading.Lock()
        self.warm = contextlib.ExitStack()
        if pdf:  # PDF workers kept between rebuilds: a save shows its PDF without their start-up
            from negdocs.build import usable_cores
            from negdocs.render.pdf import keep_warm

            self.warm.enter_context(keep_warm(usable_cores()))

    def rebuild(self) -> bool:
        from negdocs.build import build

        try:
            result = build(out=self.folder, pdf=self.pdf, edition=self.edition, root=self.root)
        except NegdocsError as exc:
            with self.lock:
                self.problems = [str(p) for p in exc.problems]
                self.version += 1
            for line in self.problems:
                self.log(line)
            self.log(f"negdocs: {len(self.problems)} problem(s); still serving the last good site")
            return False
        changed = bool(result.rebuilt) or result.files != self.files or self.problems
        with self.lock:
            self.problems = []
            self.files = result.files
            if changed:
                self.version += 1
        if changed:
            for problem in result.problems:
                self.log(str(problem))
            self.log(f"negdocs: rebuilt {len(result.rebuilt)} deal file(s)")
        return True

    def state(self) -> dict:
        """What pages may know: in proposal mode, only that the last build failed."""
        with self.lock:
            problems = list(self.problems)
            version = self.version
        if problems and self.edition == "proposal":
            problems = [FAILED]
        return {"version": version, "problems": problems}

    def proposals(self) -> list[tuple[str, str]]:
        """``(url, title)`` of every proposal page of the last good build."""
        with self.lock:
            names = [n for n in self.files if n.startswith("proposal/") and n.endswith(".html")
                     and n != "proposal/index.html"]
        found = []
        for name in sorted(names):
            try:
                match = _TITLE.search((self.folder / name).read_text(encoding="utf-8"))
            except OSError:
                continue
            title = html.unescape(match.group(1)).strip() if match else name
            copy = f" (copy for {Path(name).stem})" if name.count("/") > 1 else ""  # proposal/<id>/<slug>.html
            found.append((f"/{name}", title + copy))
        return found

    def close(self):
        self.warm.close()
        shutil.rmtree(self.folder.parent, ignore_errors=True)


class Handler(BaseHTTPRequestHandler):
    """Serves the site folder, GET and HEAD only; never a dotfile (the manifest), never a
    path with control characters, backslashes or ``..``; in proposal mode only ``proposal/``."""

    site: Site
    hosts: Hosts
    server_version = "negdocs"
    sys_version = ""

    def log_message(self, format, *args):  # quiet: the terminal shows builds, not requests
        pass

    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        if not self.hosts.allowed(self.headers.get("Host")):
            return self._text(421 if self.headers.get("Host") else 400, "This server answers requests for "
                              "localhost only (it checks the Host header).", head)
        if len(self.path) > MAX_PATH:
            return self._text(414, "Request path too long.", head)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/__negdocs__/state":
            return self._send(200, "application/json", json.dumps(self.site.state()).encode(), head)
        name = _name(path)
        if name is None:
            return self._text(400, "Bad request path.", head)
        if self.site.edition == "proposal" and name in ("index.html", "proposal/index.html"):
            return self._send(200, "text/html; charset=utf-8", self._listing(), head)
        data = self._read(name) if self.site.edition != "proposal" or name.startswith("proposal/") else None
        if data is None:
            body = self._page("Not found", "<p>No such page. Is the deal id right?</p>")
            return self._send(404, "text/html; charset=utf-8", body, head)
        if name.endswith(".html"):
            return self._send(200, "text/html; charset=utf-8", self._inject(data.decode("utf-8", "replace")), head)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return self._send(200, kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript")
                                       else ""), data, head)

    def _read(self, name: str) -> bytes | None:
        target = self.site.folder / name
        try:
            return None if target.is_symlink() or not target.is_file() else target.read_bytes()
        except (OSError, ValueError):  # a name too long for the file system, a file removed meanwhile
            return None

    def _listing(self) -> bytes:
        """The proposal server's front page: made here, never written to disk."""
        items = "".join(f'<li><a href="{html.escape(url)}">{html.escape(title)}</a></li>'
                        for url, title in self.site.proposals())
        return self._page("Proposals", f"<ul>{items}</ul>" if items else "<p>No proposals yet.</p>")

    def _inject(self, page: str) -> bytes:
        state = self.site.state()
        extra = RELOAD
        if state["problems"]:
            items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in state["problems"])
            extra = (f'<div role="alert" id="negdocs-problems" style="position:fixed;inset:0 0 auto 0;z-index:9;'
                     f'background:#fff3f3;color:#5c0000;border-bottom:3px solid #a00;padding:1rem;max-height:60vh;overflow:auto">'
                     f"<strong>The last edit does not build; showing the last good version.</strong><ul>{items}</ul></div>" + extra)
        return page.replace("</body>", extra + "</body>", 1).encode("utf-8")

    def _page(self, title: str, body: str) -> bytes:
        return self._inject(f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>"
                            f"<body><h1>{title}</h1>{body}</body></html>")

    def _text(self, code: int, message: str, head: bool) -> None:
        self._send(code, "text/plain; charset=utf-8", (message + "\n").encode(), head)

    def _send(self, code: int, kind: str, body: bytes, head: bool = False):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _name(path: str) -> str | None:
    """The site-relative file a request path names, or None when it may not name one:
    undecodable, control characters, backslashes, empty, dot or dot-dot segments, dotfiles."""
    if not path.startswith("/"):
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        return None
    parts = decoded[1:].split("/")
    if any(part.startswith(".") or not part for part in parts[:-1]) or parts[-1].startswith("."):
        return None
    name = "/".join(parts)
    return name + "index.html" if name.endswith("/") or not name else name


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, log):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.log = log
        super().__init__(address, handler)

    def handle_error(self, request, client_address):  # one line, never a traceback
        import sys

        self.log(f"negdocs: a request failed: {sys.exc_info()[0].__name__}")


def serve(root: Path, host: str, port: int, edition: str, pdf: bool, log, ready=None,
          stop: threading.Event | None = None, public: bool = False):
    """Serve until Ctrl-C (or ``stop`` is set); returns cleanly.

    A ``host`` that is not loopback is refused unless ``public`` is given, and then warned about."""
    from watchfiles import watch

    if not is_loopback(host):
        if not public:
            shown = repr(host) if host else "'' (every address)"
            raise NegdocsError(Problem("--host", 0, f"{shown} is not a loopback address: it would serve the site "
                                       "to the network; pass --public as well to mean it", "usage"))
        log(f"negdocs: warning: --public: listening on {host or 'every address'}; anyone who can reach this machine "
            f"can read the {edition} edition")
    handler = type("BoundHandler", (Handler,), {"site": None, "hosts": Hosts(host, public)})
    try:
        server = _Server((host, port), handler, log)
    except (OSError, OverflowError, UnicodeError, ValueError) as exc:
        raise NegdocsError(Problem(f"{host}:{port}", 0, f"cannot listen: {getattr(exc, 'strerror', None) or exc}; "
                                   "try another --host or --port", "usage")) from exc
    site = Site(root, edition, pdf, log)
    handler.site = site
    site.rebuild()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shown = host if host and host not in ("0.0.0.0", "::") else "127.0.0.1"
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{server.server_address[1]}/"
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        import signal

        for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or a service manager: stop cleanly
            signal.signal(signum, lambda *_: stop.set())
    watched = [str(root / name) for name in WATCHED if (root / name).exists()] or [str(root)]
    announced = False
    try:
        for changes in watch(*watched, stop_event=stop, debounce=200, step=50, raise_interrupt=False,
                             yield_on_timeout=True, rust_timeout=300):
            if not announced:  # the watcher is live now: catch edits made since the first build, then announce
                site.rebuild()
                log(f"negdocs: serving {url} (Ctrl-C to stop)")
                if ready is not None:
                    ready(url)
                announced = True
            if not changes:
                continue
            names = sorted({Path(p).name for _, p in changes})
            log(f"negdocs: changed {', '.join(names)}")
            site.rebuild()
    finally:
        server.shutdown()
        server.server_close()
        site.close()
        log("negdocs: stopped")
