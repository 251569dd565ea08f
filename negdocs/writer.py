"""Writing the output folder: everything or nothing.

A build is written into a staging folder next to the output and swapped into place only
when complete, so an interrupted build leaves the previous output untouched. A folder
that negdocs did not write is never replaced.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from negdocs.errors import NegdocsError, Problem

MARKER = ".negdocs-build.json"


def is_ours(out: Path) -> bool:
    return not out.exists() or (out.is_dir() and (not any(out.iterdir()) or (out / MARKER).is_file()))


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_site(out: Path, files: dict[str, bytes], manifest: dict, reuse: dict[str, Path] | None = None) -> None:
    """Replace ``out`` with exactly ``files`` (relative path -> bytes) plus ``reuse`` (relative
    path -> an existing file, linked or copied over from the previous build)."""
    out = out.resolve()
    if not is_ours(out):
        raise NegdocsError(Problem(str(out), 0, f"refusing to replace {out}: it is not empty and was not written by negdocs; "
                                   "choose another --out", "usage"))
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    staging.mkdir()
    try:
        for name, data in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name, source in sorted((reuse or {}).items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)  # the old folder is removed after the swap; the link keeps the bytes
            except OSError:
                shutil.copyfile(source, target)
        (staging / MARKER).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
