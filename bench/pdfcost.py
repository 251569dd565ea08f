"""PDF cost per page (issue 17): negdocs against headless Chromium on the same HTML, WeasyPrint
time per page before and after the PDF speed-ups, and the `serve --pdf` edit-to-PDF time.

    .venv/bin/python bench/pdfcost.py [--before REV] [--deals 20] [--repeats 3] [--no-chromium] [--no-serve]

CPU seconds are user + system of the whole process tree, start-up included: this process is made
a child subreaper, so every descendant (Chromium's zygote, renderers and crash handler, negdocs'
PDF workers) is reaped here and counted by getrusage(RUSAGE_CHILDREN) taken around each run.
The "before" commit is checked out with `git worktree add --detach` under a temporary folder and
run with the same .venv (PYTHONPATH); it is removed on exit, on SIGTERM/SIGINT/SIGHUP, and (after
a SIGKILL) at the start of the next run. The before commit does not know the fields added since
(sign-offs, proposal terms): its copy of each project has the keys its own `negdocs check`
reports as unknown removed, so both commits print the same deals. The section "PDF cost per page"
of bench/results.md is replaced (or appended); bench/README.md explains the rows.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
NEGDOCS = ROOT / ".venv" / "bin" / "negdocs"
RESULTS = HERE / "results.md"
OUT = HERE / "out" / "pdfcost"
CHROMIUM = Path("/usr/bin/chromium")
BEFORE = "5c04417"  # main before issue 17 (the readable-playbooks layout, no PDF speed-ups)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RATIO_MAX = 2.0  # negdocs CPU per playbook / Chromium's
CUT_MIN = 0.35  # WeasyPrint time per page: at least this much below the before commit
SERVE_MAX_S = 1.5
SECTION = "## PDF cost per page"
WORKTREE_PREFIX = "pdfcost-before-"
SERVE_BUDGET_S = 300  # the whole serve --pdf row: start-up, every edit, shutdown

# Renders each HTML file with negdocs' own PDF code (print.css, PDF/UA, worker patches) in one
# process and prints the CPU seconds per document, import excluded: "WeasyPrint time". A one-page
# warm-up document is rendered first, untimed, in both trees: WeasyPrint imports modules and sets
# up fonts and PDF writing on first use (about 0.3 s, once per process), which is import time.
RENDER = r"""
import json, shutil, sys, tempfile, time
from pathlib import Path
from negdocs.render import pdf
from pypdf import PdfReader
import io
css = Path(sys.argv[1]).read_text(encoding="utf-8")
warm = Path(tempfile.mkdtemp(prefix="pdfcost-warm-")) / "warm-up.html"
warm.write_text("<!doctype html><html lang=en><head><meta charset=utf-8><title>Warm-up</title></head>"
                "<body><h1>Warm-up</h1><p>One page.</p></body></html>", encoding="utf-8")
pdf._render(pdf.PdfJob("warm-up.pdf", str(warm), str(warm.parent), "warm-up", css))
out = []
for name in sys.argv[2:]:
    job = pdf.PdfJob(Path(name).stem + ".pdf", name, str(Path(name).parent), name, css)
    t = time.process_time()
    r = pdf._render(job)
    out.append([time.process_time() - t, len(PdfReader(io.BytesIO(r.data)).pages) if r.data else 0])
shutil.rmtree(warm.parent, ignore_errors=True)
print(json.dumps(out))
"""


def subreaper() -> None:
    try:
        ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: orphans of our children come to us
    except (OSError, AttributeError):
        pass


def reap_all(deadline: float = 20.0) -> None:
    """Wait for every remaining descendant (so its CPU is in RUSAGE_CHILDREN)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def cpu_of(cmd: list, cwd: Path, env: dict | None = None, timeout: float = 600) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    reap_all()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"pdfcost: `{' '.join(map(str, cmd[:4]))}` exited {proc.returncode}: {proc.stderr[-400:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.stdout


def tree_env(tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(OUT / f"pycache-{tree.name}"))
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def pages_of(folder: Path) -> dict[str, int]:
    from pypdf import PdfReader

    return {p.stem: len(PdfReader(str(p)).pages) for p in sorted(folder.glob("*.pdf"))}


def html_pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.html") if p.name != "index.html")


UNKNOWN_KEY = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+): error schema: (?:[^\n]*: )?unknown key '(?P<key>[^']+)'", re.M)


def drop_block(path: Path, line: int, key: str) -> bool:
    """Remove the YAML key at ``line`` (1-based) and the lines indented under it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = line - 1
    if not 0 <= i < len(lines) or not re.match(rf"\s*(- )?{re.escape(key)}\s*:", lines[i]):
        return False
    head = lines[i]
    indent = len(head) - len(head.lstrip(" -"))
    end = i + 1
    def under(text: str) -> bool:  # a line of the key's value: deeper, or a list item at the key's own indent
        depth = len(text) - len(text.lstrip(" "))
        return (not text.strip() or text.lstrip().startswith("#") or depth > indent
                or (depth == indent and text.lstrip().startswith("- ") and not head.lstrip().startswith("- ")))

    while end < len(lines) and under(lines[end]):
        end += 1
    if head.lstrip().startswith("- "):  # first key of a list item: keep the dash for the item's other keys
        rest = lines[end] if end < len(lines) else ""
        if end < len(lines) and len(rest) - len(rest.lstrip(" ")) == indent and not rest.lstrip().startswith("- "):
            lines[end] = rest[:indent - 2] + "- " + rest[indent:]
    del lines[i:end]
    path.write_text("".join(lines), encoding="utf-8")
    return True


def project_for(label: str, project: Path, tree: Path) -> Path:
    """The project as ``tree`` can build it: itself for this tree; for another commit a copy
    without the keys that commit's schema does not know (asked to its own `negdocs check`)."""
    if tree == ROOT:
        return project
    copy = project.parent / f"{project.name}-{label}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("out-*", "chromium-pdf"))
    for _ in range(50):
        proc = subprocess.run([str(VENV_PY), "-m", "negdocs", "check"], cwd=copy, env=tree_env(tree),
                              capture_output=True, text=True, timeout=600)
        found = [m for m in UNKNOWN_KEY.finditer(proc.stdout + proc.stderr)]
        if not found:
            return copy
        # bottom-up per file, so earlier line numbers stay right
        for m in sorted(found, key=lambda m: (m["file"], -int(m["line"]))):
            drop_block(copy / m["file"], int(m["line"]), m["key"])
    raise SystemExit(f"pdfcost: {copy} still has keys {label} does not know after 50 rounds")


def bench_set(name: str, project: Path, trees: dict[str, Path], chromium: bool, repeats: int = 3) -> dict:
    """negdocs build --jobs 1 per tree, WeasyPrint per page per tree, Chromium on the after HTML.

    The WeasyPrint rows are sampled ``repeats`` times per tree, the trees alternating (before,
    after, after, before, ...) so a change of load hits both alike; each side is judged on its
    median (one sample per side once made the same code 9% faster in one run than another)."""
    res: dict = {"name": name}
    html_of: dict[str, list[Path]] = {}
    for label, tree in trees.items():
        out = project / f"out-{label}"
        shutil.rmtree(out, ignore_errors=True)
        cpu, _ = cpu_of([VENV_PY, "-m", "negdocs", "build", "--jobs", "1", "--out", out], project_for(label, project, tree),
                        tree_env(tree))
        pages = pages_of(out)
        html_of[label] = html_pages(out)
        res[label] = {"build_cpu": cpu, "playbooks": len(pages), "pages": sum(pages.values()), "samples": []}
        print(f"  {name} {label}: build {cpu:.2f} s CPU, {len(pages)} playbooks, {sum(pages.values())} pages", flush=True)
    labels = list(trees)
    for k in range(repeats):
        for label in (labels if k % 2 == 0 else labels[::-1]):
            tree = trees[label]
            _, text = cpu_of([VENV_PY, "-c", RENDER, tree / "templates" / "print.css", *html_of[label]], project,
                             tree_env(tree))
            per_doc = json.loads(text.strip().splitlines()[-1])
            res[label]["samples"].append(sum(t for t, _ in per_doc))
            res[label]["weasy_pages"] = sum(n for _, n in per_doc)
            print(f"  {name} {label}: WeasyPrint {res[label]['samples'][-1]:.2f} s (sample {k + 1})", flush=True)
    for label in labels:
        res[label]["weasy_cpu"] = median(res[label]["samples"])
    if chromium and CHROMIUM.exists():
        html = html_of["after"]
        pdfs = project / "chromium-pdf"
        shutil.rmtree(pdfs, ignore_errors=True)
        pdfs.mkdir()
        total = 0.0
        for page in html:
            profile = tempfile.mkdtemp(prefix="pdfcost-chromium-")
            try:
                cpu, _ = cpu_of([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                 f"--print-to-pdf={pdfs / (page.stem + '.pdf')}", page.as_uri()], project, timeout=180)
            finally:
                shutil.rmtree(profile, ignore_errors=True)
            total += cpu
        res["chromium"] = {"cpu": total, "playbooks": len(html), "pages": sum(pages_of(pdfs).values())}
        print(f"  {name} chromium: {total:.2f} s CPU, {res['chromium']['pages']} pages", flush=True)
    return res


def serve_latency(project: Path, deal: Path, edits: int = 3) -> list[float]:
    """Seconds from saving an edit of ``deal`` to `serve --pdf` logging the rebuild (PDF written).

    Bounded: the whole row gets SERVE_BUDGET_S; a rebuild that reports problems, a server that
    exits or stays silent ends the row with a message; the server and its workers are stopped
    (SIGTERM, then SIGKILL to its process group) whatever happens."""
    deadline = time.monotonic() + SERVE_BUDGET_S
    proc = subprocess.Popen([str(NEGDOCS), "serve", "--pdf", "--port", "0"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=tree_env(ROOT), start_new_session=True)
    lines: list[tuple[float, str]] = []
    cond = threading.Condition()

    def read():
        for line in proc.stdout:
            with cond:
                lines.append((time.perf_counter(), line))
                cond.notify_all()
    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern: str, after: int, timeout: float = 120) -> float | None:
        end = min(time.monotonic() + timeout, deadline)
        with cond:
            while time.monotonic() < end:
                for t, line in lines[after:]:
                    if re.search(pattern, line):
                        return t
                    if re.search(r"problem\(s\)|Traceback", line):
                        raise SystemExit(f"pdfcost: serve --pdf reported: {line.strip()[:200]}")
                if proc.poll() is not None and not any(re.search(pattern, x) for _, x in lines[after:]):
                    raise SystemExit(f"pdfcost: serve --pdf exited ({proc.returncode}): "
                                     + " | ".join(x.strip() for _, x in lines[-5:])[:400])
                cond.wait(0.5)
        return None

    original = deal.read_text(encoding="utf-8")
    times = []
    try:
        if wait_for(r"serving http", 0, timeout=SERVE_BUDGET_S) is None:
            raise SystemExit("pdfcost: serve --pdf did not start")
        for k in range(edits):
            mark = len(lines)
            deal.write_text(re.sub(r"(?m)^(title: .*?)(['\"]?)$", rf"\1 (rev {k + 1})\2", original, count=1), encoding="utf-8")
            saved = time.perf_counter()
            done = wait_for(r"rebuilt \d+ deal", mark)
            if done is None:
                raise SystemExit("pdfcost: serve --pdf did not rebuild after an edit")
            times.append(done - saved)
            time.sleep(1.0)
    finally:
        deal.write_text(original, encoding="utf-8")
        stop_group(proc)
        reap_all()
    return times


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process, SIGKILL to its whole group if it is not gone in 15 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its PDF workers, if any are left
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass


OTHERS_IDLE = 0.25  # CPU cores other processes may use on average for the machine to count as idle


def machine_cpu() -> tuple[float, float, float]:
    """(wall s, CPU s the whole machine spent busy, CPU s of this process and its reaped descendants)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        busy = float("nan")
    own = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    return time.monotonic(), busy, own


def idle(others: float) -> bool:
    """Whether other processes left the machine to the run; NaN (no /proc/stat) is not shown idle."""
    return others <= OTHERS_IDLE


def others_cores(start: tuple, end: tuple) -> float:
    """Cores other processes used on average between two machine_cpu() readings."""
    wall = end[0] - start[0]
    return max(0.0, (end[1] - start[1]) - (end[2] - start[2])) / wall if wall > 0 else float("nan")


def report(sets: list[dict], serve: list[float], load: tuple, others: float, before: str) -> str:
    busy = not idle(others)
    lines = [SECTION, "",
             f"`bench/pdfcost.py` (part of `make bench`), run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
             f"before = {before}, after = this tree. Load average {load[0]:.2f} at the start; other processes used "
             f"{others:.2f} CPU cores on average during the run (the machine's busy time in /proc/stat less this "
             "run's own process tree)"
             + (f" (**busy machine**: more than {OTHERS_IDLE} cores went to other processes, so only CPU seconds are "
                "compared, never wall time; rerun on an idle machine)." if busy else ": an idle machine."),
             "CPU s = user + system of the whole process tree, start-up included (subreaper + RUSAGE_CHILDREN). "
             "WeasyPrint s = CPU of negdocs' own render function per document (print.css, PDF/UA), import excluded.", "",
             "| set | row | playbooks | pages | CPU s | CPU s / playbook | CPU s / page | ratio |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    verdicts = []
    for s in sets:
        ch = s.get("chromium")
        for label in ("before", "after"):
            r = s[label]
            per = r["build_cpu"] / r["playbooks"]
            note = ""
            if ch:
                rat = per / (ch["cpu"] / ch["playbooks"])
                note = f"{rat:.2f}x Chromium per playbook"
                if label == "after":
                    verdicts.append((f"{s['name']}: negdocs CPU per playbook <= {RATIO_MAX}x Chromium's", f"{rat:.2f}x", rat <= RATIO_MAX))
            lines.append(f"| {s['name']} | negdocs `build --jobs 1` ({label}) | {r['playbooks']} | {r['pages']} | "
                         f"{r['build_cpu']:.2f} | {per:.3f} | {r['build_cpu'] / r['pages']:.4f} | {note} |")
        if ch:
            lines.append(f"| {s['name']} | Chromium `--print-to-pdf`, same HTML, one process each | {ch['playbooks']} | "
                         f"{ch['pages']} | {ch['cpu']:.2f} | {ch['cpu'] / ch['playbooks']:.3f} | "
                         f"{ch['cpu'] / ch['pages']:.4f} | Chromium lays the HTML out without print.css |")
        b, a = s["before"], s["after"]
        pb, pa = b["weasy_cpu"] / b["weasy_pages"], a["weasy_cpu"] / a["weasy_pages"]
        cut = 1 - pa / pb
        samples = "; ".join(f"{label} " + ", ".join(f"{t:.2f}" for t in s[label]["samples"]) for label in ("before", "after"))
        lines.append(f"| {s['name']} | WeasyPrint per page, before -> after (median of {len(a['samples'])}: {samples} s) | "
                     f"{a['playbooks']} | {a['weasy_pages']} | {b['weasy_cpu']:.2f} -> {a['weasy_cpu']:.2f} | | "
                     f"{pb:.4f} -> {pa:.4f} | {100 * cut:.1f}% less |")
        verdicts.append((f"{s['name']}: WeasyPrint time per page >= {100 * CUT_MIN:.0f}% below before", f"{100 * cut:.1f}%",
                         cut >= CUT_MIN))
    if serve:
        med = sorted(serve)[len(serve) // 2]
        lines += ["", f"`serve --pdf`, edit of the largest example saved -> new PDF written (log line), "
                      f"{len(serve)} edits: {', '.join(f'{t:.2f}' for t in serve)} s wall (median {med:.2f} s; "
                      "includes the watcher's wait for 50 ms without another change, `step`; `debounce` caps that wait at 200 ms)."]
        verdicts.append((f"serve --pdf: edit to new PDF <= {SERVE_MAX_S} s (wall, largest example)", f"{med:.2f} s",
                         med <= SERVE_MAX_S))
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | **{'PASS' if ok else 'FAIL'}** |" for t, m, ok in verdicts]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# negdocs benchmark results\n"
    start = old.find(SECTION)
    if start >= 0:
        end = old.find("\n## ", start + len(SECTION))
        old = old[:start] + (old[end + 1:] if end >= 0 else "")
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def remove_worktree(tree: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
    shutil.rmtree(tree.parent, ignore_errors=True)
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


def remove_stale_worktrees() -> None:
    """The before trees a killed run left behind (git worktree list: temporary folders of ours)."""
    listing = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    for line in listing.splitlines():
        path = Path(line.removeprefix("worktree ")) if line.startswith("worktree ") else None
        if path and path.name == "tree" and path.parent.name.startswith(WORKTREE_PREFIX) \
                and path.parent.parent == Path(tempfile.gettempdir()):
            print(f"  removing the before tree a stopped run left: {path}", flush=True)
            remove_worktree(path)
    for folder in Path(tempfile.gettempdir()).glob(WORKTREE_PREFIX + "*"):
        try:
            folder.rmdir()  # emptied folders of earlier runs; a folder with a tree in it stays
        except OSError:
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help=f"git revision measured as 'before' (default {BEFORE})")
    parser.add_argument("--deals", type=int, default=20, help="size of the generated bench set (default 20)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="WeasyPrint samples per tree, alternating; each side's median is judged (default 3)")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import generate

    subreaper()
    remove_stale_worktrees()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # unwind through the finally below
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    load = os.getloadavg()
    start = machine_cpu()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    before_tree = Path(tempfile.mkdtemp(prefix=WORKTREE_PREFIX)) / "tree"
    try:
        subprocess.run(["git", "worktree", "add", "--detach", str(before_tree), args.before], cwd=ROOT, check=True,
                       capture_output=True)
        before = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        trees = {"before": before_tree, "after": ROOT}
        examples = OUT / "examples"
        shutil.copytree(ROOT / "playbooks", examples / "playbooks")
        if (ROOT / "negdocs.yaml").exists():  # the roles the examples' sign-offs name
            shutil.copy2(ROOT / "negdocs.yaml", examples / "negdocs.yaml")
        generated = OUT / f"n{args.deals}"
        generate.generate(args.deals, generated)
        repeats = max(1, args.repeats)
        sets = [bench_set("examples", examples, trees, not args.no_chromium, repeats),
                bench_set(f"{args.deals} generated deals", generated, trees, not args.no_chromium, repeats)]
        serve = []
        if not args.no_serve:
            largest = max((p for p in (examples / "playbooks").rglob("*.yaml")),
                          key=lambda p: pages_of(examples / "out-after").get(p.stem, 0))
            serve = serve_latency(examples, largest)
            print(f"  serve --pdf ({largest.stem}): {', '.join(f'{t:.2f}' for t in serve)} s", flush=True)
    finally:
        remove_worktree(before_tree)
    text = report(sets, serve, load, others_cores(start, machine_cpu()), before)
    write_section(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
