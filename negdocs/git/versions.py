"""The two versions a diff compares: a deal file, a git ``REV:path``, or every deal that changed
since a revision, each read and validated with the limits of any deal file (:mod:`negdocs.git.diff`
compares them and writes the result)."""

from __future__ import annotations

import os
from pathlib import Path

from negdocs.analyse import checks
from negdocs.errors import NegdocsError, Problem
from negdocs.git.diff import DealDiff, compare
from negdocs.load.loader import Source, read_source
from negdocs.load.model import Deal
from negdocs.load.validate import validate
from negdocs.output import escape


def blob_source(data: bytes, label: str, path: str) -> Source:
    """A deal read from git (``label``: ``REV:path``) as a Source, with the limits of a file on disk."""
    return read_source(Path(path), label, raw=data)


def load(source: Source, packs) -> tuple[Deal, Source]:
    deal, problems = validate(source, packs, checks.WARNINGS)
    if deal is None:
        raise NegdocsError(problems)
    return deal, source


def _read(spec: str, root: Path) -> Source:
    """A file path or a git ``REV:path``, read with the limits and checks of every deal file."""
    from negdocs.git import gitinfo

    gitinfo.check_argument(spec, "argument")
    path = Path(spec)
    try:
        is_dir, exists, error = path.is_dir(), path.exists(), None
    except OSError as exc:  # a name too long for a file may still be a REV:path
        is_dir, exists, error = False, False, exc
    if is_dir:
        raise _usage(spec, "is a folder; give a deal file, a REV:path, or use --rev REV PATH")
    if exists:
        return read_source(path, spec)
    if ":" in spec:
        return blob_source(gitinfo.show(root, spec), spec, spec.partition(":")[2])
    raise _usage(spec, f"cannot read: {error.strerror or error}" if error else "no such file, and not a git REV:path")


def _usage(spec: str, message: str) -> NegdocsError:
    return NegdocsError(Problem(escape.clip(spec), 0, message, "usage"))


def _ignored(root: Path) -> tuple[str, ...]:
    """The project's checks.ignore, so diff reports the findings check would."""
    from negdocs.project import Project

    return tuple(Project.load(root).settings.checks.ignore)


def diff_specs(old: str, new: str, root: Path) -> list[DealDiff]:
    from negdocs.analyse.strategy import load_packs

    ignore = _ignored(root)
    packs = load_packs(root)
    a, a_src = load(_read(old, root), packs)
    b, b_src = load(_read(new, root), packs)
    return [compare(a, b, a_src, b_src, old, new, ignore, packs)]


def diff_rev(rev: str, paths: list[Path], root: Path) -> list[DealDiff]:
    """Every deal under ``paths`` that changed between ``rev`` and the work tree: changed,
    added (not at ``rev``) or removed (gone from the work tree)."""
    from negdocs.analyse.strategy import load_packs
    from negdocs.git import gitinfo

    ignore = _ignored(root)
    packs = load_packs(root)
    commit, changed = gitinfo.changed_since(root, rev, paths or [root / "playbooks"])
    top = gitinfo.toplevel(root)
    base = root.resolve()
    diffs = []
    for status, name in changed:
        path = top / name
        shown = Path(os.path.relpath(path, base)).as_posix()  # as the user would type it
        spec = f"{rev}:{shown}"
        if status == "D":
            old, _ = load(blob_source(gitinfo.blob(top, commit, name, spec), spec, shown), packs)
            diffs.append(DealDiff(spec, shown, old.title, status="removed"))
            continue
        new, new_src = load(read_source(path, shown), packs)
        if status == "A":
            diffs.append(DealDiff(spec, shown, new.title, status="added"))
            continue
        old, old_src = load(blob_source(gitinfo.blob(top, commit, name, spec), spec, shown), packs)
        diffs.append(compare(old, new, old_src, new_src, spec, shown, ignore, packs))
    return diffs
