"""HTML -> PDF with WeasyPrint: the only module that imports it.

WeasyPrint gets a URL fetcher that reads files inside the project only and never the
network; what it refuses is reported. PDFs are rendered in worker processes started once
per build, each importing WeasyPrint once.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class PdfJob:
    """One document to print."""

    key: str  # the output name, e.g. "acme.pdf"
    html: str  # path of the HTML file to print
    root: str  # files under this folder may be read; nothing else
    label: str  # names the deal in messages
    css: str = ""  # paged-media rules for the PDF only (string-set and string() are not valid for a browser)
    stamps: str = ""  # HTML of the recipients' stamps, one page each (see negdocs.render.stamp)
    copies: tuple = ()  # (output name, subject, keywords) of each stamped copy, one per stamp page


@dataclass
class PdfResult:
    key: str
    data: bytes = b""
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    copies: list[tuple[str, bytes]] = field(default_factory=list)  # the stamped copies: (name, PDF)


_DATA_URI = re.compile(r"data:([\w.+-]+/[\w.+-]+)?[^\s\"'<>)]*")


def scrub(message: str) -> str:
    """A WeasyPrint message without the data: URIs it quotes (the logo, base64 of the whole
    file): only their media type is kept."""
    return _DATA_URI.sub(lambda m: f"data:{m.group(1) or ''},...", message)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(scrub(record.getMessage()))


def project_file(url: str, root: Path) -> Path | None:
    """The file a ``file:`` URL names, when negdocs may read it: a regular file inside ``root``
    once every link is resolved, named by an absolute path on this machine (no host but
    ``localhost``). Anything else, including URLs that do not decode, gives None."""
    try:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc.lower() not in ("", "localhost") or not parts.path.startswith("/"):
            return None
        path = Path(unquote(parts.path, errors="strict")).resolve()
        return path if path.is_relative_to(root.resolve()) and path.is_file() else None
    except (OSError, ValueError):  # NUL bytes, undecodable escapes, names too long
        return None


@functools.lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint import URLFetcher

    class ProjectFetcher(URLFetcher):
        """Serves ``data:`` URLs (inline content, nothing is fetched) and the ``file:`` URLs
        :func:`project_file` allows; refuses everything else (http, https, ftp, ...)."""

        def __init__(self, root: str, refused: list[str]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.root = Path(root).resolve()
            self.refused = refused

        def fetch(self, url, headers=None):
            if urlsplit(url).scheme == "data":
                return super().fetch(url, headers)
            path = project_file(url, self.root)
            if path is not None:
                from weasyprint.urls import URLFetcherResponse

                try:
                    return URLFetcherResponse(path.as_uri(), path.read_bytes())
                except OSError:  # unreadable: refused like the rest
                    pass
            self.refused.append(url if len(url) < 120 else url[:117] + "...")
            raise ValueError(f"negdocs does not fetch {url[:80]}")

    return ProjectFetcher


def _limit(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


TIMEOUT = _limit("NEGDOCS_PDF_TIMEOUT", 120)  # seconds per document (a positive whole number)
MEMORY = _limit("NEGDOCS_PDF_MEMORY_MB", 2048)  # address space per worker, MB
RECYCLE = 64  # documents per worker before it is replaced: WeasyPrint's memory creeps per document


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def render(job: PdfJob) -> PdfResult:
    """Print one HTML document within the time limit; never raises for problems in the document."""
    import signal

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        return _render(job)
    except _Timeout:
        return PdfResult(job.key, error=f"stopped after {TIMEOUT} s (NEGDOCS_PDF_TIMEOUT); simplify {job.label} or raise the limit")
    except (MemoryError, OSError) as exc:
        if not out_of_memory(exc):
            raise
        return PdfResult(job.key, error=f"ran out of memory ({MEMORY} MB, NEGDOCS_PDF_MEMORY_MB) rendering {job.label}")
    finally:
        signal.alarm(0)


def out_of_memory(exc: BaseException) -> bool:
    """MemoryError, or an OSError for memory (ENOMEM): what the address-space limit raises in a
    worker, the latter where the system refuses it (e.g. listing a package's folder on import)."""
    return isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno == errno.ENOMEM)


def _render(job: PdfJob) -> PdfResult:
    import weasyprint

    from negdocs.render import weasyfast

    weasyfast.install()  # costs that buy nothing visible (a no-op once done)

    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    refused: list[str] = []
    try:
        fetcher = _fetcher_class()(job.root, refused)
        html = Path(job.html).read_text(encoding="utf-8")
        if job.css:  # after the page's own styles, so its @page rules win
            html = html.replace("</head>", "<style>\n" + job.css.replace("</", "<\\/") + "\n</style>\n</head>", 1)
        document = weasyprint.HTML(string=html, base_url=Path(job.root).as_uri() + "/", url_fetcher=fetcher)
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=job.key.encode(),
                                  custom_metadata=True)
        copies = []
        if job.copies:
            from negdocs.render.stamp import stamp

            sheet = weasyprint.HTML(string=job.stamps, base_url=Path(job.root).as_uri() + "/", url_fetcher=fetcher).write_pdf()
            copies = stamp(data, sheet, job.copies)
    except (_Timeout, MemoryError):
        raise
    except Exception as exc:  # WeasyPrint's own failures are reported per document
        if out_of_memory(exc):
            raise
        return PdfResult(job.key, error=scrub(f"{type(exc).__name__}: {exc}"))
    finally:
        logger.removeHandler(handler)
    warnings = [f"refused to fetch {url}" for url in refused]
    warnings += [m for m in handler.messages if not m.startswith(("Failed to load", "Error fetching", "Failed to fetch"))
                 or not refused]
    return PdfResult(job.key, data, warnings, copies=copies)


def die_with_parent(parent: int, prctl: bool = True, watchdog: bool = True) -> None:
    """Make this worker process end when ``parent`` does, ``kill -9`` included.

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); a thread
    that checks every half second whether the worker was handed to another parent covers
    other systems and a parent that died before this ran.
    """
    import signal
    import threading

    if prctl:
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - not Linux: the watchdog does it
            pass
    if os.getppid() != parent:  # the parent is already gone
        os._exit(1)
    if watchdog:
        def watch():
            import time

            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="negdocs-parent-watchdog", daemon=True).start()


def _init_worker(parent: int):
    import resource

    die_with_parent(parent)
    limit = MEMORY * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:  # import once per worker; a failure here would only be printed by the pool, with a traceback
        import weasyprint  # noqa: F401

        from negdocs.render import weasyfast

        weasyfast.install()
    except (MemoryError, OSError) as exc:
        if not out_of_memory(exc):
            raise
        # the first document imports again and reports the memory limit with its deal file


def render_all(jobs: list[PdfJob], workers: int, progress=None, done=None) -> list[PdfResult]:
    """Print every job in worker processes, each importing WeasyPrint once and replaced after
    RECYCLE documents (WeasyPrint's memory creeps by about 0.5 MiB per document).

    Workers run under a memory limit and each document under a time limit, so a document
    that runs away fails with a message naming it instead of taking the machine down; they
    end with this process, also when it is killed (see :func:`die_with_parent`).
    With ``done(job, result)``, each result is handed over as it arrives and not kept.
    Inside :func:`keep_warm` the kept workers print them, whatever ``workers`` says.
    """
    results: list[PdfResult] = []
    if not jobs:
        return results
    if _WARM:
        pool = _warm_pool()
        _WARM["printed"] += len(jobs)
        if not _collect(pool, jobs, 0, len(jobs), progress, done, results):
            _WARM["pool"] = None  # a worker died: the next build starts a new pool
            _retire(pool)
        return results
    workers = max(1, min(workers, len(jobs)))
    batch = RECYCLE * workers
    for start in range(0, len(jobs), batch):  # a fresh pool per batch: workers are recycled
        chunk = jobs[start:start + batch]
        with _pool(min(workers, len(chunk))) as pool:
            _collect(pool, chunk, start, len(jobs), progress, done, results)
    return results


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),))


def _collect(pool, chunk: list[PdfJob], start: int, total: int, progress, done, results: list) -> bool:
    """Submit ``chunk`` to ``pool`` and hand over each result in order; False when a worker died."""
    from concurrent.futures.process import BrokenProcessPool

    intact = True
    futures = [pool.submit(render, job) for job in chunk]
    for n, (job, future) in enumerate(zip(chunk, futures), start + 1):
        try:
            result = future.result()
        except BrokenProcessPool:
            intact = False
            result = PdfResult(job.key, error=f"a PDF worker died while rendering {job.label} or a document "
                                              "before it (out of memory or killed)")
        futures[n - start - 1] = None  # let the finished future's bytes go
        if progress is not None:
            progress(job.label, n, total)
        if done is not None:
            done(job, result)
        else:
            results.append(result)
    return intact


_WARM: dict = {}  # while keep_warm() is active: the kept pool, its workers, documents printed


@contextlib.contextmanager
def keep_warm(workers: int):
    """Keep ``workers`` PDF workers between the builds run inside, WeasyPrint imported and a
    page printed ahead (``serve --pdf``: a saved edit shows its PDF without a worker's start-up).
    They are replaced after RECYCLE documents each, or when one dies."""
    _WARM.update(workers=max(1, workers), pool=None, printed=0)
    try:
        _warm_pool()
        yield
    finally:
        pool = _WARM.get("pool")
        _WARM.clear()
        if pool is not None:
            _retire(pool)


def _retire(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and wait for the workers: with ``wait=False`` concurrent.futures
    leaves an exit hook that can write to the closed wake-up pipe at interpreter exit."""
    pool.shutdown(wait=True, cancel_futures=True)


def _warm_pool() -> ProcessPoolExecutor:
    pool = _WARM["pool"]
    broken = getattr(pool, "_broken", False)  # a worker died between builds (the executor noticed)
    if pool is None or broken or _WARM["printed"] >= RECYCLE * _WARM["workers"]:
        if pool is not None:
            pool.shutdown(wait=False)
        pool = _pool(_WARM["workers"])
        for _ in range(_WARM["workers"]):
            pool.submit(_warm_up)  # not awaited: the workers get ready while the first build runs
        _WARM.update(pool=pool, printed=0)
    return pool


def _warm_up() -> None:
    """Print one small page, so a worker's first document pays no first-use set-up (fonts)."""
    try:
        import weasyprint

        weasyprint.HTML(string="<p>negdocs</p>").write_pdf()
    except Exception:  # noqa: BLE001 - a real document reports the same failure with its deal file
        pass


def available() -> str | None:
    """None when WeasyPrint and its system libraries load; otherwise what is missing."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return (f"WeasyPrint cannot load its system libraries ({exc}); on Debian or Ubuntu run: "
                "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0")
    return None
