"""`negdocs serve`: build, serve on loopback, rebuild on change, reload open pages.

The site is built into a private folder with the same incremental build as `negdocs
build`, so a change rebuilds only what it touches. A broken edit keeps the last good site
served and shows its ``file:line`` problems on every page and in the terminal.
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from negdocs.errors import NegdocsError

WATCHED = ("playbooks", "templates", "strategies", "negdocs.yaml")
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

    def rebuild(self) -> bool:
        from negdocs.build import build

        try:
            result = build(out=self.folder, pdf=self.pdf, edition=self.edition, root=self.root)
        except NegdocsError as exc:
            with self.lock:
                self.problems = [self.shown(p) for p in exc.problems]
                self.version += 1
            for problem in exc.problems:
                self.log(str(problem))
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

    def shown(self, problem) -> str:
        """A problem as the pages show it. Messages quote internal values (a walk-away, the
        BATNA), so a server of the proposal edition shows where and which rule only; the
        terminal, on our side, gets the whole message."""
        if self.edition != "proposal":
            return str(problem)
        return f"{problem.path}:{problem.line}: {problem.severity} {problem.rule} (the message is in the terminal)"

    def servable(self, path: str) -> bool:
        """Pages and assets of the edition served; never the build manifest or another dotfile,
        and, for the proposal edition, nothing outside proposal/."""
        from urllib.parse import unquote

        parts = unquote(path).split("/")
        if any(part.startswith(".") for part in parts):
            return False
        return self.edition != "proposal" or unquote(path).startswith("/proposal/")

    def state(self) -> dict:
        with self.lock:
            return {"version": self.version, "problems": list(self.problems)}

    def close(self):
        shutil.rmtree(self.folder.parent, ignore_errors=True)


class Handler(SimpleHTTPRequestHandler):
    site: Site

    def log_message(self, format, *args):  # quiet: the terminal shows builds, not requests
        pass

    def do_GET(self):
        if self.path.startswith("/__negdocs__/state"):
            return self._send(200, "application/json", json.dumps(self.site.state()).encode())
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        if not self.site.servable(path):
            body = self._page("Not found", "<p>No such page. Is the deal id right?</p>")
            return self._send(404, "text/html; charset=utf-8", body)
        if not path.endswith(".html"):
            return super().do_GET()
        target = (self.site.folder / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.site.folder.resolve()) or not target.is_file():
            body = self._page("Not found", "<p>No such page. Is the deal id right?</p>")
            return self._send(404, "text/html; charset=utf-8", body)
        return self._send(200, "text/html; charset=utf-8", self._inject(target.read_text(encoding="utf-8")))

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

    def _send(self, code: int, kind: str, body: bytes):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(root: Path, host: str, port: int, edition: str, pdf: bool, log, ready=None, stop: threading.Event | None = None):
    """Serve until Ctrl-C (or ``stop`` is set); returns cleanly."""
    from watchfiles import watch

    handler = type("BoundHandler", (Handler,), {"site": None})
    try:
        server = ThreadingHTTPServer((host, port), partial(handler, directory="."))
    except OSError as exc:
        from negdocs.errors import Problem

        raise NegdocsError(Problem(f"{host}:{port}", 0, f"cannot listen: {exc.strerror or exc}; try another --port",
                                   "usage")) from exc
    site = Site(root, edition, pdf, log)
    handler.site = site
    server.RequestHandlerClass = partial(handler, directory=str(site.folder))
    site.rebuild()
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://{host}:{server.server_address[1]}/"
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
