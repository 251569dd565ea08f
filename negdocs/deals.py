"""A project's deal files, one at a time: read, validate, analyse and check each, and keep
ids unique across the project. ``check`` is the whole of `negdocs check`; ``load_one`` is what
build, approve, approvals and report share."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from negdocs.analyse import approvals, checks
from negdocs.analyse.analysis import Analysis, analyse
from negdocs.analyse.strategy import load_packs
from negdocs.errors import NegdocsError, Problem
from negdocs.load.loader import Source, read_source
from negdocs.load.matrix import check_deal
from negdocs.load.model import Deal
from negdocs.load.validate import deal_id, validate
from negdocs.project import Project


@dataclass
class Loaded:
    """One valid deal with everything computed about it."""

    id: str
    source: Source
    deal: Deal
    analysis: Analysis
    findings: list[Problem] = field(default_factory=list)


def load_one(project: Project, packs: dict, path: Path, strict: bool,
             raw: bytes | None = None, lint: bool = True) -> tuple[Loaded | None, list[Problem]]:
    """One deal file (``raw``: its bytes, when already read): read, validate, analyse and check it
    (``lint=False``: errors only, no warning rules, for commands that need just the deal)."""
    try:
        source = read_source(path, project.display(path), raw=raw, root=project.root)
    except NegdocsError as exc:
        return None, exc.problems
    deal, problems = validate(source, packs, checks.WARNINGS)
    if deal is None:
        return None, problems
    problems += check_deal(source, deal, project.matrix)
    if problems:
        return None, problems
    analysis = replace(analyse(deal, packs.get(deal.strategy)),
                       approvals=approvals.evaluate(deal, source, project.matrix, project.approved_terms(path)))
    findings = checks.run(source, deal, analysis, project.settings.checks.ignore, strict) if lint else []
    return Loaded(deal_id(source, deal), source, deal, analysis, findings), problems + findings


def other_ids(project: Project, checked: list[Path]) -> list[tuple[str, str, int]]:
    """Ids of the project's deal files outside ``checked`` (ids are unique across the project,
    also when only some files are checked); files that cannot be read are skipped here."""
    if not (project.root / "playbooks").is_dir():
        return []
    seen = set(checked)
    ids = []
    try:
        rest = project.discover([project.root / "playbooks"])
    except NegdocsError:  # playbooks/ holds no deal files
        return []
    for path in rest:
        if path in seen:
            continue
        try:
            source = read_source(path, project.display(path), root=project.root)
        except NegdocsError:
            continue
        given = source.data.get("id")
        ids.append((given if isinstance(given, str) else deal_id(source), source.display, source.line(("id",))))
    return ids


def clashes(ids: list[tuple[str, str, int]], others: list[tuple[str, str, int]]) -> list[Problem]:
    """Duplicate ids among the checked files, and with the rest of the project (reported on
    the checked side)."""
    checked = {shown for _, shown, _ in ids}
    return [p for p in duplicate_ids(sorted(ids + others)) if p.path in checked]


def duplicate_ids(ids: list[tuple[str, str, int]]) -> list[Problem]:
    """``(id, file, line of id)`` of every deal -> a problem on both sides of each clash."""
    first: dict[str, tuple[str, str, int]] = {}
    problems = []
    for entry in ids:
        other = first.setdefault(entry[0], entry)
        if other is not entry:
            for (deal, shown, line), (_, other_shown, _) in ((entry, other), (other, entry)):
                problems.append(Problem(shown, line, f"id {deal!r} is also used by {other_shown}; ids are unique across "
                                        "the project", "duplicate-id"))
    return problems


def check(paths=(), root: Path | None = None, strict: bool = False) -> list[Problem]:
    """Every finding (errors and warnings) of every deal file, sorted by file and line.

    Deals are checked one at a time and dropped, so memory does not grow with the project."""
    project = Project.load(root)
    packs = load_packs(project.root)
    problems: list[Problem] = []
    ids: list[tuple[str, str, int]] = []
    files = project.discover(list(paths))
    for path in files:
        one, found = load_one(project, packs, path, strict)
        problems += found
        if one is not None:
            ids.append((one.id, one.source.display, one.source.line(("id",))))
    others = other_ids(project, files) if paths else []
    return sorted(problems + clashes(ids, others))
