"""What git knows about sign-offs: the version of a deal an approval was made on, and who
committed each sign-off.

Paths always follow ``--`` and revisions never come from the user here, so no value of a
deal file or of the command line can become a git option. Each lookup is one or two git
processes for all the files it concerns, never one per version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from negdocs.git import gitinfo

MAX_VERSIONS = 200  # versions of one file searched for the approved terms


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str

    @property
    def short(self) -> str:
        return self.sha[:10]


class Repository:
    """The git repository around a project, if any; lookups are cached per file."""

    def __init__(self, root: Path):
        self.root = root
        self._top: Path | None | bool = False
        self._versions: dict[str, list] = {}

    @property
    def top(self) -> Path | None:
        if self._top is False:
            self._top = gitinfo.toplevel(self.root)
        return self._top

    def relative(self, path: Path) -> str | None:
        if self.top is None:
            return None
        resolved = path.resolve()
        if not resolved.is_relative_to(self.top):
            return None
        rel = resolved.relative_to(self.top).as_posix()
        return None if "\n" in rel or "\r" in rel else rel

    def approved(self, path: Path, fingerprint: str):
        """``(label, Deal)`` of the newest committed version of ``path`` whose terms have
        ``fingerprint`` (the terms an approval was made on), or None."""
        rel = self.relative(path)
        if rel is None:
            return None
        if rel not in self._versions:
            self._versions[rel] = self._load(rel)
        return next(((label, deal) for label, fp, deal in self._versions[rel] if fp == fingerprint), None)

    def _load(self, rel: str) -> list:
        from pydantic import ValidationError

        from negdocs.analyse.fingerprint import fingerprint
        from negdocs.errors import NegdocsError
        from negdocs.load.loader import text_source
        from negdocs.load.model import Deal

        versions = []
        for sha, date, blob in gitinfo.versions(self.top, rel, MAX_VERSIONS):
            try:
                deal = Deal.model_validate(text_source(blob.decode("utf-8-sig"), f"{sha[:10]}:{rel}").data)
            except (NegdocsError, ValidationError, UnicodeDecodeError):
                continue
            versions.append((f"commit {sha[:10]} ({date})", fingerprint(deal), deal))
        return versions

    def signers(self, paths: list[Path]) -> dict[str, list[tuple[Commit, str | None]]]:
        """Per file (relative to the top level): ``(commit, lines it added)`` of the commits that
        changed it, newest first. A file unchanged since HEAD and committed once needs no lines
        (``None``): that commit added each of its sign-offs. For the others the lines holding a
        fingerprint or a role are read, from the commits that added or removed a fingerprint
        line; so a large repository costs one cheap ``log`` and a patch log of those files only."""
        rels = [r for r in (self.relative(p) for p in paths) if r is not None]
        if not rels or self.top is None:
            return {}
        history: dict[str, list[Commit]] = {}
        for sha, date, author, name in gitinfo.touching(self.top, rels):
            history.setdefault(name, []).append(Commit(sha, author, date))
        changed = gitinfo.dirty(self.top, rels)
        found: dict[str, list[tuple[Commit, str | None]]] = {
            name: [(commits[0], None)] for name, commits in history.items() if len(commits) == 1 and name not in changed}
        rest = [r for r in rels if r not in found]
        lines = gitinfo.added_lines(self.top, rest, "fingerprint", ("fingerprint", "role")) if rest else {}
        for name in rest:
            found[name] = [(c, "\n".join(lines.get((c.sha, name), []))) for c in history.get(name, [])]
        return found


def committed_by(history: list[tuple[Commit, str | None]], role: str, fingerprint: str) -> Commit | None:
    """The commit that introduced a sign-off: the newest that added its fingerprint (and,
    when several did, its role on the added lines); the only one when its lines were not needed."""
    if len(history) == 1 and history[0][1] is None:
        return history[0][0]
    candidates = [(c, text) for c, text in history if text and fingerprint in text]
    with_role = [c for c, text in candidates if role in text]
    return (with_role or [c for c, _ in candidates] or [None])[0]
