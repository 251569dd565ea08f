"""`negdocs trace FILE`: which deal, recipient and version a stamped proposal copy comes from.

The reference code is read from the copy's text (a PDF's pages, a Word file's document,
headers, footers and properties, an HTML page), so it is found after the metadata was
stripped or the PDF was printed to a new PDF. It is compared with the code of every
recipient of every deal of the project, first as the deal is now, then (in a git repository)
as each committed version of its file was. The file comes from outside: it is refused over
50 MiB, a Word file whose members would expand past 200 MiB is refused before anything is
expanded, PDF text is extracted in a child process under memory and CPU limits, nothing in
the file is fetched or run, and its XML is never handed to an XML parser.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from negdocs.analyse import reference
from negdocs.analyse.fingerprint import fingerprint
from negdocs.errors import NegdocsError, Problem, display_path
from negdocs.load.archive import checked_zip
from negdocs.load.files import read_bounded
from negdocs.load.recipients import slug

MAX_FILE = 50 * 1024 * 1024
MAX_EXPANDED = 200 * 1024 * 1024
MAX_PAGES = 50  # pages of a PDF searched for the code (the stamp is on every page)
PDF_MEMORY = 1024  # MiB of address space for the PDF reader
PDF_CPU = 60  # seconds of CPU for the PDF reader
MAX_VERSIONS = 500  # committed versions of one deal file compared
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Match:
    deal: str
    recipient: str
    since: str | None  # the commit the copy's terms come from, when they changed since; None: unchanged


def trace(file: Path, root: Path) -> tuple[list[str], Match | None]:
    """The reference codes found in ``file`` and the copy they identify (None: no deal of the project)."""
    shown = display_path(file, root)
    codes = reference.find(read_text(file, shown))
    if not codes:
        raise NegdocsError(Problem(shown, 0, "no reference code in this file; a recipient's copy of a proposal carries "
                                             "'Reference' and 10 letters and digits on every page", "trace"))
    return codes, _find(set(codes), root)


def read_text(file: Path, shown: str) -> str:
    """The text of a PDF, Word or HTML file, read within the limits."""
    data = read_bounded(file, shown, MAX_FILE, "trace")
    if data.startswith(b"%PDF") or data[:1024].lstrip().startswith(b"%PDF"):
        return _pdf_text(data, shown)
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data, shown)
    return _markup_text(data.decode("utf-8", "replace"))


def _markup_text(markup: str) -> str:
    """Text of HTML or XML by pattern, with no parser that could fetch or expand anything."""
    markup = re.sub(r"</w:p>|</p>|<br\b[^>]*>|</(?:div|li|td|th|h\d)>", "\n", markup)
    return html.unescape(_TAG.sub("", markup))


def _docx_text(data: bytes, shown: str) -> str:
    parts = []
    with checked_zip(data, shown, MAX_EXPANDED, rule="trace", line=0) as archive:
        for info in archive.infolist():
            name = info.filename
            if name.endswith(".xml") and name.startswith(("word/", "docProps/")):
                with archive.open(info) as member:
                    parts.append(_markup_text(member.read(info.file_size).decode("utf-8", "replace")))
    return "\n".join(parts)


def _pdf_text(data: bytes, shown: str) -> str:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_limits) as pool:
            text, error = pool.submit(_extract, data).result()
    except BrokenProcessPool:
        text, error = None, f"reading it took more than {PDF_CPU} s of CPU or {PDF_MEMORY} MiB of memory"
    if error:
        raise NegdocsError(Problem(shown, 0, f"cannot read this PDF: {error}", "trace"))
    return text


def _limits() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY << 20, PDF_MEMORY << 20))
    resource.setrlimit(resource.RLIMIT_CPU, (PDF_CPU, PDF_CPU))


def _extract(data: bytes) -> tuple[str | None, str | None]:
    """In the child: the text of the first pages until one holds a code (pypdf: pure Python,
    it runs no script and fetches nothing)."""
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        texts = []
        for page in list(reader.pages)[:MAX_PAGES]:
            texts.append(page.extract_text() or "")
            if reference.find(texts[-1]):
                break
        return "\n".join(texts), None
    except MemoryError:
        return None, f"it needs more than {PDF_MEMORY} MiB of memory"
    except Exception as exc:  # a damaged or hostile PDF: say so, never a traceback
        return None, f"{type(exc).__name__}: {str(exc)[:200]}"


def _find(codes: set[str], root: Path) -> Match | None:
    """The newest version of a deal file with a recipient whose code is among ``codes``."""
    from negdocs.load.loader import read_limited
    from negdocs.project import Project

    project = Project.load(root)
    for path in project.discover([root / "playbooks"]) if (root / "playbooks").is_dir() else []:
        try:
            raw = read_limited(path, project.display(path), project.root)
        except NegdocsError:
            raw = None
        current = _deal(raw, path, project.display(path))
        versions = [(None, current)] if current else []
        versions += [(commit, deal) for commit, deal in _history(project.root, path) if deal]
        for commit, (deal_id, deal) in versions:
            for recipient in deal.proposal.recipients if deal.proposal else []:
                if reference.code(deal_id, slug(recipient.name), deal) in codes:
                    same = current is not None and fingerprint(current[1]) == fingerprint(deal)
                    return Match(deal_id, recipient.name, None if same else commit)
    return None


def _deal(raw: bytes | None, path: Path, shown: str):
    """``(id, Deal)`` of a deal file's bytes, or None when they are not a valid deal."""
    from pydantic import ValidationError

    from negdocs.load.loader import read_source
    from negdocs.load.model import Deal
    from negdocs.load.validate import deal_id

    if raw is None:
        return None
    try:
        source = read_source(path, shown, raw=raw)
        deal = Deal.model_validate(source.data)
    except (NegdocsError, ValidationError):
        return None
    return deal_id(source, deal), deal


def _history(root: Path, path: Path):
    """``(commit, (id, Deal) or None)`` of each committed version of ``path``, newest first."""
    from negdocs.git import gitinfo

    top = gitinfo.toplevel(root)
    if top is None or not path.resolve().is_relative_to(top):
        return []
    rel = path.resolve().relative_to(top).as_posix()
    return [(commit[:12], _deal(data, path, f"{commit[:12]}:{rel}")) for commit, _, data in gitinfo.versions(top, rel, MAX_VERSIONS)]
