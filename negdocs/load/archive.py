"""Zip archives from outside (a Word template, a proposal given to ``negdocs trace``),
opened with their size checked before anything is expanded.

The sizes a zip declares for its members are checked against a limit before any member is
read, and every read is bounded by the declared size (Python's zipfile stops there), so an
archive cannot expand past the limit however it is crafted.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from contextlib import contextmanager

from negdocs.errors import NegdocsError, Problem

MEMBERS_MAX = 10_000


@contextmanager
def checked_zip(data: bytes, shown: str, expanded_max: int, rule: str = "template", line: int = 1):
    """``data`` as an open ZipFile whose members together expand to at most ``expanded_max``
    bytes; any problem is a NegdocsError naming ``shown``."""

    def fail(message: str):
        raise NegdocsError(Problem(shown, line, message, rule))

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as exc:
        fail(f"is not a readable .docx (zip) file: {exc}")
    with archive:
        members = archive.infolist()
        if len(members) > MEMBERS_MAX:
            fail(f"holds {len(members):,} files; the limit is {MEMBERS_MAX:,}")
        total = sum(member.file_size for member in members)
        if total > expanded_max:
            fail(f"expands to {total / 2**20:,.0f} MiB; the limit is {expanded_max // 2**20} MiB")
        if any(member.flag_bits & 0x1 for member in members):
            fail("is encrypted")
        try:
            yield archive
        except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError, OSError, RuntimeError, zlib.error,
                lzma.LZMAError) as exc:
            fail(f"cannot be read: {exc}")
