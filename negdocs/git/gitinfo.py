"""What git knows about the project: read a file at a revision, commits and dates.

Every call is one ``git`` subprocess per build or per diff (never per deal, except reading
the old side of a changed deal), and nothing here reads the wall clock, so output stays
deterministic.

Revisions and paths come from users and pull requests, so git never sees them where it reads
options: a revision is checked (no leading ``-``, nothing that does not print, a sane length),
then resolved with ``rev-parse --verify --end-of-options`` to a commit id, and only that id is
passed on; paths go after ``--`` as literal pathspecs, or after ``ID:``. Names git prints are
read NUL-separated, so a file name holding a newline stays one name.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from negdocs.errors import NegdocsError, Problem
from negdocs.load.loader import MAX_BYTES
from negdocs.output.escape import clip, text

MAX_REV = 256  # characters of a revision expression
MAX_PATH = 4096  # characters of a path argument (PATH_MAX on Linux)
_GIT = ("git", "--literal-pathspecs", "-c", "core.quotePath=false")
_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _run(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run([*_GIT, *args], cwd=root, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _git(root: Path, *args: str) -> str | None:
    """stdout of a git command that succeeded (names decoded like the file system does), else None."""
    result = _run(root, *args)
    return os.fsdecode(result.stdout) if result is not None and result.returncode == 0 else None


def _usage(value: str, message: str) -> NegdocsError:
    return NegdocsError(Problem(clip(value), 0, message, "usage"))


def check_argument(value: str, what: str) -> str:
    """Refuse a user value no git or file-system call should see: empty, too long, or holding
    a character that does not print (newlines, controls, bidi marks)."""
    if not value:
        raise _usage(value, f"the {what} is empty")
    if len(value) > MAX_PATH:
        raise _usage(value, f"the {what} is {len(value):,} characters long; the limit is {MAX_PATH:,}")
    if not value.isprintable():
        raise _usage(value, f"the {what} {text(clip(value))} holds a control or invisible character")
    return value


def toplevel(root: Path) -> Path | None:
    out = _git(root, "rev-parse", "--show-toplevel")
    return Path(out[:-1] if out.endswith("\n") else out) if out else None


def _require_toplevel(root: Path, value: str) -> Path:
    top = toplevel(root)
    if top is None:
        raise _usage(value, "not inside a git repository")
    return top


def resolve(top: Path, rev: str, label: str | None = None) -> str:
    """The commit id ``rev`` names, after checking it can't be read as an option."""
    label = rev if label is None else label
    if not rev:
        raise _usage(label, "the revision is empty; write REV:path, e.g. HEAD:playbooks/deal.yaml")
    if len(rev) > MAX_REV:
        raise _usage(label, f"the revision is {len(rev):,} characters long; the limit is {MAX_REV:,}")
    if not rev.isprintable():
        raise _usage(label, f"the revision {text(clip(rev))} holds a control or invisible character")
    if rev.startswith("-"):
        raise _usage(label, f"a revision cannot start with '-': {text(clip(rev))}")
    out = (_git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}") or "").strip()
    if not _OBJECT_ID.fullmatch(out):
        raise _usage(label, f"unknown revision {text(clip(rev))}; give a commit, branch or tag")
    return out


def _relative(root: Path, top: Path, path: str, label: str) -> str:
    """``path`` (relative to the project root) relative to the git top level, refused outside it.
    Resolved by name only: the file need not exist in the work tree."""
    check_argument(path, "path")
    target = Path(os.path.normpath(root.resolve() / path))
    if not target.is_relative_to(top) or target == top:
        raise _usage(label, f"{text(clip(path))} is not a file inside the git repository")
    return target.relative_to(top).as_posix()


def blob(top: Path, commit: str, rel: str, label: str) -> bytes:
    """Bytes of file ``rel`` at ``commit`` (an id from :func:`resolve`), read without a checkout,
    no bigger than a deal file may be."""
    assert _OBJECT_ID.fullmatch(commit), commit
    name = f"{commit}:{rel}"
    size = _git(top, "cat-file", "-s", name)
    if size is None:
        raise _usage(label, f"{text(rel)} does not exist at {commit[:12]}")
    if int(size) > MAX_BYTES:
        raise NegdocsError(Problem(clip(label), 1, f"file is {int(size):,} bytes; the limit is {MAX_BYTES:,} bytes", "yaml"))
    result = _run(top, "cat-file", "blob", name)
    if result is None or result.returncode != 0:
        raise _usage(label, f"{text(rel)} is not a file at {commit[:12]}")
    return result.stdout


def show(root: Path, spec: str) -> bytes:
    """Bytes of ``REV:path`` (path relative to the project root), as a user typed it."""
    check_argument(spec, "argument")
    rev, _, path = spec.partition(":")
    top = _require_toplevel(root, spec)
    commit = resolve(top, rev, spec)
    return blob(top, commit, _relative(root, top, path, spec), spec)


def changed_since(root: Path, rev: str, paths: list[Path]) -> tuple[str, list[tuple[str, str]]]:
    """The commit ``rev`` names, and the deal files under ``paths`` that differ between it and
    the work tree: ``(status, name relative to the git top level)``, status ``A``, ``M`` or ``D``."""
    top = _require_toplevel(root, rev)
    commit = resolve(top, rev)
    for p in paths:
        check_argument(str(p), "path")
    outside = [str(p) for p in paths if not p.resolve().is_relative_to(top)]
    if outside:
        raise _usage(outside[0], "outside the git repository")
    rels = [p.resolve().relative_to(top).as_posix() for p in paths]
    out = _git(top, "diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", commit, "--", *rels)
    untracked = _git(top, "ls-files", "-z", "--others", "--exclude-standard", "--", *rels) or ""
    fields = (out or "").split("\0")
    changes = {name: "D" if status == "D" else "A" if status == "A" else "M"
               for status, name in zip(fields[0::2], fields[1::2])}
    changes.update((name, "A") for name in untracked.split("\0") if name)
    return commit, [(s, n) for n, s in sorted(changes.items()) if n.endswith((".yaml", ".yml"))]


def _log_names(out: str):
    """(commit, date, name) from ``log -z --format=%x00%H %cs --name-only``: a header follows an
    empty field; git puts one newline before a commit's first name."""
    fields = iter(out.split("\0"))
    commit = date = None
    first = False
    for field_ in fields:
        if field_ == "":
            header = next(fields, None)
            if header is None:
                return
            commit, _, date = header.partition(" ")
            first = True
            continue
        if first and field_.startswith("\n"):
            field_ = field_[1:]
        first = False
        yield commit, date, field_


def provenance(root: Path, files: list[Path]) -> dict[Path, dict]:
    """Per file: the HEAD commit, the file's last commit and its date, and whether it is modified."""
    top = toplevel(root)
    if top is None:
        return {}
    head = (_git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", "HEAD^{commit}") or "").strip()
    if not head:
        return {}
    rels = {f.resolve().relative_to(top).as_posix(): f for f in files if f.resolve().is_relative_to(top)}
    if not rels:
        return {}
    info: dict[Path, dict] = {}
    log = _git(top, "log", "-z", "--format=%x00%H %cs", "--name-only", "--no-renames", head, "--", *rels) or ""
    for commit, date, name in _log_names(log):
        if name in rels and rels[name] not in info:
            info[rels[name]] = {"commit": head, "file_commit": commit, "file_date": date, "modified": False}
    dirty = _git(top, "status", "--porcelain", "-z", "--no-renames", "--", *rels) or ""
    for entry in dirty.split("\0"):
        name = entry[3:]
        if name in rels:
            info.setdefault(rels[name], {"commit": head, "file_commit": None, "file_date": None})["modified"] = True
    for f in rels.values():
        info.setdefault(f, {"commit": head, "file_commit": None, "file_date": None, "modified": True})
    return info


def versions(top: Path, rel: str, limit: int) -> list[tuple[str, str, bytes]]:
    """The last ``limit`` committed versions of file ``rel`` (relative to the top level), newest
    first: ``(commit, date, bytes)``, read by one ``log`` and one ``cat-file --batch``; versions
    bigger than a deal file may be are left out."""
    if not rel or "\n" in rel or "\r" in rel:
        return []
    log = _git(top, "log", f"--max-count={limit}", "--no-renames", "--format=%H %cs", "HEAD", "--", rel) or ""
    commits = [line.split(" ", 1) for line in log.splitlines() if _OBJECT_ID.fullmatch(line.split(" ", 1)[0])]
    if not commits:
        return []
    try:
        run = subprocess.run([*_GIT, "cat-file", "--batch"], cwd=top, capture_output=True, timeout=120,
                             input="".join(f"{commit}:{rel}\n" for commit, _ in commits).encode("utf-8", "surrogateescape"))
    except (OSError, subprocess.TimeoutExpired):
        return []
    out, pos, found = run.stdout, 0, []
    for commit, date in commits:
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            size = int(header[2])
            if size <= MAX_BYTES:
                found.append((commit, date, out[pos:pos + size]))
            pos += size + 1
    return found


def touching(top: Path, rels: list[str]) -> list[tuple[str, str, str, str]]:
    """``(commit, date, author, name)`` of every commit (from HEAD back) that changed a file of
    ``rels``, newest first: names and no patches, so cheap on any repository."""
    if not rels:
        return []
    out = _git(top, "log", "-z", "--name-only", "--no-renames", "--format=%x00%H %cs %an", "HEAD", "--", *rels)
    found = []
    for commit, rest, name in _log_names(out or ""):
        date, _, author = (rest or "").partition(" ")
        found.append((commit, date, author, name))
    return found


def added_lines(top: Path, rels: list[str], pattern: str, keep: tuple[str, ...]) -> dict[tuple[str, str], list[str]]:
    """For ``(commit, file)``: the lines it added to a file of ``rels`` that hold one of the
    words ``keep``, for the commits whose changes add or remove a line matching ``pattern``.
    Read as a stream from one ``log -p -U0``, keeping only those lines."""
    found: dict[tuple[str, str], list[str]] = {}
    if not rels:
        return found
    try:
        proc = subprocess.Popen([*_GIT, "log", "-p", "-U0", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv",
                                 "-G", pattern, "--format=%x00%H", "HEAD", "--", *rels],
                                cwd=top, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    except OSError:
        return found
    commit = name = None
    with proc:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("\0"):
                commit, name = line[1:], None
            elif line.startswith("+++ "):
                name = line[6:] if line.startswith("+++ b/") else None
            elif line.startswith("+") and name is not None and commit and any(word in line for word in keep):
                found.setdefault((commit, name), []).append(line[1:])
    return found if proc.returncode == 0 else {}


def dirty(top: Path, rels: list[str]) -> set[str]:
    """The files of ``rels`` that differ from HEAD in the work tree or are not tracked."""
    if not rels:
        return set()
    out = _git(top, "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all", "--", *rels) or ""
    return {entry[3:] for entry in out.split("\0") if len(entry) > 3}
