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


class Staging:
    """A build's output, written into a folder next to ``out`` and swapped in by :meth:`commit`.

    Used as a context manager: leaving it by an exception removes the staging folder, so
    ``out`` is only ever replaced by a complete build.
    """

    def __init__(self, out: Path):
        self.out = out.resolve()
        if not is_ours(self.out):
            raise NegdocsError(Problem(str(self.out), 0, f"refusing to replace {self.out}: it is not empty and was not "
                                       "written by negdocs; choose another --out", "usage"))
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _recover(self.out)
        self.folder = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir()
        self.names: set[str] = set()

    def _target(self, name: str) -> Path:
        if name in self.names:  # two outputs with one name would silently lose one
            raise NegdocsError(Problem(name, 0, "two outputs have this name", "duplicate-id"))
        self.names.add(name)
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, name: str, data: bytes) -> Path:
        target = self._target(name)
        target.write_bytes(data)
        return target

    def link(self, name: str, source: Path) -> None:
        """Carry a file over from the previous build (hard link; a copy across filesystems)."""
        target = self._target(name)
        try:
            os.link(source, target)  # the old folder is removed after the swap; the link keeps the bytes
        except OSError:
            shutil.copyfile(source, target)

    def commit(self, manifest: dict) -> None:
        (self.folder / MARKER).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _swap(self.folder, self.out)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


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
