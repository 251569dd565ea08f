"""The pipeline, top to bottom: gather and check everything, then render, then write.

paths -> Sources -> Deals (all problems, then raise once) -> findings -> edition views ->
HTML strings -> PDFs -> one atomic swap of the output folder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from negdocs import FORMAT_VERSION, __version__, checks, editions
from negdocs.analysis import Analysis, analyse
from negdocs.dates import long_date
from negdocs.errors import NegdocsError, Problem
from negdocs.loader import Source, read_source
from negdocs.model import CONTEXTS, Deal
from negdocs.project import Project
from negdocs.strategy import Pack, load_packs
from negdocs.validate import deal_id, validate

Report = Callable[[str], None]


@dataclass
class Loaded:
    """One valid deal with everything computed about it."""

    id: str
    source: Source
    deal: Deal
    analysis: Analysis
    findings: list[Problem] = field(default_factory=list)


@dataclass
class Gathered:
    project: Project
    packs: dict[str, Pack]
    deals: list[Loaded]
    problems: list[Problem]  # errors and warnings of every file, sorted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def gather(paths=(), root: Path | None = None, strict: bool = False, project: Project | None = None) -> Gathered:
    """Load, validate and check every deal file; never raises for problems in deal files."""
    project = project or Project.load(root)
    packs = load_packs(project.root)
    deals: list[Loaded] = []
    problems: list[Problem] = []
    for path in project.discover(list(paths)):
        display = project.display(path)
        try:
            source = read_source(path, display)
        except NegdocsError as exc:
            problems += exc.problems
            continue
        deal, found = validate(source, packs, checks.WARNINGS)
        problems += found
        if deal is None:
            continue
        analysis = analyse(deal)
        findings = checks.run(source, deal, analysis, project.settings.checks.ignore, strict)
        problems += findings
        deals.append(Loaded(deal_id(source, deal), source, deal, analysis, findings))
    problems += _duplicate_ids(deals)
    return Gathered(project, packs, deals, sorted(problems))


def _duplicate_ids(deals: list[Loaded]) -> list[Problem]:
    first: dict[str, Loaded] = {}
    problems = []
    for loaded in deals:
        other = first.setdefault(loaded.id, loaded)
        if other is not loaded:
            for a, b in ((loaded, other), (other, loaded)):
                problems.append(Problem(a.source.display, a.source.line(("id",)),
                                        f"id {a.id!r} is also used by {b.source.display}; ids are unique across the project",
                                        "duplicate-id"))
    return problems


def check(paths=(), root: Path | None = None, strict: bool = False) -> list[Problem]:
    """Every finding (errors and warnings) of every deal file, sorted by file and line."""
    return gather(paths, root, strict).problems


@dataclass
class BuildResult:
    out: Path
    files: list[str]
    problems: list[Problem]
    pdf_warnings: list[str]


def build(paths=(), out: Path | None = None, *, pdf: bool = True, jobs: int | None = None, edition: str = "internal",
          root: Path | None = None, strict: bool = False, report: Report = lambda message: None) -> BuildResult:
    """Build the site (and PDFs) for every deal under ``paths`` into ``out``."""
    from negdocs.render import Renderer
    from negdocs.writer import is_ours, write_site

    gathered = gather(paths, root, strict)
    if gathered.errors:
        raise NegdocsError(gathered.problems)
    project = gathered.project
    out = (out or project.root / "build").resolve()
    if not is_ours(out):  # fail before the slow part
        write_site(out, {}, {})
    renderer = Renderer(project.templates, project.root)
    deals = sorted(gathered.deals, key=lambda d: d.id)
    from negdocs import gitinfo

    git = gitinfo.provenance(project.root, [d.source.path for d in deals])
    files: dict[str, bytes] = {}
    pages: dict[str, str] = {}
    labels: dict[str, str] = {}  # page -> the deal file it comes from, for messages
    wanted = editions.EDITIONS if edition == "all" else (edition,)
    for name in wanted:
        prefix = "" if name == "internal" else f"{name}/"
        for loaded in deals:
            context = _page_context(name, loaded, gathered, project, git.get(loaded.source.path, {}))
            pages[f"{prefix}{loaded.id}.html"] = renderer.render(f"{name}.html", **context)
            labels[f"{prefix}{loaded.id}.html"] = loaded.source.display
        pages[f"{prefix}index.html"] = renderer.render("index.html", **_index_context(name, deals, project, prefix))
    for key, html in pages.items():
        files[key] = html.encode("utf-8")
    pdf_warnings: list[str] = []
    if pdf:
        from negdocs import pdf as pdfmod

        missing = pdfmod.available()
        if missing:
            raise NegdocsError(Problem("negdocs", 0, missing, "setup"))
        jobs_list = [pdfmod.PdfJob(key.removesuffix(".html") + ".pdf", html, str(project.root), labels[key])
                     for key, html in pages.items() if key in labels]
        results = pdfmod.render_all(jobs_list, jobs or usable_cores())
        failures = [Problem(job.label, 0, f"{job.key}: PDF rendering failed: {r.error}", "pdf")
                    for job, r in zip(jobs_list, results) if r.error]
        if failures:
            raise NegdocsError(failures)
        for result in results:
            files[result.key] = result.data
            pdf_warnings += [f"{result.key}: {w}" for w in result.warnings]
    manifest = {"negdocs": __version__, "format": FORMAT_VERSION,
                "files": {k: hashlib.sha256(v).hexdigest() for k, v in sorted(files.items())}}
    write_site(out, files, manifest)
    for warning in pdf_warnings:
        report(f"warning: {warning}")
    return BuildResult(out, sorted(files), gathered.problems, pdf_warnings)


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def build_date() -> str | None:
    """The build date from SOURCE_DATE_EPOCH, or None: output never carries wall-clock time."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return None
    return long_date(dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date())


def _provenance(loaded: Loaded, git: dict) -> dict:
    """Where this playbook comes from: content hash, git commit and date, versions; no wall clock."""
    return {"sha256": loaded.source.digest, "negdocs": __version__, "format": FORMAT_VERSION, "built": build_date(),
            "commit": git.get("commit"), "file_commit": git.get("file_commit"), "file_date": git.get("file_date"),
            "modified": git.get("modified", False)}


def _page_context(edition: str, loaded: Loaded, gathered: Gathered, project: Project, git: dict) -> dict:
    if edition == "proposal":
        return {**editions.proposal(loaded.deal, loaded.id, project.settings), "site": project.settings, "logo": project.logo}
    pack = gathered.packs[loaded.deal.strategy]
    lines = [loaded.source.line(("scripts", n)) for n in range(len(loaded.deal.scripts))]
    context = editions.internal(loaded.deal, loaded.id, pack, loaded.analysis, loaded.findings, lines,
                                project.settings, loaded.source.display, _provenance(loaded, git))
    return {**context, "site": project.settings, "logo": project.logo, "packs": gathered.packs}


def _index_context(edition: str, deals: list[Loaded], project: Project, prefix: str) -> dict:
    groups = {c: [editions.index_entry(edition, d.deal, d.id) for d in deals if d.deal.context == c] for c in CONTEXTS}
    return {"edition": edition, "groups": {c: ds for c, ds in groups.items() if ds}, "site": project.settings,
            "logo": project.logo,
            "label": project.settings.confidentiality, "built": build_date()}
