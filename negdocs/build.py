"""The pipeline, top to bottom: check everything, render, then swap the output in at once.

paths -> Sources -> Deals + findings (all problems of all files, then raise once) ->
edition views -> HTML pages streamed into a staging folder -> PDFs -> index pages, search
index and manifest -> one swap of the output folder. Nothing is visible in ``build/`` until
every step succeeded; unchanged deals are carried over from the last build.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from negdocs.analyse.strategy import load_packs
from negdocs.deals import Loaded, check, clashes, duplicate_ids, load_one, other_ids  # noqa: F401 (check: the API)
from negdocs.errors import NegdocsError, Problem
from negdocs.load.files import read_limited
from negdocs.load.model import Deal
from negdocs.output.site import entry_json, files_of, finish, in_shard, search_entry
from negdocs.project import Project
from negdocs.render import editions, portfolio
from negdocs.render.pages import page_context, page_lang, renderer_for

Report = Callable[[str], None]


@dataclass
class BuildResult:
    out: Path
    files: list[str]
    problems: list[Problem]
    pdf_warnings: list[str]
    rebuilt: list[str] = field(default_factory=list)  # deal files parsed and rendered this time
    skipped: list[str] = field(default_factory=list)  # guides: no proposal package


def build(paths=(), out: Path | None = None, *, pdf: bool = True, jobs: int | None = None, edition: str = "internal",
          root: Path | None = None, strict: bool = False, force: bool = False, shard: tuple[int, int] | None = None,
          locale: str | None = None, report: Report = lambda message: None, progress: Callable[[str, int, int], None] | None = None) -> BuildResult:
    """Build the site (and PDFs) for every deal under ``paths`` into ``out``.

    Each deal is loaded, checked and rendered in turn, its pages streamed into a staging
    folder, so memory does not grow with the number of deals; PDFs follow once every file is
    known to be valid, and the staging folder replaces ``out`` only when all succeeded.
    Deals whose key (see :mod:`negdocs.output.incremental`) is unchanged since the last build into
    ``out`` are carried over without being parsed or rendered; ``force`` rebuilds all.
    ``locale`` overrides negdocs.yaml's default language for this build.
    """
    from negdocs.git import gitinfo
    from negdocs.output import incremental
    from negdocs.analyse.strategy import pack_files
    from negdocs.output.writer import Staging
    from negdocs.render.package import Proposals

    project = Project.load(root)
    project.locale_override = locale
    packs = load_packs(project.root)
    out = (out or project.root / "build").resolve()
    renderer = renderer_for(project)
    wanted = editions.EDITIONS if edition == "all" else (edition,)
    proposals = Proposals(renderer, project) if "proposal" in wanted else None
    explicit = bool(paths)
    paths = project.discover(list(paths))
    git = gitinfo.provenance(project.root, paths)
    keys = incremental.Keys(project, pack_files(project.root), renderer.env, pdf,
                            {"proposal": proposals.digest} if proposals else {})
    print_css = renderer.env.loader.get_source(renderer.env, "print.css")[0] if pdf else ""

    with Staging(out) as stage:  # refuses an out folder whose manifest does not verify
        previous = {} if force else incremental.deals(stage.previous)
        problems: list[Problem] = []
        records: dict[str, dict] = {}  # display path -> manifest record, every valid deal
        kept: list[dict] = []  # records carried over unchanged
        rebuilt: list[str] = []
        jobs_list = []  # PdfJob of every document to print
        for path in paths:
            display = project.display(path)
            try:
                raw = read_limited(path, display, project.root)
            except NegdocsError:
                raw = None  # load_one reports it
            digest = hashlib.sha256(raw).hexdigest() if raw is not None else ""
            deal_key = keys.deal(digest, git.get(path, {}), raw)
            outputs = {e: keys.page(deal_key, e) for e in wanted}
            old = previous.get(display)
            if _reusable(old, deal_key, outputs, stage.previous.get("files", {}), wanted):
                records[display] = old
                kept.append(old)
                if all(f.get("message") is not None for f in old["findings"]):
                    problems += [Problem(**{**f, "severity": "error" if strict else "warning"}) for f in old["findings"]]
                else:  # a proposal-only build keeps no finding text: check the file again, render nothing
                    problems += load_one(project, packs, path, strict, raw)[1]
                continue
            one, found = load_one(project, packs, path, strict, raw)
            problems += found
            if one is None:
                continue
            record = {"key": deal_key, "id": one.id, "outputs": outputs, "line": one.source.line(("id",)), "files": [],
                      "entries": {e: entry_json(editions.index_entry(e, one.deal, one.id)) for e in wanted if e == "internal"},
                      "findings": [asdict(f) for f in one.findings], "search": {}, "skipped": False}
            if "internal" in record["entries"]:
                record["entries"]["internal"].update(portfolio.entry(one))  # value, findings, sign-offs: internal only
            records[display] = record
            if any(p.is_error for p in problems) or (shard is not None and not in_shard(one.id, shard)):
                continue  # nothing more to render: the build will fail, or another shard renders it
            rebuilt.append(display)
            if "internal" in wanted:
                record["fallback"] = _fallback(packs, one.deal, project)
            for name in wanted:
                if name == "proposal":
                    jobs_list += _proposal(proposals, one, record, stage, project, pdf)
                    continue
                page = renderer.render(f"{name}.html", (display, 1), lang=page_lang(name, one.deal, project),
                                       **page_context(name, one, packs, project, git.get(path, {})))
                staged = stage.write(f"{one.id}.html", page.encode("utf-8"))
                record["search"][name] = search_entry(page, f"{one.id}.html", record["entries"][name])
                record["files"] += [f"{one.id}.html"] + ([f"{one.id}.pdf"] if pdf else [])
                jobs_list.append(_job(f"{one.id}.pdf", staged, project, display, print_css))
        others = other_ids(project, paths) if explicit else []
        problems += _fallback_warnings(packs, records)
        problems += clashes([(r["id"], d, r["line"]) for d, r in records.items()], others)
        problems = sorted(problems + project.warnings())
        if any(p.is_error for p in problems):
            raise NegdocsError(problems)
        if shard is not None:
            records = {d: r for d, r in records.items() if in_shard(r["id"], shard)}
            kept = [r for r in kept if in_shard(r["id"], shard)]
        for record in kept:
            for name in files_of(record, wanted):
                stage.link(name, out / name)
        pdf_warnings = _print(jobs_list, stage, jobs, progress) if pdf and jobs_list else []
        finish(stage, renderer, project, records, wanted)
    for warning in pdf_warnings:
        report(f"warning: {warning}")
    skipped = sorted(d for d, r in records.items() if r["skipped"]) if proposals else []
    return BuildResult(out, sorted(stage.names), problems, pdf_warnings, sorted(rebuilt), skipped)


def _fallback(packs, deal: Deal, project: Project) -> list[str] | None:
    """``[strategy, locale]`` when the deal's playbook shows an English pack for want of a translation."""
    locale = project.deal_locale(deal)
    return [deal.strategy, locale] if packs.pack(deal.strategy, locale)[1] else None


def _fallback_warnings(packs, records: dict[str, dict]) -> list[Problem]:
    """One warning per (project pack, language) a playbook shows in English for want of a translation."""
    from negdocs.i18n import SUPPORTED

    found = {tuple(f) for r in records.values() if isinstance(f := r.get("fallback"), list) and len(f) == 2
             and f[0] in packs and f[1] in SUPPORTED[1:]}
    return [packs.fallback_warning(*key) for key in sorted(found)]


def _proposal(proposals, one: Loaded, record: dict, stage, project: Project, pdf: bool) -> list:
    """Stage a deal's proposal package; return the PDF job that prints it and its copies."""
    made = proposals.package(one)
    if made is None:  # a guide
        record["skipped"] = True
        return []
    for name, data in made.files.items():
        stage.write(name, data)
    record["files"] += list(made.files) + (made.pdfs if pdf else [])
    return [_job(made.pdf, stage.folder / made.html, project, one.source.display, stamps=made.stamps, copies=made.copies)]


def _job(name: str, html: Path, project: Project, label: str, css: str = "", stamps: str = "", copies: tuple = ()):
    from negdocs.render.pdf import PdfJob

    return PdfJob(name, str(html), str(project.root), label, css, stamps, copies)


def _reusable(old, deal_key: str, outputs: dict, known, wanted) -> bool:
    """A previous build's record still holds: same key, same outputs, and its files among the
    ``known`` ones (the verified manifest's table of the files present, so a record made by
    hand cannot carry a file from elsewhere into the build)."""
    if old is None:  # records in ``previous`` are well-formed (incremental.deals)
        return False
    return old["key"] == deal_key and all(old["outputs"].get(k) == v for k, v in outputs.items()) \
        and all(e in old["entries"] and e in old["search"] for e in wanted if e == "internal") \
        and all(name in known for name in files_of(old, wanted))


def _print(jobs_list: list, stage, jobs: int | None, progress) -> list[str]:
    """Render the staged pages to PDF in worker processes, writing each PDF (and the stamped
    copies made from it) as it arrives."""
    from negdocs.render import pdf as pdfmod

    missing = pdfmod.available()
    if missing:
        raise NegdocsError(Problem("negdocs", 0, missing, "setup"))
    failures: list[Problem] = []
    warnings: list[str] = []

    def done(job, result) -> None:
        if result.error:
            failures.append(Problem(job.label, 0, f"{job.key}: PDF rendering failed: {result.error}", "pdf"))
        else:
            stage.write(job.key, result.data)
            for name, data in result.copies:
                stage.write(name, data)
            warnings.extend(f"{job.key}: {w}" for w in result.warnings)

    pdfmod.render_all(jobs_list, jobs or usable_cores(), progress, done)
    if failures:
        raise NegdocsError(failures)
    return warnings


def merge(dirs: list[Path], out: Path, root: Path | None = None) -> BuildResult:
    """Merge shard outputs into ``out`` and write the index pages of the edition(s) they hold."""
    from negdocs.output import incremental
    from negdocs.output.writer import MARKER, Staging, read_manifest

    project = Project.load(root)
    generated = {MARKER, "index.html", "search-index.js", "assets/negdocs.js"}
    records: dict[str, dict] = {}
    reuse: dict[str, Path] = {}
    problems: list[Problem] = []
    seen: set[tuple] = set()  # the editions each deal was built in
    for folder in dirs:
        try:
            manifest = read_manifest(folder, "merge")
        except NegdocsError as exc:
            problems += exc.problems
            continue
        found, listed = incremental.deals(manifest), manifest.get("deals")
        if not isinstance(listed, dict) or len(found) != len(listed) \
                or not all(r["search"].keys() <= r["entries"].keys() for r in found.values()):
            problems.append(Problem(str(folder), 0, f"{MARKER} has malformed deal records; build this shard again",
                                    "usage"))
            continue
        for display, record in found.items():
            records.setdefault(display, record)
            seen.add(tuple(e for e in editions.EDITIONS if e in record["outputs"]))
        for name in manifest["files"]:  # verified: exactly the files in the folder
            if name not in generated:
                reuse.setdefault(name, folder / name)
    problems += duplicate_ids(sorted((r["id"], d, r["line"]) for d, r in records.items()))
    if problems:
        raise NegdocsError(problems)
    if len(seen) > 1 or seen == {()}:
        raise NegdocsError(Problem(", ".join(map(str, dirs)), 0, "the shards were built with different --edition "
                                   "values; build every shard with the same --edition", "usage"))
    with Staging(out) as stage:
        for name, path in sorted(reuse.items()):
            stage.link(name, path)
        finish(stage, renderer_for(project), project, records, next(iter(seen), editions.EDITIONS))
    return BuildResult(stage.out, sorted(stage.names), [], [])


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
