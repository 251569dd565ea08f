"""negdocs benchmark: how fast and how big, against raw WeasyPrint, MkDocs and headless Chromium.

    .venv/bin/python bench/run.py [--sizes 10,100,1000] [--repeats N] [--quick] [--full]

For each size N it generates N deals (bench/generate.py) into bench/out/nN/project, a git
repository, and times ``.venv/bin/negdocs`` run in it as a subprocess: check, HTML-only build,
full builds at --jobs 1 and 2, raw WeasyPrint on the very same HTML, a no-op rebuild, rebuilds
after editing one deal and one project template, and the peers (MkDocs on the same deals as
Markdown, headless Chromium printing the same HTML). Medians over the repeats, CPU time and
peak memory of every run go to bench/results.md (overwritten) and bench/out/results.json.
See bench/README.md for what each row means and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
NEGDOCS = VENV / "bin" / "negdocs"
OUT = HERE / "out"
LOGS = OUT / "logs"
PEERS = HERE / ".peers"
RESULTS = HERE / "results.md"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALL = "sudo apt-get install -y chromium"
MKDOCS_VERSION = "1.6.1"
CHROMIUM_DEALS = 20

# Targets (reported PASS/FAIL, never asserted).
OVERHEAD_MAX = 1.10  # full build --jobs 1 / raw WeasyPrint on the same HTML
PAGE_MAX_S = 0.15  # WeasyPrint seconds per page of our playbooks
SPEEDUP_MIN = 1.6  # --jobs 1 time / --jobs 2 time
NOOP_MAX_S = 2.0  # no-op rebuild of 1000 deals
HTML_PER_DEAL_MAX_MS = 20.0  # HTML-only build of 1000 deals
PEAK_MAX_MB = 400.0  # peak RSS of negdocs at 1000 deals
READER_MAX = 1.2  # `negdocs approvals` and `negdocs report` / `negdocs check`, 1000 deals
READER_MB = 150.0  # their peak RSS at 1000 deals
STAMPS_MAX = 2.0  # PDF cost of 5 stamped copies / PDF cost of one unstamped proposal
RECIPIENTS = 5  # recipients per deal in the stamping rows


def _ensure_venv() -> None:
    """Run under the project's virtual environment (PyYAML, WeasyPrint and pypdf live there)."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not VENV_PY.exists():
        sys.exit(f"run.py: {VENV_PY} is missing; run `make build` first")
    os.execv(str(VENV_PY), [str(VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:]])


# -- running and measuring one command --------------------------------------------------------
def child_env() -> dict[str, str]:
    """The environment of every timed process: bytecode is cached (under bench/out, so nothing
    is written elsewhere) as on a normal install, and no build date is stamped."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    return env


@dataclass
class Sample:
    wall: float  # seconds, wall clock
    cpu: float  # user + system seconds of the process and every child it waited for
    rss_mb: float  # peak RSS of the largest process of the tree (ru_maxrss of wait4)
    main_mb: float | None  # peak RSS of the main process alone (VmHWM, polled)
    rc: int


class CommandFailed(Exception):
    pass


def _hwm(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def measure(cmd: list, cwd: Path, log: str, check: bool = True, timeout: float | None = None) -> Sample:
    """Run ``cmd`` in ``cwd``, output to bench/out/logs/<log>.{out,err}; time it and read its rusage."""
    LOGS.mkdir(parents=True, exist_ok=True)
    cmd = [str(c) for c in cmd]
    with open(LOGS / f"{log}.out", "wb") as out, open(LOGS / f"{log}.err", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=child_env())
        peak: list[float] = []
        done = threading.Event()

        def poll():
            while not done.is_set():
                value = _hwm(proc.pid)
                if value is not None:
                    peak.append(value)
                done.wait(0.02)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        done.set()
        poller.join()
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    sample = Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, max(peak) if peak else None, rc)
    if check and rc != 0:
        tail = (LOGS / f"{log}.err").read_text(errors="replace").strip().splitlines()[-3:]
        raise CommandFailed(f"`{' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd[:6]))}` exited {rc}"
                            f" (bench/out/logs/{log}.err: {' / '.join(tail)[:300]})")
    return sample


# -- results ----------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    error: str | None = None
    per_deal: bool = True
    tool: str = "negdocs"  # whose process was measured

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.samples)

    @property
    def wall(self) -> float | None:
        return statistics.median(s.wall for s in self.samples) if self.ok else None

    def stat(self, name: str) -> float | None:
        values = [getattr(s, name) for s in self.samples if getattr(s, name) is not None]
        if not values:
            return None
        return max(values) if name in ("rss_mb", "main_mb") else statistics.median(values)


@dataclass
class SizeResult:
    n: int
    pdf: bool
    repeats: int
    pdf_repeats: int
    contexts: dict[str, int]
    rows: dict[str, Row] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def add(self, key: str, row: Row) -> Row:
        self.rows[key] = row
        return row

    def wall(self, key: str) -> float | None:
        row = self.rows.get(key)
        return row.wall if row else None


def say(message: str) -> None:
    print(message, flush=True)


def run_row(row: Row, label: str, fn, repeats: int) -> Row:
    """Call ``fn(r)`` (which returns a Sample) ``repeats`` times into ``row``; a failure ends the row."""
    for r in range(repeats):
        try:
            sample = fn(r)
        except (CommandFailed, OSError, ValueError) as exc:
            row.error = str(exc)
            say(f"  {label}: FAILED: {exc}")
            return row
        row.samples.append(sample)
        say(f"  {label} [{r + 1}/{repeats}]: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, {sample.rss_mb:.0f} MB peak")
    return row


# -- the pieces of one size -------------------------------------------------------------------
RAW_WEASYPRINT = r"""
import json, os, sys, time
start = time.perf_counter()
import weasyprint
imported = time.perf_counter()
out, files = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
times = []
for name in files:
    t = time.perf_counter()
    data = weasyprint.HTML(filename=name).write_pdf(**json.loads(os.environ.get("BENCH_PDF_OPTIONS", "{}")))
    times.append(time.perf_counter() - t)
    with open(os.path.join(out, os.path.basename(name)[:-5] + ".pdf"), "wb") as fh:
        fh.write(data)
print(json.dumps({"import": imported - start, "files": times}))
"""
# What negdocs itself passes to write_pdf (negdocs/render/pdf.py), for the optional --raw-ua row.
NEGDOCS_PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def deal_pages(build: Path) -> list[Path]:
    """The deal pages of a build (what negdocs prints to PDF): every .html except index.html."""
    return sorted(p for p in build.glob("*.html") if p.name != "index.html")


def count_pages(pdfs: list[Path]) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(str(p)).pages) for p in pdfs)


def negdocs_build(project: Path, out: str, log: str, pdf: bool, jobs: int | None = None, clean: bool = True):
    def step(r: int) -> Sample:
        if clean:
            rmtree(project / out)
        cmd = [NEGDOCS, "build", "--out", out] + ([] if pdf else ["--no-pdf"]) + (["--jobs", str(jobs)] if jobs else [])
        return measure(cmd, project, f"{log}-{r + 1}")
    return step


def raw_step(files: list[Path], dest: Path, log: str, options: dict | None = None, extra: dict | None = None):
    def step(r: int) -> Sample:
        rmtree(dest)
        env_options = json.dumps(options or {})
        os.environ["BENCH_PDF_OPTIONS"] = env_options  # child_env() copies os.environ
        try:
            sample = measure([VENV_PY, "-c", RAW_WEASYPRINT, dest, *files], dest.parent, f"{log}-{r + 1}")
        finally:
            os.environ.pop("BENCH_PDF_OPTIONS", None)
        report = json.loads((LOGS / f"{log}-{r + 1}.out").read_text().strip().splitlines()[-1])
        if extra is not None:
            extra.setdefault("import", []).append(report["import"])
            extra.setdefault("render", []).append(sum(report["files"]))
        return sample
    return step


def find_in(build: Path, needle: str) -> bool:
    return any(needle in p.read_text(encoding="utf-8", errors="replace") for p in build.glob("*.html"))


def bench_size(n: int, pdf: bool, repeats: int, pdf_repeats: int, args, mkdocs: Path | None) -> SizeResult:
    import generate

    base = OUT / f"n{n}"
    project, site = base / "project", base / "mkdocs"
    say(f"\n== N = {n}: generating into {project.relative_to(ROOT)}")
    files = generate.generate(n, project, mkdocs=site)
    git = generate.git_init(project)
    contexts = {c: sum(1 for f in files if f.parent.name == c) for c in generate.CONTEXTS}
    res = SizeResult(n, pdf, repeats, pdf_repeats, contexts)
    res.facts["git"] = git
    res.facts["yaml_kb"] = round(sum(f.stat().st_size for f in files) / 1024)

    # check (must pass with zero errors: the generator makes valid deals), and the two commands
    # that read every deal like it, interleaved so all three see the same machine load
    row = res.add("check", Row("`negdocs check`"))
    readers = [(res.add("approvals", Row("`negdocs approvals` (sign-offs, who committed them)")), "approvals", ["approvals"]),
               (res.add("report", Row("`negdocs report` (CSV)")), "report", ["report", "--format", "csv"])]
    for r in range(repeats):
        run_row(row, "check", lambda _r, r=r: measure([NEGDOCS, "check"], project, f"n{n}-check-{r + 1}"), 1)
        for reader, name, cmd in readers:
            if reader.error is None:
                run_row(reader, name, lambda _r, r=r, name=name, cmd=cmd:
                        measure([NEGDOCS, *cmd], project, f"n{n}-{name}-{r + 1}"), 1)
    if row.ok:
        findings = [l for l in (LOGS / f"n{n}-check-1.out").read_text().splitlines() if l.strip()]
        res.facts["check_findings"] = len(findings)
        row.note = f"{len(findings)} finding(s)"
    if not row.ok:
        return res  # nothing else can work on an invalid project

    # HTML-only build and MkDocs, interleaved so both see the same machine load
    html = res.add("html", Row("HTML-only build (`build --no-pdf`), clean"))
    mk = res.add("mkdocs", Row(f"peer: MkDocs {MKDOCS_VERSION} `mkdocs build` (same deals as Markdown)", tool="mkdocs"))
    html_step = negdocs_build(project, "out-html", f"n{n}-html", pdf=False)
    for r in range(repeats):
        if html.error is None:
            run_row(html, "html-only", lambda _r, r=r: html_step(r), 1)
        if mkdocs is not None and mk.error is None:
            def mk_step(_r, r=r):
                rmtree(site / "site")
                return measure([mkdocs, "build", "--quiet", "--clean", "--site-dir", "site"], site, f"n{n}-mkdocs-{r + 1}")
            run_row(mk, "mkdocs", mk_step, 1)
    if mkdocs is None:
        mk.error = args.mkdocs_skip or "skipped"
    if html.ok:
        res.facts["html_kb"] = round(sum(p.stat().st_size for p in (project / "out-html").glob("*.html")) / 1024)

    if pdf:
        # full builds at --jobs 1 and 2 and raw WeasyPrint on the same HTML, interleaved per repeat
        j1 = res.add("j1", Row("full build `--jobs 1`, clean"))
        j2 = res.add("j2", Row("full build `--jobs 2`, clean"))
        raw = res.add("raw", Row("raw WeasyPrint, same HTML, one process", tool="python+weasyprint"))
        rawua = res.add("raw_ua", Row("raw WeasyPrint with negdocs' options (pdf/ua-1, metadata)", tool="python+weasyprint")) \
            if args.raw_ua else None
        html_dir = base / "html"
        raw_extra: dict = {}
        for r in range(pdf_repeats):
            if j1.error is None:
                run_row(j1, "build --jobs 1", lambda _r, r=r: negdocs_build(project, "out-j1", f"n{n}-j1", True, 1)(r), 1)
            if r == 0 and j1.ok:  # the HTML negdocs printed, kept for raw WeasyPrint and Chromium
                rmtree(html_dir)
                html_dir.mkdir(parents=True)
                for page in deal_pages(project / "out-j1"):
                    shutil.copy2(page, html_dir / page.name)
                pdfs = sorted((project / "out-j1").glob("*.pdf"))
                res.facts["pdfs"] = len(pdfs)
                res.facts["pages"] = count_pages(pdfs)
            if j2.error is None:
                run_row(j2, "build --jobs 2", lambda _r, r=r: negdocs_build(project, "out-j2", f"n{n}-j2", True, 2)(r), 1)
            pages_in = deal_pages(html_dir) if html_dir.is_dir() else []
            if not pages_in:
                raw.error = "no HTML: the --jobs 1 build failed"
            if raw.error is None:
                run_row(raw, "raw weasyprint", lambda _r, r=r: raw_step(pages_in, base / "raw-pdf", f"n{n}-raw", None, raw_extra)(r), 1)
            if rawua is not None and rawua.error is None and pages_in:
                run_row(rawua, "raw weasyprint (negdocs options)",
                        lambda _r, r=r: raw_step(pages_in, base / "raw-ua-pdf", f"n{n}-rawua", NEGDOCS_PDF_OPTIONS)(r), 1)
        if raw_extra:
            res.facts["raw_import_s"] = statistics.median(raw_extra["import"])
            res.facts["raw_render_s"] = statistics.median(raw_extra["render"])

    # rebuilds: prime one clean build at the default --jobs, then change nothing / one deal / the template
    mode = "with PDF" if pdf else "HTML only"
    reps = pdf_repeats if pdf else repeats
    prime = res.add("prime", Row(f"clean build, default `--jobs` ({mode}); base of the rebuilds"))
    run_row(prime, "clean build (prime)", negdocs_build(project, "build", f"n{n}-prime", pdf), 1)
    if prime.ok:
        again = negdocs_build(project, "build", f"n{n}-noop", pdf, clean=False)
        run_row(res.add("noop", Row(f"no-op rebuild ({mode})")), "no-op rebuild", again, reps)

        target = files[len(files) // 2]
        original = target.read_text(encoding="utf-8")
        deal_id = target.stem

        def edit_deal(r: int) -> Sample:
            lines = original.split("\n")
            for k, line in enumerate(lines):
                if line.startswith("title: "):  # a plain or quoted scalar on one line (generate.py writes those)
                    quote = line[-1] if line[len("title: ")] in "'\"" else ""
                    lines[k] = f"{line[:len(line) - len(quote)]} (rev {r + 1}){quote}"
                    break
            target.write_text("\n".join(lines), encoding="utf-8")
            sample = negdocs_build(project, "build", f"n{n}-edit", pdf, clean=False)(r)
            page = project / "build" / f"{deal_id}.html"
            if f"(rev {r + 1})" not in page.read_text(encoding="utf-8"):
                edit_row.note = "WARNING: the edit did not reach the output"
            return sample
        edit_row = res.add("edit", Row(f"rebuild after editing one deal ({mode})"))
        run_row(edit_row, "edit one deal", edit_deal, reps)
        if not edit_row.note and edit_row.ok:
            edit_row.note = "edit seen in output"

        template = project / "templates" / "internal.html"

        def touch(r: int) -> Sample:
            os.utime(template)
            return negdocs_build(project, "build", f"n{n}-touch", pdf, clean=False)(r)
        run_row(res.add("touch", Row(f"rebuild after touching the project template, content unchanged ({mode})")),
                "touch template", touch, reps)

        def change(r: int) -> Sample:
            marker = f"bench template rev {r + 1}"
            template.write_text(generate.TEMPLATE + "{% block running %}{{ deal.title }} · " + marker + "{% endblock %}\n",
                                encoding="utf-8")
            sample = negdocs_build(project, "build", f"n{n}-template", pdf, clean=False)(r)
            if not find_in(project / "build", marker):
                tpl_row.note = "WARNING: the template change did not reach the output"
            return sample
        tpl_row = res.add("template", Row(f"rebuild after changing the project template ({mode})"))
        run_row(tpl_row, "change template", change, reps)
        if not tpl_row.note and tpl_row.ok:
            tpl_row.note = "change seen in output"
        # Leave the project as generated for the next run.
        target.write_text(original, encoding="utf-8")
        template.write_text(generate.TEMPLATE, encoding="utf-8")
    peak = [row.stat("rss_mb") for row in res.rows.values() if row.tool == "negdocs" and row.ok]
    res.facts["peak_mb"] = max(peak) if peak else None
    return res


# -- proposal stamping -----------------------------------------------------------------------
STAMP_PROBE = r"""
import json, sys, tempfile, time
from pathlib import Path
from negdocs.analyse.strategy import load_packs
from negdocs.deals import load_one
from negdocs.render.pages import renderer_for as _renderer
from negdocs.project import Project
from negdocs.render import pdf
from negdocs.render.package import Proposals

project = Project.load(Path.cwd())
packs = load_packs(project.root)
proposals = Proposals(_renderer(project), project)
out = {"plain": [], "stamped": []}
folder = Path(tempfile.mkdtemp())
for path in project.discover([]):
    made = proposals.package(load_one(project, packs, path, False)[0])
    if made is None or not made.copies:
        continue
    html = folder / "page.html"
    html.write_bytes(made.files[made.html])
    plain = pdf.PdfJob(made.pdf, str(html), str(project.root), path.name)
    stamped = pdf.PdfJob(made.pdf, str(html), str(project.root), path.name, stamps=made.stamps, copies=made.copies)
    pdf._render(plain)  # warm: fonts, caches
    for _ in range(int(sys.argv[1])):
        for key, job in (("plain", plain), ("stamped", stamped)):
            start = time.process_time()
            result = pdf._render(job)
            out[key].append(time.process_time() - start)
            assert result.error is None and len(result.copies) == len(job.copies)
print(json.dumps(out))
"""


def bench_stamps(repeats: int) -> dict:
    """What recipients' copies cost: proposal builds (--jobs 1) of the example deals with no
    recipients and with RECIPIENTS each, with and without PDFs, and raw WeasyPrint printing
    every stamped HTML copy (the cost of laying each copy out again, which negdocs avoids)."""
    import yaml

    base = OUT / "stamps"
    say(f"\n== proposal stamping: the example deals, 0 and {RECIPIENTS} recipients each")
    rows: dict[str, Row] = {}
    projects = {}
    for count in (0, RECIPIENTS):
        project = base / f"r{count}"
        rmtree(project)
        shutil.copytree(ROOT / "playbooks", project / "playbooks")
        if (ROOT / "negdocs.yaml").is_file():  # the approval matrix the examples' sign-offs name
            shutil.copy2(ROOT / "negdocs.yaml", project / "negdocs.yaml")
        for path in sorted((project / "playbooks").rglob("*.yaml")):
            deal = yaml.safe_load(path.read_text(encoding="utf-8"))
            if "counterparty" in deal or "issues" in deal:
                names = ["Priya Raman", "José Álvarez", "Marc Dubois", "Amara Okafor", "Lena Fischer"][:count]
                deal.setdefault("proposal", {})["recipients"] = [{"name": n, "org": "Counterparty Ltd"} for n in names]
                path.write_text(yaml.safe_dump(deal, sort_keys=False, allow_unicode=True), encoding="utf-8")
        projects[count] = project
    for count, project in projects.items():
        for pdf in (False, True):
            key = f"r{count}-{'pdf' if pdf else 'html'}"
            label = (f"`build --edition proposal --jobs 1{'' if pdf else ' --no-pdf'}`, "
                     f"{'no recipients' if not count else f'{count} recipients per deal'}")
            cmd = [NEGDOCS, "build", "--edition", "proposal", "--jobs", "1", "--force", "--out", "build"] + ([] if pdf else ["--no-pdf"])
            rows[key] = run_row(Row(label), key, lambda r, cmd=cmd, project=project, key=key:
                                measure(cmd, project, f"stamps-{key}-{r + 1}"), repeats)
    copies = sorted((projects[RECIPIENTS] / "build" / "proposal").glob("*/*.html"))
    rows["naive"] = Row(f"raw WeasyPrint printing the {len(copies)} stamped HTML copies (each laid out again)",
                        tool="python+weasyprint")
    if copies:
        run_row(rows["naive"], "naive copies", raw_step(copies, base / "naive-pdf", "stamps-naive", NEGDOCS_PDF_OPTIONS), repeats)
    deals = len(list((projects[0] / "build" / "proposal").glob("*.pdf"))) if rows["r0-pdf"].ok else 0
    probe: dict = {}
    try:  # one worker's CPU time, in one process: the proposal printed alone, and with its copies
        measure([VENV_PY, "-c", STAMP_PROBE, str(repeats)], projects[RECIPIENTS], "stamps-probe")
        probe = json.loads((LOGS / "stamps-probe.out").read_text().strip().splitlines()[-1])
    except (CommandFailed, ValueError, IndexError) as exc:
        say(f"  stamp probe: FAILED: {exc}")
    return {"rows": rows, "deals": deals, "copies": len(copies), "probe": probe}


def stamp_ratio(stamps: dict, stat: str) -> tuple[float | None, float | None, float | None]:
    """(PDF cost of one unstamped proposal, of its RECIPIENTS copies, their ratio), per deal, by ``stat``."""
    rows, deals = stamps["rows"], stamps["deals"]
    values = {k: (r.wall if stat == "wall" else r.stat(stat)) if r.ok else None for k, r in rows.items()}
    if not deals or None in (values.get("r0-pdf"), values.get("r0-html"), values.get(f"r{RECIPIENTS}-pdf"),
                             values.get(f"r{RECIPIENTS}-html")):
        return None, None, None
    one = (values["r0-pdf"] - values["r0-html"]) / deals
    copies = (values[f"r{RECIPIENTS}-pdf"] - values[f"r{RECIPIENTS}-html"]) / deals - one
    return one, copies, copies / one if one > 0 else None


def stamps_section(stamps: dict) -> list[str]:
    lines = ["## Proposal stamping", "",
             f"The {stamps['deals']} example deals with a proposal, built with no recipients and with {RECIPIENTS} "
             f"recipients each ({stamps['copies']} stamped copies in HTML, Word and PDF). The PDF cost of a build is "
             "its time with PDFs minus its time without; the copies' cost is the difference between the two "
             "projects' PDF costs.", "",
             "| row | median s | min s | CPU s | peak RSS MB |", "|---|---:|---:|---:|---:|"]
    for row in stamps["rows"].values():
        if not row.ok:
            lines.append(f"| {row.name} | | | | {row.error or 'not run'} |")
            continue
        lines.append(f"| {row.name} | {fmt_s(row.wall)} | {fmt_s(min(s.wall for s in row.samples))} | "
                     f"{fmt_s(row.stat('cpu'))} | {row.stat('rss_mb'):.0f} |")
    for stat in ("wall", "cpu"):
        one, copies, r = stamp_ratio(stamps, stat)
        if r is not None:
            lines.append(f"\nPer deal ({'wall clock' if stat == 'wall' else 'CPU'}): one unstamped PDF {one:.3f} s; "
                         f"{RECIPIENTS} stamped copies {copies:.3f} s = **{r:.2f}x** one unstamped PDF.")
    probe = stamps.get("probe") or {}
    if probe.get("plain") and probe.get("stamped"):
        plain, stamped = statistics.median(probe["plain"]), statistics.median(probe["stamped"])
        lines.append(f"\nIn one PDF worker (CPU time per deal, median of {len(probe['plain'])}): the proposal printed "
                     f"alone {plain:.3f} s; printed with its {RECIPIENTS} stamped copies {stamped:.3f} s, so the copies "
                     f"cost {stamped - plain:.3f} s = **{(stamped - plain) / plain:.2f}x** one unstamped PDF.")
    naive = stamps["rows"]["naive"]
    if naive.ok and stamps["copies"]:
        lines.append(f"\nLaying each copy out again (raw WeasyPrint on the stamped HTML) would cost "
                     f"{naive.wall / stamps['copies']:.3f} s per copy, {RECIPIENTS * naive.wall / stamps['copies']:.3f} s "
                     f"for {RECIPIENTS}.")
    return lines + [""]


def stamps_target(stamps: dict) -> tuple[str, str, str]:
    probe = stamps.get("probe") or {}
    if probe.get("plain") and probe.get("stamped"):  # the direct measurement; the build difference is noisier
        one = statistics.median(probe["plain"])
        copies = statistics.median(probe["stamped"]) - one
        r = copies / one
    else:
        one, copies, r = stamp_ratio(stamps, "cpu")
    text = "n/a" if r is None else f"{copies:.3f} s CPU for {RECIPIENTS} copies, {one:.3f} s for one PDF: {r:.2f}x"
    return (f"{RECIPIENTS} stamped PDF copies cost < {STAMPS_MAX:.0f}x one unstamped proposal PDF", text,
            "SKIP" if r is None else ("PASS" if r < STAMPS_MAX else "FAIL"))


# -- peers ------------------------------------------------------------------------------------
def setup_mkdocs() -> tuple[Path | None, str]:
    """MkDocs in its own venv under bench/.peers (never in .venv); (binary, note)."""
    venv = PEERS / "mkdocs"
    exe = venv / "bin" / "mkdocs"
    if exe.exists():
        return exe, ""
    say(f"installing MkDocs {MKDOCS_VERSION} into {venv.relative_to(ROOT)} (once)")
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    try:
        subprocess.run([base, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"mkdocs=={MKDOCS_VERSION}"],
                       check=True, capture_output=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        rmtree(venv)
        return None, f"skipped: installing mkdocs failed ({exc}; {detail.decode(errors='replace').strip()[-200:]})"
    return exe, ""


def bench_chromium(n: int, results: dict[int, SizeResult], repeats: int, quick: bool) -> dict:
    """Full build of n deals at the default --jobs against Chromium printing the same HTML one by one."""
    import generate

    info: dict = {"n": n, "rows": {}}
    if not CHROMIUM.exists():
        info["skipped"] = f"{CHROMIUM} is missing; install it with: {CHROMIUM_INSTALL}"
        say(f"\n== Chromium peer skipped: {info['skipped']}")
        return info
    say(f"\n== Chromium peer on {n} deals")
    base = OUT / f"n{n}"
    project = base / "project"
    build_row = Row(f"full build of {n} deals, default `--jobs`, clean")
    if quick and n in results and results[n].pdf and results[n].rows.get("prime") and results[n].rows["prime"].ok:
        build_row = results[n].rows["prime"]  # --quick: reuse the N=10 clean build, one sample
        build = base / "html"  # the HTML of that size's --jobs 1 build, as generated (before the rebuild edits)
        pdf_source = project / "out-j1"
    else:
        base = OUT / f"chromium-n{n}"
        project = base / "project"
        generate.generate(n, project)
        generate.git_init(project)
        run_row(build_row, f"build {n} deals", negdocs_build(project, "build", f"chromium-n{n}-build", True), repeats)
        build = pdf_source = project / "build"
    info["rows"]["build"] = build_row
    pages = deal_pages(build)
    if not build_row.ok or not pages:
        info["skipped"] = "the negdocs build failed"
        return info
    html_dir, pdf_dir, profile = base / "chromium-html", base / "chromium-pdf", OUT / "chromium-profile"
    rmtree(html_dir)
    html_dir.mkdir(parents=True)
    for page in pages:
        shutil.copy2(page, html_dir / page.name)
    pages = deal_pages(html_dir)
    row = Row(f"peer: Chromium `--print-to-pdf`, {n} files one after another", tool="chromium")

    def step(r: int) -> Sample:
        rmtree(pdf_dir)
        pdf_dir.mkdir(parents=True)
        total = Sample(0.0, 0.0, 0.0, None, 0)
        for k, page in enumerate(pages):
            cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run",
                   f"--user-data-dir={profile}",  # its own profile, so it never joins another running Chromium
                   f"--print-to-pdf={pdf_dir / (page.stem + '.pdf')}", page.as_uri()]
            s = measure(cmd, html_dir, f"chromium-n{n}-{r + 1}-{k + 1}", timeout=180)
            if not (pdf_dir / (page.stem + ".pdf")).is_file():
                raise CommandFailed(f"Chromium wrote no PDF for {page.name} (bench/out/logs/chromium-n{n}-{r + 1}-{k + 1}.err)")
            total = Sample(total.wall + s.wall, total.cpu + s.cpu, max(total.rss_mb, s.rss_mb), None, 0)
        return total
    run_row(row, "chromium print", step, repeats)
    info["rows"]["chromium"] = row
    if row.ok:
        info["chromium_pages"] = count_pages(sorted(pdf_dir.glob("*.pdf")))
        info["negdocs_pages"] = count_pages(sorted(pdf_source.glob("*.pdf")))
    return info


# -- report -----------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    from importlib.metadata import version

    def cmd(*args) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30, cwd=ROOT).stdout.strip()
        except OSError:
            return "?"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"date": cmd("date", "-u"), "cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable,
            "ram_gib": round(ram, 1) if ram else None, "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "weasyprint": version("weasyprint"),
            "negdocs": cmd(str(NEGDOCS), "--version").removeprefix("negdocs, version ").strip(),
            "pypdf": version("pypdf"), "commit": cmd("git", "rev-parse", "--short", "HEAD"),
            "dirty": bool(cmd("git", "status", "--porcelain", "--", "negdocs", "templates")),
            "chromium": cmd(str(CHROMIUM), "--version") if CHROMIUM.exists() else "not installed",
            "load_start": os.getloadavg()}


def fmt_s(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def annotate(res: SizeResult) -> None:
    """The ratio column of each row."""
    w = res.wall
    rows = res.rows
    for key in ("approvals", "report"):
        if key in rows and rows[key].ok and rows["check"].ok:
            cpu = ratio(rows[key].stat("cpu"), rows["check"].stat("cpu"))
            rows[key].note = f"{x(ratio(w(key), w('check')))} `check` (CPU time: {x(cpu)})"
    if "html" in rows and rows["html"].ok:
        rows["html"].note = f"{x(ratio(w('html'), w('check')))} `check`"
        if rows["mkdocs"].ok:
            rows["mkdocs"].note = f"negdocs HTML-only takes {x(ratio(w('html'), w('mkdocs')))} MkDocs' time"
    if res.pdf:
        if rows["j1"].ok:
            rows["j1"].note = f"overhead {x(ratio(w('j1'), w('raw')))} raw WeasyPrint"
        if rows["j2"].ok:
            rows["j2"].note = f"speedup {x(ratio(w('j1'), w('j2')))} over `--jobs 1`"
        if rows["raw"].ok and res.facts.get("pages"):
            per_page = res.facts["raw_render_s"] / res.facts["pages"]
            rows["raw"].note = (f"{res.facts['pages']} pages, {per_page:.3f} s/page rendering "
                                f"(+{res.facts['raw_import_s']:.2f} s import)")
        if rows.get("raw_ua") is not None and rows["raw_ua"].ok:
            rows["raw_ua"].note = f"{x(ratio(w('raw_ua'), w('raw')))} plain raw; j1 is {x(ratio(w('j1'), w('raw_ua')))} of this"
    for key in ("noop", "edit", "touch", "template"):
        if key in rows and rows[key].ok:
            extra = f"; {rows[key].note}" if rows[key].note and "x of a clean" not in rows[key].note else ""
            rows[key].note = f"{x(ratio(w(key), w('prime')))} of a clean build{extra}"


def size_table(res: SizeResult) -> list[str]:
    ctx = ", ".join(f"{v} {k}" for k, v in res.contexts.items() if v)
    facts = res.facts
    lines = [f"### N = {res.n} deals ({ctx})", ""]
    bits = [f"PDF rows: {'yes' if res.pdf else 'no (above --pdf-max; --full adds them)'}",
            f"repeats: {res.repeats}" + (f" ({res.pdf_repeats} with PDF)" if res.pdf and res.pdf_repeats != res.repeats else ""),
            f"deal YAML: {facts.get('yaml_kb', '?')} KiB", f"`check` findings: {facts.get('check_findings', '?')}",
            f"git repo: {'yes' if facts.get('git') else 'no'}"]
    if facts.get("html_kb"):
        bits.append(f"HTML: {facts['html_kb']} KiB")
    if facts.get("pages"):
        bits.append(f"PDF: {facts['pdfs']} files, {facts['pages']} pages ({facts['pages'] / max(1, facts['pdfs']):.1f} per playbook)")
    lines += ["; ".join(bits) + ".", ""]
    lines += ["| row | median s | min s | ms / deal | CPU s | peak RSS MB (tree / main) | ratio, notes |",
              "|---|---:|---:|---:|---:|---:|---|"]
    for row in res.rows.values():
        if row.error:
            lines.append(f"| {row.name} | | | | | | {row.error.replace('|', '/')} |")
            continue
        if not row.samples:
            continue
        walls = [s.wall for s in row.samples]
        main = row.stat("main_mb")
        mem = f"{row.stat('rss_mb'):.0f}" + (f" / {main:.0f}" if main else "")
        per = f"{1000 * row.wall / res.n:.1f}" if row.per_deal else ""
        lines.append(f"| {row.name} | {fmt_s(row.wall)} | {fmt_s(min(walls))} | {per} | {fmt_s(row.stat('cpu'))} | {mem} | {row.note} |")
    return lines + [""]


def targets(results: dict[int, SizeResult], chromium: dict, sizes: list[int]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    pdf_sizes = [n for n in sizes if n in results and results[n].pdf]
    big = max(pdf_sizes) if pdf_sizes else None

    def verdict(ok: bool | None) -> str:
        return "SKIP" if ok is None else "PASS" if ok else "FAIL"

    def at(n: int | None, text: str) -> str:
        return f"N={n}: {text}" if n else text

    # 1. overhead
    if big:
        # The verdict compares like with like: raw WeasyPrint asked for the same output negdocs
        # produces (PDF/UA tagging, metadata). The plain-raw ratio is shown beside it.
        same = {n: ratio(results[n].wall("j1"), results[n].wall("raw_ua")) for n in pdf_sizes
                if results[n].rows.get("raw_ua") is not None}
        plain = {n: ratio(results[n].wall("j1"), results[n].wall("raw")) for n in pdf_sizes}
        values = same or plain
        shown = ", ".join(f"N={n}: {x(v)}" + (f" (plain raw, no PDF/UA: {x(plain[n])})" if same else "")
                          for n, v in values.items())
        v = values[big]
        out.append((f"full build `--jobs 1` <= {OVERHEAD_MAX:.2f}x raw WeasyPrint on the same HTML"
                    + (" with the same PDF options" if same else ""), shown,
                    verdict(None if v is None else v <= OVERHEAD_MAX)))
        per = {n: (results[n].facts.get("raw_render_s") or 0) / results[n].facts["pages"]
               for n in pdf_sizes if results[n].facts.get("pages") and results[n].facts.get("raw_render_s")}
        shown = ", ".join(f"N={n}: {v:.3f} s" for n, v in per.items()) or "n/a"
        out.append((f"WeasyPrint time per page of our playbooks <= {PAGE_MAX_S} s", shown,
                    verdict(per[big] <= PAGE_MAX_S if big in per else None)))
    else:
        out.append((f"full build `--jobs 1` <= {OVERHEAD_MAX:.2f}x raw WeasyPrint", "no size with PDF rows", "SKIP"))
        out.append((f"WeasyPrint time per page <= {PAGE_MAX_S} s", "no size with PDF rows", "SKIP"))
    # 2. chromium
    cn = chromium.get("n", CHROMIUM_DEALS)
    label = f"full build of {cn} deals at default `--jobs` faster than Chromium printing the same HTML one by one"
    if cn != CHROMIUM_DEALS:
        label += f" (target is at {CHROMIUM_DEALS} deals; --quick uses {cn})"
    if chromium.get("skipped"):
        out.append((label, f"skipped: {chromium['skipped']}", "SKIP"))
    else:
        b, c = chromium["rows"]["build"].wall, chromium["rows"]["chromium"].wall
        out.append((label, f"negdocs {fmt_s(b)} s, Chromium {fmt_s(c)} s: negdocs takes {x(ratio(b, c))} Chromium's time",
                    verdict(None if b is None or c is None else b < c)))
    # 3. jobs speedup
    if big:
        values = {n: ratio(results[n].wall("j1"), results[n].wall("j2")) for n in pdf_sizes}
        v = values[big]
        out.append((f"`--jobs 2` >= {SPEEDUP_MIN}x faster than `--jobs 1`", ", ".join(f"N={n}: {x(s)}" for n, s in values.items()),
                    verdict(None if v is None else v >= SPEEDUP_MIN)))
    else:
        out.append((f"`--jobs 2` >= {SPEEDUP_MIN}x faster than `--jobs 1`", "no size with PDF rows", "SKIP"))
    # 4-6. at 1000 deals (indicative values at the largest size when 1000 was not run)
    top = 1000 if 1000 in results else (max(results) if results else None)
    note = "" if top == 1000 else " (1000 not run; largest size shown, not judged)"
    if top is not None:
        r = results[top]
        mode = "with PDF" if r.pdf else "HTML only"
        noop = r.wall("noop")
        out.append((f"no-op rebuild of 1000 deals < {NOOP_MAX_S:.0f} s", at(top, f"{fmt_s(noop)} s ({mode}){note}"),
                    verdict(None if top != 1000 or noop is None else noop < NOOP_MAX_S)))
        html, mk = r.wall("html"), r.wall("mkdocs")
        per = 1000 * html / top if html is not None else None
        ok = None if top != 1000 or per is None else (per < HTML_PER_DEAL_MAX_MS and mk is not None and html < mk)
        mk_text = f"MkDocs {fmt_s(mk)} s" if mk is not None else f"MkDocs {r.rows['mkdocs'].error or 'n/a'}"
        out.append((f"HTML-only build of 1000 deals < {HTML_PER_DEAL_MAX_MS:.0f} ms per deal and faster than MkDocs",
                    at(top, f"{fmt_s(html)} s = {per:.1f} ms/deal; {mk_text}{note}" if per is not None else "n/a"),
                    verdict(ok)))
        for key in ("approvals", "report"):
            # Judged on CPU time (the work done): the three commands run interleaved, and on a
            # shared machine their wall times mostly measure the load; wall is shown beside.
            ok = key in r.rows and r.rows[key].ok and r.rows["check"].ok
            v = ratio(r.rows[key].stat("cpu"), r.rows["check"].stat("cpu")) if ok else None
            mem = r.rows[key].stat("rss_mb") if ok else None
            text = (f"CPU {x(v)} `check` ({r.rows[key].stat('cpu'):.2f} s / {r.rows['check'].stat('cpu'):.2f} s; wall "
                    f"{x(ratio(r.wall(key), r.wall('check')))}), {mem:.0f} MB") if v and mem else "n/a"
            out.append((f"`negdocs {key}` over 1000 deals <= {READER_MAX:.1f}x `negdocs check` (CPU time) and < {READER_MB:.0f} MB",
                        at(top, text + note), verdict(None if top != 1000 or v is None or mem is None
                                                      else v <= READER_MAX and mem < READER_MB)))
        peak = r.facts.get("peak_mb")
        out.append((f"peak memory of negdocs < {PEAK_MAX_MB:.0f} MB at 1000 deals",
                    at(top, f"{peak:.0f} MB (max over its runs, {mode}){note}" if peak else "n/a"),
                    verdict(None if top != 1000 or peak is None else peak < PEAK_MAX_MB)))
    return out


# Sections of results.md this script does not write: bench/pdfcost.py's, and the profile notes
# of issue 17. A full run keeps them (at the end) instead of dropping them with the rest.
KEPT = ("## PDF cost: profile and what was changed (issue 17)", "## PDF cost per page")


def kept_sections(text: str) -> str:
    """The KEPT sections of an earlier results.md, in their order there, each ending in a newline."""
    found = []
    for heading in KEPT:
        at = text.find("\n" + heading + "\n")
        if at == -1:
            continue
        end = text.find("\n## ", at + 1)
        found.append((at, text[at + 1:end + 1 if end != -1 else len(text)].rstrip("\n") + "\n"))
    return "".join("\n" + section for _, section in sorted(found))


def write_report(argv: list[str], info: dict, results: dict[int, SizeResult], chromium: dict, verdicts, busy: str,
                 elapsed: float, stamps: dict | None = None) -> str:
    lines = ["# negdocs benchmark results", "",
             f"`bench/run.py{' ' + ' '.join(argv) if argv else ''}`, run {info['date']}, took {elapsed / 60:.1f} min. "
             "Written by bench/run.py and overwritten on every run; bench/README.md explains the rows.", "",
             "## Machine", "",
             f"- CPU: {info['cpu']}; {info['cores']} cores ({info['usable_cores']} usable); RAM {info['ram_gib']} GiB; {info['os']}",
             f"- Python {info['python']}, WeasyPrint {info['weasyprint']}, negdocs {info['negdocs']} "
             f"(commit {info['commit']}{', with uncommitted changes' if info['dirty'] else ''}), pypdf {info['pypdf']}",
             f"- Chromium: {info['chromium']}; MkDocs {MKDOCS_VERSION} (bench/.peers/mkdocs)",
             f"- Load average (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in info['load_start'])} at the start, "
             f"{', '.join(f'{v:.2f}' for v in info['load_end'])} at the end (the run's own processes included)",
             f"- Other processes used {info.get('others', float('nan')):.2f} CPU cores on average during the run "
             "(the machine's busy time in /proc/stat less this run's own process tree)",
             ]
    if busy:
        lines.append(f"- **{busy}**")
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | **{v}** |" for t, m, v in verdicts]
    lines += ["", "## Results per size", "",
              "Medians over the repeats. `peak RSS` is ru_maxrss of the process tree (the largest process: the "
              "negdocs process or a PDF worker) / VmHWM of the main process alone, the max over the repeats. "
              "`CPU s` counts the process and all its children.", ""]
    for n in sorted(results):
        lines += size_table(results[n])
    lines += ["## Peer: headless Chromium", ""]
    if chromium.get("skipped"):
        lines += [f"Skipped: {chromium['skipped']}.", ""]
    else:
        lines += ["| row | median s | min s | ms / deal | CPU s | peak RSS MB | notes |", "|---|---:|---:|---:|---:|---:|---|"]
        cn = chromium["n"]
        for key, row in chromium["rows"].items():
            if not row.error and not row.samples:
                continue
            if row.error:
                lines.append(f"| {row.name} | | | | | | {row.error} |")
                continue
            walls = [s.wall for s in row.samples]
            note = ""
            if key == "chromium":
                note = f"{chromium.get('chromium_pages', '?')} pages (negdocs/WeasyPrint: {chromium.get('negdocs_pages', '?')})"
            lines.append(f"| {row.name} | {fmt_s(row.wall)} | {fmt_s(min(walls))} | {1000 * row.wall / cn:.0f} | "
                         f"{fmt_s(row.stat('cpu'))} | {row.stat('rss_mb'):.0f} | {note} |")
        lines.append("")
    if stamps is not None:
        lines += stamps_section(stamps)
    text = "\n".join(lines) + "\n" + kept_sections(RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "")
    RESULTS.write_text(text, encoding="utf-8")
    data = {"argv": argv, "machine": info, "targets": verdicts, "chromium": _jsonable(chromium),
            "sizes": {n: _jsonable(asdict(r)) for n, r in results.items()}}
    (OUT / "results.json").write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    return text


def run_locales(repeats: int, pdf: bool, only: bool) -> int:
    """The languages row (bench/locales.py), written into results.md."""
    import locales

    say(f"languages: the example playbooks in {', '.join(locales.LOCALES)}, {repeats} repeat(s)")
    OUT.mkdir(parents=True, exist_ok=True)
    found = locales.bench_locales(ROOT, NEGDOCS, measure, OUT / "locales", repeats, pdf)
    deals = len(list((ROOT / "playbooks").rglob("*.yaml")))
    lines = locales.section(found, repeats, deals)
    if only:
        load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
        lines.insert(2, f"Run alone (`bench/run.py --locales-only --repeats {repeats}`), {time.ctime()}, load {load}.")
        lines.insert(3, "")
    locales.replace_section(RESULTS, lines)
    if only:
        say("\n".join(lines))
    return 0


def _jsonable(value):
    if isinstance(value, Row):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def main() -> int:
    _ensure_venv()
    sys.path.insert(0, str(HERE))
    parser = argparse.ArgumentParser(description="negdocs benchmark; see bench/README.md")
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated deal counts (default 10,100,1000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per row; the median is reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="smoke test: size 10 only, 1 repeat, Chromium on those 10")
    parser.add_argument("--full", action="store_true", help="PDF rows at every size (1 repeat at 1000 and above)")
    parser.add_argument("--pdf-max", type=int, default=100, metavar="N",
                        help="PDF rows only for sizes up to N (default 100; 0: none); --full lifts the limit")
    parser.add_argument("--no-raw-ua", dest="raw_ua", action="store_false",
                        help="skip raw WeasyPrint with the options negdocs passes (pdf/ua-1, metadata); the overhead "
                             "target then compares with plain raw WeasyPrint")
    parser.add_argument("--no-peers", action="store_true", help="skip MkDocs and Chromium")
    parser.add_argument("--locales-only", action="store_true",
                        help="only the languages row (the examples in en, de, fr, es); replaces that section of results.md")
    parser.add_argument("--no-stamps", action="store_true", help="skip the proposal stamping rows")
    parser.add_argument("--stamps-only", action="store_true",
                        help="run only the proposal stamping rows and update their section and target in results.md")
    argv = sys.argv[1:]
    args = parser.parse_args(argv)
    if args.locales_only:
        return run_locales(max(1, args.repeats), pdf=args.pdf_max > 0, only=True)
    sizes = [10] if args.quick else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    repeats = 1 if args.quick else max(1, args.repeats)
    if not NEGDOCS.exists():
        sys.exit(f"run.py: {NEGDOCS} is missing; run `make build` first")
    if args.stamps_only:
        return stamps_only(repeats)
    started = time.perf_counter()
    import pdfcost  # the idle test: CPU other processes used, not the load average (which counts our own runs)

    pdfcost.subreaper()  # Chromium's helpers and PDF workers are reaped here, so their CPU counts as ours
    cpu_start = pdfcost.machine_cpu()
    info = machine()
    say(f"negdocs benchmark: sizes {sizes}, {repeats} repeat(s); {info['cpu']}, {info['usable_cores']} usable cores; "
        f"load {info['load_start'][0]:.2f}")
    OUT.mkdir(parents=True, exist_ok=True)
    rmtree(LOGS)

    args.mkdocs_skip = None
    mkdocs = None
    if args.no_peers:
        args.mkdocs_skip = "skipped: --no-peers"
    else:
        mkdocs, args.mkdocs_skip = setup_mkdocs()

    # Warm the bytecode cache and the file cache once, untimed.
    import generate

    warm = OUT / "warmup"
    generate.generate(4, warm)
    for cmd in ([NEGDOCS, "build", "--no-pdf", "--out", "build"], [VENV_PY, "-c", "import weasyprint, pypdf"]):
        measure(cmd, warm, "warmup", check=False)
    if mkdocs is not None:
        measure([mkdocs, "--version"], warm, "warmup-mkdocs", check=False)

    results: dict[int, SizeResult] = {}
    for n in sizes:
        pdf = n <= args.pdf_max or args.full
        pdf_repeats = 1 if n >= 1000 else repeats
        res = bench_size(n, pdf, repeats, pdf_repeats, args, mkdocs)
        annotate(res)
        results[n] = res
    chromium: dict = {"n": CHROMIUM_DEALS, "skipped": "--no-peers", "rows": {}}
    chromium_n = 10 if args.quick else CHROMIUM_DEALS
    if not args.no_peers and chromium_n > args.pdf_max and not args.full:
        chromium = {"n": chromium_n, "rows": {}, "skipped": f"--pdf-max {args.pdf_max} is below {chromium_n} deals"}
    elif not args.no_peers:
        chromium = bench_chromium(chromium_n, results, repeats, args.quick)
    info["load_end"] = os.getloadavg()
    pdfcost.reap_all()
    info["others"] = pdfcost.others_cores(cpu_start, pdfcost.machine_cpu())
    busy = ""
    if not pdfcost.idle(info["others"]):
        busy = (f"The machine was busy (other processes used {info['others']:.2f} CPU cores on average, more than "
                f"{pdfcost.OTHERS_IDLE}): they competed for the CPU, so times are pessimistic and ratios noisy; "
                "compare `CPU s` as well, and rerun on an idle machine.")
    verdicts = targets(results, chromium, sizes)
    stamps = None if args.no_stamps else bench_stamps(repeats)
    if stamps is not None:
        verdicts.append(stamps_target(stamps))
    text = write_report(argv, info, results, chromium, verdicts, busy, time.perf_counter() - started, stamps)
    run_locales(repeats, pdf=args.pdf_max > 0 or args.full, only=False)
    text = RESULTS.read_text(encoding="utf-8")
    say("\n" + text)
    say(f"written: {RESULTS.relative_to(ROOT)} and {(OUT / 'results.json').relative_to(ROOT)}")
    return 0


def stamps_only(repeats: int) -> int:
    """Measure the stamping rows and put them into the existing results.md (its section and
    its target row), leaving the rest of the report as the last full run wrote it."""
    OUT.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    stamps = bench_stamps(repeats)
    target = stamps_target(stamps)
    section = "\n".join(stamps_section(stamps))
    section += (f"\n`bench/run.py --stamps-only --repeats {repeats}`, run {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}, "
                f"load {load:.2f} at the start; the other sections are from the last full run.\n")
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# negdocs benchmark results\n\n## Targets\n\n"
    head, _, rest = text.partition("## Proposal stamping")
    tail = rest.partition("\n## ")[2]
    text = head.rstrip("\n") + "\n\n" + section + (f"\n## {tail}" if tail else "")
    row = f"| {target[0]} | {target[1]} | **{target[2]}** |"
    lines = [line for line in text.split("\n") if not line.startswith(f"| {target[0]} |")]
    at = next((n for n, line in enumerate(lines) if line.startswith("| ") and "verdict" not in line and n > 0
               and lines[n - 1].startswith("|")
               and any(l.startswith("## Targets") for l in lines[:n])), None)
    end = at
    while end is not None and end < len(lines) and lines[end].startswith("|"):
        end += 1
    if end is not None:
        lines.insert(end, row)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    say("\n" + section + "\n" + row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
