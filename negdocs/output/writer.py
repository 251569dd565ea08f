"""Writing the output folder: everything or nothing, and never over a folder we did not write.

A build is written into a staging folder next to the output and swapped into place only
when complete, so an interrupted build leaves the previous output untouched. The manifest
it leaves in the output lists every file with its SHA-256; a folder is replaced only when
it is empty or its manifest verifies (it parses, has the expected keys, and lists exactly
the files present with their hashes). A bare marker file, a manifest from an older negdocs,
or a folder with a file negdocs did not write (or a file changed since) is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from pathlib import Path

from negdocs.errors import NegdocsError, Problem, display_path

MARKER = ".negdocs-build.json"
MANIFEST_VERSION = 3  # 3: the manifest lists every file of the output with its SHA-256
MAX_MANIFEST = 128 * 1024 * 1024  # bytes; a manifest of ten thousand deals is far smaller
_SHA = re.compile(r"[0-9a-f]{64}\Z")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


_ADVICE = {"replace": "delete it yourself or choose another --out", "merge": "build this shard again"}


def _refuse(folder: Path, why: str, action: str = "replace", advice: str = "") -> NegdocsError:
    return NegdocsError(Problem(display_path(folder), 0, f"refusing to {action} {folder.name}/: {why}; {advice or _ADVICE[action]}",
                                "usage"))


def _listing(folder: Path, action: str) -> dict[str, Path]:
    """Every regular file under ``folder`` (posix relative names), the manifest left out.
    Raises on anything negdocs never writes: links, devices, sockets, pipes."""
    found: dict[str, Path] = {}
    todo = [folder]
    while todo:
        current = todo.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                path = Path(entry.path)
                name = path.relative_to(folder).as_posix()
                if entry.is_dir(follow_symlinks=False):
                    todo.append(path)
                elif entry.is_file(follow_symlinks=False):
                    if name != MARKER:
                        found[name] = path
                else:
                    raise _refuse(folder, f"{_shown(name)} is a link or a special file, which negdocs never writes",
                                  action)
    return found


def _shown(name: str) -> str:
    return repr(name if len(name) <= 80 else name[:77] + "...")


def _names(names) -> str:
    names = sorted(names)
    return ", ".join(map(_shown, names[:3])) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def read_manifest(folder: Path, action: str = "replace") -> dict:
    """The manifest of a folder negdocs wrote, verified against the files present.

    Raises :class:`NegdocsError` (rule ``usage``) saying what does not hold: no manifest,
    one that is not a regular file, too big, not JSON, not an object, of another version,
    without a valid ``files`` table, or a table that does not list exactly the files
    present with their SHA-256.
    """
    path = folder / MARKER
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise _refuse(folder, f"it was not written by negdocs (it has no {MARKER})", action) from None
    except OSError as exc:
        raise _refuse(folder, f"cannot read {MARKER}: {exc.strerror}", action) from exc
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(folder, f"{MARKER} is not a regular file", action)
    if info.st_size > MAX_MANIFEST:
        raise _refuse(folder, f"{MARKER} is {info.st_size} bytes, more than negdocs ever writes "
                              f"({MAX_MANIFEST // 1024 // 1024} MiB)", action)
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise _refuse(folder, f"cannot read {MARKER}: {exc.strerror}", action) from exc
    except (ValueError, RecursionError):
        raise _refuse(folder, f"{MARKER} is not a manifest written by negdocs (not valid JSON)", action) from None
    if not isinstance(data, dict):
        raise _refuse(folder, f"{MARKER} is not a manifest written by negdocs (not a JSON object)", action)
    if data.get("manifest") != MANIFEST_VERSION:
        raise _refuse(folder, f"{MARKER} is not a version {MANIFEST_VERSION} manifest (an older negdocs wrote it, "
                              "or it is not negdocs'), so the files in it cannot be verified", action)
    files = data.get("files")
    if not (isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) and _SHA.match(v)
                                            for k, v in files.items())):
        raise _refuse(folder, f"{MARKER} has no valid 'files' table (name -> SHA-256)", action)
    present = _listing(folder, action)
    if present.keys() != files.keys():
        extra, missing = present.keys() - files.keys(), files.keys() - present.keys()
        why = (f"it holds {_names(extra)}, which negdocs did not write" if extra
               else f"{_names(missing)} listed in {MARKER} {'is' if len(missing) == 1 else 'are'} missing")
        raise _refuse(folder, why, action)
    changed = [name for name, file in sorted(present.items()) if file_digest(file) != files[name]]
    if changed:
        raise _refuse(folder, f"{_names(changed)} changed since negdocs wrote {'it' if len(changed) == 1 else 'them'}",
                      action, "move your changes elsewhere, then delete it or choose another --out" if action == "replace" else "")
    return data


def trusted(out: Path) -> dict:
    """The verified manifest of ``out``; ``{}`` when ``out`` does not exist or is an empty folder.
    Raises when negdocs may not replace ``out``."""
    if not out.exists():
        return {}
    if not out.is_dir():
        raise _refuse(out, "it is not a folder")
    if not any(out.iterdir()):
        return {}
    if not (out / MARKER).exists() and not (out / MARKER).is_symlink():
        raise _refuse(out, f"it is not empty and was not written by negdocs (it has no {MARKER})")
    return read_manifest(out)


class Staging:
    """A build's output, written into a folder next to ``out`` and swapped in by :meth:`commit`.

    Creating it verifies ``out`` (see :func:`trusted`; its manifest is kept as ``previous``).
    Used as a context manager: leaving it by an exception removes the staging folder, so
    ``out`` is only ever replaced by a complete build.
    """

    def __init__(self, out: Path):
        self.out = out.resolve()
        _recover(self.out)
        self.previous = trusted(self.out)
        self.folder = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(self.folder, ignore_errors=True)  # left by an earlier build with this process id
            self.folder.mkdir()
        except OSError as exc:  # a file where a folder of the path should be, a read-only disk...
            where = display_path(Path(exc.filename)) if exc.filename else display_path(self.out.parent)
            why = "is a file, not a folder" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
            raise NegdocsError(Problem(display_path(self.out), 0, f"cannot create the output folder: {where} {why}; "
                                       "choose another --out", "usage")) from None
        self.names: set[str] = set()
        self.hashes: dict[str, str] = {}

    def _target(self, name: str) -> Path:
        if name in self.names or name == MARKER:  # two outputs with one name would silently lose one
            raise NegdocsError(Problem(name, 0, "two outputs have this name", "duplicate-id"))
        self.names.add(name)
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, name: str, data: bytes) -> Path:
        target = self._target(name)
        target.write_bytes(data)
        self.hashes[name] = digest(data)
        return target

    def link(self, name: str, source: Path) -> None:
        """Carry a file over from the previous build (hard link; a copy across filesystems)."""
        target = self._target(name)
        try:
            os.link(source, target)  # the old folder is removed after the swap; the link keeps the bytes
        except OSError:
            shutil.copyfile(source, target)
        known = self.previous.get("files", {})
        same = source.absolute() == self.out / name
        self.hashes[name] = known[name] if same and name in known else file_digest(target)

    def commit(self, manifest: dict) -> None:
        """Write the manifest (with the table of every file and its hash) and swap the folder in."""
        manifest = {**manifest, "manifest": MANIFEST_VERSION, "files": dict(sorted(self.hashes.items()))}
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


def _ours(folder: Path) -> bool:
    try:
        read_manifest(folder)
    except NegdocsError:
        return False
    return True


def _recover(out: Path) -> None:
    """Tidy up after builds that were killed: remove their staging folders, and if one died
    between the two renames of the swap, put its previous output back. A previous output is
    moved or removed only when its manifest verifies."""
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        if not _alive(stale.name.rsplit("-", 1)[-1]):
            shutil.rmtree(stale, ignore_errors=True)
    for old in sorted(out.parent.glob(f".{out.name}.old-*")):
        if _alive(old.name.rsplit("-", 1)[-1]) or not _ours(old):
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
