"""What git knows about the project: read a file at a revision, commits and dates.

Every call is one ``git`` subprocess per build or per diff (never per deal), and nothing
here reads the wall clock, so output stays deterministic.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from negdocs.errors import NegdocsError, Problem


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=root, capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def toplevel(root: Path) -> Path | None:
    out = _git(root, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


def show(root: Path, spec: str) -> str:
    """Text of ``REV:path`` (path relative to the project root), read without a checkout."""
    rev, _, path = spec.partition(":")
    top = toplevel(root)
    if top is None:
        raise NegdocsError(Problem(spec, 0, "not inside a git repository", "usage"))
    target = (root / path).resolve()
    if not target.is_relative_to(top):
        raise NegdocsError(Problem(spec, 0, f"{path!r} is outside the git repository", "usage"))
    rel = target.relative_to(top).as_posix()
    try:
        result = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=top, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NegdocsError(Problem(spec, 0, f"cannot run git: {exc}", "usage")) from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NegdocsError(Problem(spec, 0, message[-1] if message else "git show failed", "usage"))
    return result.stdout.decode("utf-8", "replace")


def changed_since(root: Path, rev: str, paths: list[Path]) -> list[str]:
    """Deal files (relative to the git top level) that differ between ``rev`` and the work tree."""
    top = toplevel(root)
    if top is None:
        raise NegdocsError(Problem(rev, 0, "not inside a git repository", "usage"))
    if _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is None:
        raise NegdocsError(Problem(rev, 0, f"unknown revision {rev!r}", "usage"))
    outside = [str(p) for p in paths if not p.resolve().is_relative_to(top)]
    if outside:
        raise NegdocsError(Problem(outside[0], 0, "outside the git repository", "usage"))
    rels = [p.resolve().relative_to(top).as_posix() for p in paths]
    out = _git(top, "diff", "--name-only", "--no-renames", rev, "--", *rels) or ""
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "--", *rels) or ""
    names = {n for n in (out + untracked).splitlines() if n.endswith((".yaml", ".yml"))}
    return sorted(names)


def provenance(root: Path, files: list[Path]) -> dict[Path, dict]:
    """Per file: the HEAD commit, the file's last commit and its date, and whether it is modified."""
    top = toplevel(root)
    if top is None:
        return {}
    head = (_git(top, "rev-parse", "HEAD") or "").strip()
    if not head:
        return {}
    rels = {f.resolve().relative_to(top).as_posix(): f for f in files if f.resolve().is_relative_to(top)}
    info: dict[Path, dict] = {}
    log = _git(top, "log", "--format=@%H %cs", "--name-only", "HEAD", "--", *rels) or ""
    commit = date = None
    for line in log.splitlines():
        if line.startswith("@"):
            commit, date = line[1:].split(" ", 1)
        elif line in rels and rels[line] not in info:
            info[rels[line]] = {"commit": head, "file_commit": commit, "file_date": date, "modified": False}
    dirty = _git(top, "status", "--porcelain", "--", *rels) or ""
    for line in dirty.splitlines():
        name = line[3:].strip()
        if name in rels:
            info.setdefault(rels[name], {"commit": head, "file_commit": None, "file_date": None})["modified"] = True
    for f in rels.values():
        info.setdefault(f, {"commit": head, "file_commit": None, "file_date": None, "modified": True})
    return info
