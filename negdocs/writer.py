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


def write_site(out: Path, files: dict[str, bytes], manifest: dict, reuse: dict[str, Path] | None = None) -> None:
    """Replace ``out`` with exactly ``files`` (relative path -> bytes) plus ``reuse`` (relative
    path -> an existing file, linked or copied over from the previous build)."""
    out = out.resolve()
    if not is_ours(out):
        raise NegdocsError(Problem(str(out), 0, f"refusing to replace {out}: it is not empty and was not written by negdocs; "
                                   "choose another --out", "usage"))
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
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


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()


def _recover(out: Path) -> None:
    """Tidy up after builds that were killed: remove their staging folders, and if one died
    between the two renames of the swap, put its previous output back."""
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        if not _alive(stale.name.rsplit("-", 1)[-1]):
            shutil.rmtree(stale, ignore_errors=True)
    for old in sorted(out.parent.glob(f".{out.name}.old-*")):
        if _alive(old.name.rsplit("-", 1)[-1]):
            continue
        if not out.exists():
            os.rename(old, out)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
