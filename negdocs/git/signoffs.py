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

        from negdocs.analyse.approvals import fingerprint
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

    def signers(self, paths: list[Path]) -> dict[str, list[tuple[Commit, str]]]:
        """Per file (relative to the top level): ``(commit, lines it added)`` of every commit
        that added or removed a ``fingerprint`` line, newest first, from one ``git log``."""
        rels = [r for r in (self.relative(p) for p in paths) if r is not None]
        if not rels:
            return {}
        log = gitinfo.added_lines(self.top, rels, "fingerprint")
        found: dict[str, list[tuple[Commit, str]]] = {}
        commit, name, added = None, None, []

        def flush():
            if commit is not None and name is not None and added:
                found.setdefault(name, []).append((commit, "\n".join(added)))

        for line in log.split("\n"):
            if line.startswith("\0"):
                flush()
                parts = line.split("\0")
                commit, name, added = (Commit(parts[1], parts[2], parts[3]) if len(parts) >= 4 else None), None, []
            elif line.startswith("+++ "):
                flush()
                name, added = (line[6:] if line.startswith("+++ b/") else None), []
            elif line.startswith("+") and name is not None:
                added.append(line[1:])
        flush()
        return found


def committed_by(history: list[tuple[Commit, str]], role: str, fingerprint: str) -> Commit | None:
    """The commit that introduced a sign-off: the newest that added its fingerprint (and,
    when several did, its role on the added lines)."""
    candidates = [c for c, text in history if fingerprint in text]
    with_role = [c for c, text in history if fingerprint in text and role in text]
    return (with_role or candidates or [None])[0]
