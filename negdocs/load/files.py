"""Reading a project's files safely: a bounded read of regular files only, and no way out of
the project through a link.

A pull request can add a symbolic link as easily as a file; every reader of deal files,
settings, packs, templates and logos asks :func:`escapes` before it opens anything.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from negdocs.errors import NegdocsError, Problem

MAX_BYTES = 1024 * 1024
OUTSIDE = "is a link to a file outside the project; negdocs reads only files inside it: replace the link with the file"


def escapes(path: Path, root: Path) -> bool:
    """True when ``path`` lies inside ``root`` as written but resolves outside it: a link (or a
    linked folder) that leads out of the project. A path written outside ``root`` is the
    caller's own choice and does not count."""
    try:
        written = Path(os.path.abspath(path))
        if not any(written.is_relative_to(base) for base in (Path(os.path.abspath(root)), root.resolve())):
            return False
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):  # a loop of links, a name the system refuses
        return True


def read_limited(path: Path, display: str, root: Path | None = None) -> bytes:
    """The bytes of a project file (deal, settings, pack) of at most :data:`MAX_BYTES`; a file
    inside ``root`` (default: the current folder) that links outside it is refused unread."""
    if escapes(path, root or Path.cwd()):
        raise NegdocsError(Problem(display, 1, OUTSIDE, rule="yaml"))
    return read_bounded(path, display, MAX_BYTES, "yaml", line=1)


def read_bounded(path: Path, display: str, limit: int, rule: str, line: int = 0) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never blocks on a FIFO or reads
    past the limit, even if the file grows while it is read. Failures are ``rule`` problems."""

    def fail(message: str):
        raise NegdocsError(Problem(display, line, message, rule=rule))

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:
        fail(f"cannot read file: {getattr(exc, 'strerror', None) or exc}")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            fail("not a regular file")
        if info.st_size > limit:
            fail(f"file is {info.st_size:,} bytes; the limit is {limit:,} bytes")
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            fail(f"cannot read file: {exc.strerror or exc}")
    if len(raw) > limit:
        fail(f"file is over {limit:,} bytes, the limit")
    return raw
