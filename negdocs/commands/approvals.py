"""``negdocs approvals``: per deal, each sign-off the matrix requires, its state and who committed it.

States: ``approved`` (a sign-off of the role carries the current fingerprint), ``stale`` (one
does, for other terms) and ``missing``. A sign-off for other terms whose role no rule
requires any more is listed as stale too: it should be removed or renewed. With ``--rev``,
only the deals ``diff --rev`` would show, or every deal when ``negdocs.yaml`` changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from negdocs.errors import Problem
from negdocs.git.signoffs import Commit, committed_by

ICONS = {"approved": ":white_check_mark:", "stale": ":warning:", "missing": ":x:"}


@dataclass
class Row:
    role: str
    why: str
    state: str
    by: str | None = None
    on: str | None = None
    fingerprint: str | None = None
    committed: Commit | None = None
    changed: list[str] | None = None  # stale: what changed, when known

    def as_dict(self) -> dict:
        commit = {"commit": self.committed.sha, "author": self.committed.author, "date": self.committed.date} \
            if self.committed else None
        return {"role": self.role, "why": self.why, "state": self.state, "by": self.by, "on": self.on,
                "fingerprint": self.fingerprint, "committed": commit, "changed": self.changed}


@dataclass
class DealSignoffs:
    file: str
    id: str
    title: str
    fingerprint: str
    rows: list[Row] = field(default_factory=list)

    @property
    def state(self) -> str:
        states = {r.state for r in self.rows}
        return next((s for s in ("missing", "stale", "approved") if s in states), "none")

    def as_dict(self) -> dict:
        return {"file": self.file, "id": self.id, "title": self.title, "state": self.state, "fingerprint": self.fingerprint,
                "signoffs": [r.as_dict() for r in self.rows]}


def _rows(one) -> list[Row]:
    """One row per required sign-off, then per sign-off no rule requires; ``committed`` is filled later."""
    deal, verdict = one.deal, one.analysis.approvals
    stale = {s.record: s for s in verdict.stale}

    def row(role: str, why: str, state: str, record: int | None) -> Row:
        if record is None:
            return Row(role, why, state)
        a = deal.approvals[record]
        s = stale.get(record)
        return Row(role, why, state, a.by, a.on.isoformat(), a.fingerprint, None,
                   list(s.changed) if s is not None and s.changed is not None else None)

    rows = [row(r.role, r.why, r.state, r.record) for r in verdict.requirements]
    required = {r.role for r in verdict.requirements}
    for n, approval in enumerate(deal.approvals):
        if approval.role not in required:
            rows.append(row(approval.role, "no rule requires this role now" + ("; remove or renew the sign-off" if n in stale
                                                                                   else ""), "stale" if n in stale else "approved", n))
    return rows


def collect(paths=(), rev: str | None = None, root: Path | None = None) -> tuple[list[DealSignoffs], list[Problem]]:
    """The sign-offs of every deal under ``paths`` (default playbooks/), or of those changed since ``rev``.

    Deals are loaded one at a time and only their rows kept, so memory does not grow with the
    deals; who committed each sign-off comes from git at the end, for all files at once."""
    from negdocs.analyse.fingerprint import is_guide
    from negdocs.analyse.strategy import load_packs
    from negdocs.deals import load_one
    from negdocs.project import Project

    project = Project.load(root)
    packs = load_packs(project.root)
    files = project.discover(list(paths)) if rev is None else _changed(project, rev, list(paths))
    problems: list[Problem] = []
    results: list[tuple[DealSignoffs, Path]] = []
    for path in files:
        one, found = load_one(project, packs, path, False, lint=False)
        problems += [p for p in found if p.is_error]
        if one is not None and not is_guide(one.deal):
            results.append((DealSignoffs(one.source.display, one.id, one.deal.title, one.analysis.approvals.fingerprint,
                                         _rows(one)), one.source.path))
    signed = [path for deal, path in results if any(r.by is not None for r in deal.rows)]
    history = project.repository.signers(signed)
    for deal, path in results:
        commits = history.get(project.repository.relative(path), [])
        for row in deal.rows:
            if row.by is not None:
                row.committed = committed_by(commits, row.role, row.fingerprint)
    return [deal for deal, _ in results], sorted(problems)


def _changed(project, rev: str, paths: list[Path]) -> list[Path]:
    """The deal files ``diff --rev`` would show, or every deal when negdocs.yaml changed since ``rev``."""
    from negdocs.git import gitinfo
    from negdocs.project import CONFIG_NAME

    roots = paths or [project.root / "playbooks"]
    config = project.root / CONFIG_NAME
    if config.is_file() and gitinfo.changed_since(project.root, rev, [config])[1]:
        return project.discover(paths)
    top = gitinfo.toplevel(project.root)
    _, changed = gitinfo.changed_since(project.root, rev, roots)
    return [top / name for status, name in changed if status != "D" and (top / name).is_file()]


# -- output -------------------------------------------------------------------------------
def render(deals: list[DealSignoffs], fmt: str) -> str:
    if fmt == "json":
        from negdocs.output.escape import json_text

        return json_text([d.as_dict() for d in deals]) + "\n"
    return (_markdown if fmt == "markdown" else _text)(deals)


def _signed(row: Row, md: bool = False) -> str:
    if row.by is None:
        return ""
    text = f"{row.by}, {row.on}"
    return text if md else f"signed by {row.by} on {row.on}"


def _committed(row: Row) -> str:
    if row.by is None:
        return ""
    if row.committed is None:
        return "not committed"
    return f"{row.committed.author} ({row.committed.short}, {row.committed.date})"


def _text(deals: list[DealSignoffs]) -> str:
    from negdocs.output.escape import visible

    out = []
    for d in deals:
        out.append(visible(f"{d.file} ({d.id}): {d.state if d.rows else 'no sign-off needed'}"))
        width = max((len(r.role) for r in d.rows), default=0)
        for r in d.rows:
            parts = [r.why]
            if r.by is not None:
                parts.append(f"{_signed(r)}, committed by {_committed(r)}" if r.committed else f"{_signed(r)}, not committed")
            if r.changed:
                parts.append("changed: " + ", ".join(r.changed))
            out.append(visible(f"  {r.role:<{width}}  {r.state:<8}  " + "; ".join(parts)))
    return "".join(line + "\n" for line in out)


def _markdown(deals: list[DealSignoffs]) -> str:
    from negdocs.output.escape import markdown as escape

    needed = [d for d in deals if d.rows]
    counts = {s: sum(r.state == s for d in needed for r in d.rows) for s in ("missing", "stale", "approved")}
    out = ["### Sign-offs", ""]
    if not needed:
        out.append(f"No sign-off needed for the {len(deals)} deal{'s' * (len(deals) != 1)} checked." if deals
                   else "No deals to check.")
        return "\n".join(out) + "\n"
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    out += [f"**{summary}** across {len(needed)} deal{'s' * (len(needed) != 1)}.", "",
            "| Deal | Role | Why | State | Signed | Committed by |", "|---|---|---|---|---|---|"]
    for d in needed:
        for n, r in enumerate(d.rows):
            deal = f"{escape(d.title)}<br>{escape(d.file)}" if n == 0 else ""
            why = escape(r.why) + (f"<br>changed: {escape(', '.join(r.changed))}" if r.changed else "")
            out.append(f"| {deal} | {escape(r.role)} | {why} | {ICONS[r.state]} {r.state} | {escape(_signed(r, True))} | "
                       f"{escape(_committed(r))} |")
    rest = len(deals) - len(needed)
    if rest:
        out += ["", f"{rest} other deal{'s' * (rest != 1)} need no sign-off."]
    return "\n".join(out) + "\n"
