"""PDF cost per page (issue 17): negdocs against headless Chromium on the same HTML, WeasyPrint
time per page before and after the PDF speed-ups, and the `serve --pdf` edit-to-PDF time.

    .venv/bin/python bench/pdfcost.py [--before REV] [--deals 20] [--no-chromium] [--no-serve]

CPU seconds are user + system of the whole process tree, start-up included: this process is made
a child subreaper, so every descendant (Chromium's zygote, renderers and crash handler, negdocs'
PDF workers) is reaped here and counted by getrusage(RUSAGE_CHILDREN) taken around each run.
The "before" commit is checked out with `git worktree add --detach` under a temporary folder and
run with the same .venv (PYTHONPATH). The section "PDF cost per page" of bench/results.md is
replaced (or appended); bench/README.md explains the rows.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

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

# Renders each HTML file with negdocs' own PDF code (print.css, PDF/UA, worker patches) in one
# process and prints the CPU seconds per document, import excluded: "WeasyPrint time".
RENDER = r"""
import json, sys, time
from pathlib import Path
from negdocs.render import pdf
from pypdf import PdfReader
import io
css = Path(sys.argv[1]).read_text(encoding="utf-8")
out = []
for name in sys.argv[2:]:
    job = pdf.PdfJob(Path(name).stem + ".pdf", name, str(Path(name).parent), name, css)
    t = time.process_time()
    r = pdf._render(job)
    out.append([time.process_time() - t, len(PdfReader(io.BytesIO(r.data)).pages) if r.data else 0])
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


def bench_set(name: str, project: Path, trees: dict[str, Path], chromium: bool) -> dict:
    """negdocs build --jobs 1 per tree, WeasyPrint per page per tree, Chromium on the after HTML."""
    res: dict = {"name": name}
    for label, tree in trees.items():
        out = project / f"out-{label}"
        shutil.rmtree(out, ignore_errors=True)
        cpu, _ = cpu_of([VENV_PY, "-m", "negdocs", "build", "--jobs", "1", "--out", out], project, tree_env(tree))
        pages = pages_of(out)
        html = html_pages(out)
        _, text = cpu_of([VENV_PY, "-c", RENDER, tree / "templates" / "print.css", *html], project, tree_env(tree))
        per_doc = json.loads(text.strip().splitlines()[-1])
        res[label] = {"build_cpu": cpu, "playbooks": len(pages), "pages": sum(pages.values()),
                      "weasy_cpu": sum(t for t, _ in per_doc), "weasy_pages": sum(n for _, n in per_doc)}
        print(f"  {name} {label}: build {cpu:.2f} s CPU, {len(pages)} playbooks, {sum(pages.values())} pages; "
              f"WeasyPrint {res[label]['weasy_cpu']:.2f} s", flush=True)
    if chromium and CHROMIUM.exists():
        html = html_pages(project / "out-after")
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
    """Seconds from saving an edit of ``deal`` to `serve --pdf` logging the rebuild (PDF written)."""
    proc = subprocess.Popen([str(NEGDOCS), "serve", "--pdf", "--port", "0"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=tree_env(ROOT))
    lines: list[tuple[float, str]] = []
    cond = threading.Condition()

    def read():
        for line in proc.stdout:
            with cond:
                lines.append((time.perf_counter(), line))
                cond.notify_all()
    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern: str, after: int, timeout: float = 120) -> float | None:
        end = time.monotonic() + timeout
        with cond:
            while time.monotonic() < end:
                for t, line in lines[after:]:
                    if re.search(pattern, line):
                        return t
                cond.wait(0.5)
        return None

    original = deal.read_text(encoding="utf-8")
    times = []
    try:
        if wait_for(r"serving http", 0) is None:
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
        proc.terminate()
        proc.wait(timeout=30)
        reap_all()
    return times


def report(sets: list[dict], serve: list[float], load: tuple, load_end: tuple, before: str) -> str:
    busy = max(load[0], load_end[0]) > 1.0
    lines = [SECTION, "",
             f"`bench/pdfcost.py` (part of `make bench`), run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
             f"before = {before}, after = this tree. Load average {load[0]:.2f} at the start, {load_end[0]:.2f} at the end"
             + (" (**busy machine**: other processes shared the 2 cores, so only CPU seconds are compared, never wall time)."
                if busy else "."),
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
        lines.append(f"| {s['name']} | WeasyPrint per page, before -> after | {a['playbooks']} | {a['weasy_pages']} | "
                     f"{b['weasy_cpu']:.2f} -> {a['weasy_cpu']:.2f} | | {pb:.4f} -> {pa:.4f} | {100 * cut:.1f}% less |")
        verdicts.append((f"{s['name']}: WeasyPrint time per page >= {100 * CUT_MIN:.0f}% below before", f"{100 * cut:.1f}%",
                         cut >= CUT_MIN))
    if serve:
        med = sorted(serve)[len(serve) // 2]
        lines += ["", f"`serve --pdf`, edit of the largest example saved -> new PDF written (log line), "
                      f"{len(serve)} edits: {', '.join(f'{t:.2f}' for t in serve)} s wall (median {med:.2f} s; "
                      "includes the watcher's 200 ms debounce)."]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help=f"git revision measured as 'before' (default {BEFORE})")
    parser.add_argument("--deals", type=int, default=20, help="size of the generated bench set (default 20)")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import generate

    subreaper()
    load = os.getloadavg()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    before_tree = Path(tempfile.mkdtemp(prefix="pdfcost-before-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(before_tree), args.before], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        before = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        trees = {"before": before_tree, "after": ROOT}
        examples = OUT / "examples"
        shutil.copytree(ROOT / "playbooks", examples / "playbooks")
        generated = OUT / f"n{args.deals}"
        generate.generate(args.deals, generated)
        sets = [bench_set("examples", examples, trees, not args.no_chromium),
                bench_set(f"{args.deals} generated deals", generated, trees, not args.no_chromium)]
        serve = []
        if not args.no_serve:
            largest = max((p for p in (examples / "playbooks").rglob("*.yaml")),
                          key=lambda p: pages_of(examples / "out-after").get(p.stem, 0))
            serve = serve_latency(examples, largest)
            print(f"  serve --pdf ({largest.stem}): {', '.join(f'{t:.2f}' for t in serve)} s", flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before_tree)], cwd=ROOT, capture_output=True)
    text = report(sets, serve, load, os.getloadavg(), before)
    write_section(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
