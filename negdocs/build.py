"""The pipeline, top to bottom: check everything, render, then swap the output in at once.

paths -> Sources -> Deals + findings (all problems of all files, then raise once) ->
edition views -> HTML pages streamed into a staging folder -> PDFs -> index pages, search
index and manifest -> one swap of the output folder. Nothing is visible in ``build/`` until
every step succeeded; unchanged deals are carried over from the last build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from negdocs import FORMAT_VERSION, __version__
from negdocs.analyse import approvals, checks
from negdocs.render import editions, portfolio
from negdocs.analyse.analysis import Analysis, analyse
from negdocs.dates import long_date
from negdocs.errors import NegdocsError, Problem
from negdocs.load.files import read_limited
from negdocs.load.loader import Source, read_source
from negdocs.load.matrix import check_deal
from negdocs.load.model import CONTEXTS, Deal
from negdocs.project import Project
from negdocs.analyse.strategy import load_packs
from negdocs.load.validate import deal_id, validate

Report = Callable[[str], None]


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


def _other_ids(project: Project, checked: list[Path]) -> list[tuple[str, str, int]]:
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


def _clashes(ids: list[tuple[str, str, int]], others: list[tuple[str, str, int]]) -> list[Problem]:
    """Duplicate ids among the checked files, and with the rest of the project (reported on
    the checked side)."""
    checked = {shown for _, shown, _ in ids}
    return [p for p in _duplicate_ids(sorted(ids + others)) if p.path in checked]


def _duplicate_ids(ids: list[tuple[str, str, int]]) -> list[Problem]:
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
    others = _other_ids(project, files) if paths else []
    return sorted(problems + _clashes(ids, others))


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
    renderer = _renderer(project)
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
                      "entries": {e: _entry_json(editions.index_entry(e, one.deal, one.id)) for e in wanted if e == "internal"},
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
                                       **_page_context(name, one, packs, project, git.get(path, {})))
                staged = stage.write(f"{one.id}.html", page.encode("utf-8"))
                record["search"][name] = search_entry(page, f"{one.id}.html", record["entries"][name])
                record["files"] += [f"{one.id}.html"] + ([f"{one.id}.pdf"] if pdf else [])
                jobs_list.append(_job(f"{one.id}.pdf", staged, project, display, print_css))
        others = _other_ids(project, paths) if explicit else []
        problems += _fallback_warnings(packs, records)
        problems += _clashes([(r["id"], d, r["line"]) for d, r in records.items()], others)
        problems = sorted(problems + project.warnings())
        if any(p.is_error for p in problems):
            raise NegdocsError(problems)
        if shard is not None:
            records = {d: r for d, r in records.items() if in_shard(r["id"], shard)}
            kept = [r for r in kept if in_shard(r["id"], shard)]
        for record in kept:
            for name in _files(record, wanted):
                stage.link(name, out / name)
        pdf_warnings = _print(jobs_list, stage, jobs, progress) if pdf and jobs_list else []
        _finish(stage, renderer, project, records, wanted)
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


def _edition_of(name: str) -> str:
    return "proposal" if name.startswith("proposal/") else "internal"


def _files(record: dict, wanted) -> list[str]:
    return [name for name in record["files"] if _edition_of(name) in wanted]


def _reusable(old, deal_key: str, outputs: dict, known, wanted) -> bool:
    """A previous build's record still holds: same key, same outputs, and its files among the
    ``known`` ones (the verified manifest's table of the files present, so a record made by
    hand cannot carry a file from elsewhere into the build)."""
    if old is None:  # records in ``previous`` are well-formed (incremental.deals)
        return False
    return old["key"] == deal_key and all(old["outputs"].get(k) == v for k, v in outputs.items()) \
        and all(e in old["entries"] and e in old["search"] for e in wanted if e == "internal") \
        and all(name in known for name in _files(old, wanted))


def _manifest_record(record: dict, wanted) -> dict:
    """What the manifest keeps of a deal: only what the editions built may show. A build
    without the internal edition keeps no finding text (findings quote walk-aways and BATNA
    values) and no internal index entry, so its output folder holds nothing internal."""
    kept = {**record, "entries": {e: v for e, v in record["entries"].items() if e in wanted},
            "search": {e: v for e, v in record["search"].items() if e in wanted},
            "outputs": {e: v for e, v in record["outputs"].items() if e in wanted}, "files": _files(record, wanted)}
    if "internal" not in wanted:
        kept["findings"] = [{"path": f["path"], "line": f["line"], "rule": f["rule"], "severity": f["severity"],
                             "message": None} for f in record["findings"]]
    return kept


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


_HEADING = re.compile(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def search_entry(page: str, url: str, entry: dict) -> dict:
    """What the offline search knows of one page: its title, its headings, its index keywords.

    Taken from the rendered page and its index entry only, so each edition's index holds
    nothing that edition does not show."""
    import html as htmlmod

    found = [(level, anchor, htmlmod.unescape(_TAG.sub("", text)).strip()) for level, anchor, text in _HEADING.findall(page)]
    title = next((text for level, _, text in found if level == "1"), entry["title"])
    headings = [(anchor, text) for level, anchor, text in found if level != "1"]
    keywords = " ".join(str(v) for k, v in entry.items() if k in ("counterparty", "owner", "context") and v)
    return {"t": title, "u": url, "k": keywords, "s": [[a, t] for a, t in headings if t and t != title] or [["", title]]}


def site_assets(renderer, prefix: str, search: list[dict]) -> dict[str, bytes]:
    """The site script and the edition's search index, written next to its pages."""
    script, _, _ = renderer.env.loader.get_source(renderer.env, "negdocs.js")
    index = "window.NEGDOCS_SEARCH = " + json.dumps(search, ensure_ascii=False, sort_keys=True) + ";\n"
    return {f"{prefix}assets/negdocs.js": script.encode("utf-8"), f"{prefix}search-index.js": index.encode("utf-8")}


def in_shard(deal_id: str, shard: tuple[int, int]) -> bool:
    """Stable share by id hash: adding a deal moves only that deal."""
    k, n = shard
    return int(hashlib.sha256(deal_id.encode()).hexdigest()[:12], 16) % n == k - 1


def _finish(stage, renderer, project: Project, records: dict[str, dict], wanted) -> None:
    """Write the internal site's index page, script and search index, then commit the manifest.
    The proposal edition has none of them: each package stands alone (FORMAT.md)."""
    if "internal" in wanted:
        entries = sorted((_entry_from_json(r["entries"]["internal"]) for r in records.values()), key=lambda e: e["id"])
        pdfs = {n for n in stage.names if n.endswith(".pdf")}
        entries = [{**e, "pdf": f"{e['id']}.pdf" in pdfs} for e in entries]
        from negdocs.i18n import lang

        page = renderer.render("index.html", lang=lang(project.locale), **_index_context("internal", entries, project))
        stage.write("index.html", page.encode())
        for asset, data in site_assets(renderer, "", [r["search"]["internal"] for _, r in sorted(records.items())]).items():
            stage.write(asset, data)
    stage.commit({"negdocs": __version__, "format": FORMAT_VERSION,
                  "deals": {d: _manifest_record(records[d], wanted) for d in sorted(records)}})


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
    problems += _duplicate_ids(sorted((r["id"], d, r["line"]) for d, r in records.items()))
    if problems:
        raise NegdocsError(problems)
    if len(seen) > 1 or seen == {()}:
        raise NegdocsError(Problem(", ".join(map(str, dirs)), 0, "the shards were built with different --edition "
                                   "values; build every shard with the same --edition", "usage"))
    with Staging(out) as stage:
        for name, path in sorted(reuse.items()):
            stage.link(name, path)
        _finish(stage, _renderer(project), project, records, next(iter(seen), editions.EDITIONS))
    return BuildResult(stage.out, sorted(stage.names), [], [])


def _renderer(project: Project):
    """The project's templates, with what every page shares computed once per build."""
    from negdocs.project import accent_css
    from negdocs.render.render import Renderer

    return Renderer(project.templates, project.root, {"accent_css": accent_css(project.settings.accent)})


def _entry_json(entry: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in entry.items()}


def _entry_from_json(entry: dict) -> dict:
    import datetime as dt

    return {**entry, "close_by": dt.date.fromisoformat(entry["close_by"]) if entry.get("close_by") else None}


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def build_date(locale: str = "en") -> str | None:
    """The build date from SOURCE_DATE_EPOCH, or None: output never carries wall-clock time."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return long_date(dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date(), locale) if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):  # not a representable time: no date, as when unset
        return None


def _provenance(loaded: Loaded, git: dict, locale: str = "en") -> dict:
    """Where this playbook comes from: content hash, git commit and date, versions; no wall clock."""
    return {"sha256": loaded.source.digest, "negdocs": __version__, "format": FORMAT_VERSION, "built": build_date(locale),
            "commit": git.get("commit"), "file_commit": git.get("file_commit"), "file_date": git.get("file_date"),
            "modified": git.get("modified", False)}


def page_lang(edition: str, deal: Deal, project: Project):
    """The language a page of ``edition`` is written in (see Project.deal_locale, proposal_locale)."""
    from negdocs.i18n import lang

    return lang(project.proposal_locale(deal) if edition == "proposal" else project.deal_locale(deal))


def _page_context(edition: str, loaded: Loaded, packs, project: Project, git: dict) -> dict:
    """A page's template context, every word and number of it in the page's language."""
    from negdocs.i18n import writing_in

    t = page_lang(edition, loaded.deal, project)
    with writing_in(t.code):
        site_title = editions.site_texts(project.settings, t)["site_title"]
        if edition == "proposal":
            return {**editions.proposal(loaded.deal, loaded.id, project.settings), "site": project.settings,
                    "logo": project.logo, "site_title": site_title}
        pack, fallback = packs.pack(loaded.deal.strategy, t.code)
        lines = [loaded.source.line(("scripts", n)) for n in range(len(loaded.deal.scripts))]
        analysis, findings = loaded.analysis, loaded.findings
        if t.code != "en":  # the findings' explanations in the playbook's language (the command line keeps English)
            analysis = analyse(loaded.deal, packs.get(loaded.deal.strategy))  # the command line's findings, reworded
            findings = checks.run(loaded.source, loaded.deal, analysis, project.settings.checks.ignore, locale=t.code)
        context = editions.internal(loaded.deal, loaded.id, pack, analysis, findings, lines,
                                    project.settings, loaded.source.display, _provenance(loaded, git, t.code))
        recommended = packs.pack("principled", t.code)[0] if "principled" in packs else None
    return {**context, "site": project.settings, "logo": project.logo, "packs": packs, "recommended": recommended,
            "pack_fallback": fallback, "site_title": site_title}


def _index_context(edition: str, entries: list[dict], project: Project) -> dict:
    from negdocs.i18n import lang

    order = sorted(entries, key=lambda e: (CONTEXTS.index(e["context"]), e["title"].casefold(), e["id"]))
    return {"edition": edition, "deals": [e for e in order if not e.get("guide")], "guides": [e for e in order if e.get("guide")],
            "site": project.settings, "logo": project.logo, "built": build_date(project.locale),
            **editions.site_texts(project.settings, lang(project.locale)),
            "portfolio": portfolio.view(entries) if edition == "internal" else None}
