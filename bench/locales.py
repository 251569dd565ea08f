"""The languages row: the example playbooks (playbooks/) built in en, de, fr and es.

A localized build must cost no more than 5% over the English one. Each language is built
clean (``--force``) into its own folder, HTML only and with PDFs, ``repeats`` times,
interleaved (en, de, fr, es, en, de...) so load changes on a shared machine hit every
language alike; the verdict compares CPU seconds, which a busy machine disturbs less than
wall time. Called by run.py (``--locales-only`` runs this section alone and replaces it in
results.md).
"""

from __future__ import annotations

import statistics
from pathlib import Path

LOCALES = ("en", "de", "fr", "es")
LOCALE_MAX = 1.05  # a localized build / the English build, CPU seconds
HEADING = "## Languages: the example playbooks in en, de, fr and es"


def bench_locales(root: Path, negdocs: Path, measure, out: Path, repeats: int, pdf: bool) -> dict:
    """{(mode, locale): [Sample, ...]} for mode in html (and pdf)."""
    modes = ("html", "pdf") if pdf else ("html",)
    found: dict[tuple[str, str], list] = {(m, loc): [] for m in modes for loc in LOCALES}
    for mode in modes:
        for r in range(repeats):
            for locale in LOCALES:
                dest = out / f"{mode}-{locale}"
                cmd = [negdocs, "build", "playbooks", "--quiet", "--force", "--locale", locale, "--out", dest]
                if mode == "html":
                    cmd.append("--no-pdf")
                sample = measure(cmd, root, f"locales-{mode}-{locale}-{r}")
                found[(mode, locale)].append(sample)
                print(f"  languages, {mode} {locale} [{r + 1}/{repeats}]: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU",
                      flush=True)
    return found


def verdicts(found: dict) -> list[tuple[str, str, str]]:
    out = []
    for mode in sorted({m for m, _ in found}, reverse=True):
        english = statistics.median(s.cpu for s in found[(mode, "en")])
        worst = max(statistics.median(s.cpu for s in found[(mode, loc)]) / english for loc in LOCALES[1:])
        out.append((f"localized build of the examples ({'with PDFs' if mode == 'pdf' else 'HTML only'}) <= "
                    f"{LOCALE_MAX:.2f}x the English build, CPU s", f"worst language {worst:.3f}x",
                    "PASS" if worst <= LOCALE_MAX else "FAIL"))
    return out


def section(found: dict, repeats: int, deals: int) -> list[str]:
    lines = [HEADING, "",
             f"{deals} example deals, each language built clean (`negdocs build playbooks --force --locale L`), "
             f"{repeats} repeat(s), languages interleaved; medians. The verdict compares CPU seconds.", "",
             "| mode | language | median s | CPU s | CPU vs en | peak RSS MB |", "|---|---|---:|---:|---:|---:|"]
    for mode in sorted({m for m, _ in found}, reverse=True):
        english = statistics.median(s.cpu for s in found[(mode, "en")])
        for locale in LOCALES:
            samples = found[(mode, locale)]
            cpu = statistics.median(s.cpu for s in samples)
            lines.append(f"| {'with PDFs' if mode == 'pdf' else 'HTML only'} | {locale} | "
                         f"{statistics.median(s.wall for s in samples):.2f} | {cpu:.2f} | {cpu / english:.3f}x | "
                         f"{max(s.rss_mb for s in samples):.0f} |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | **{v}** |" for t, m, v in verdicts(found)]
    return lines + [""]


def replace_section(results: Path, lines: list[str]) -> None:
    """Put the languages section into results.md, replacing the one there (the rest stays)."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# negdocs benchmark results\n"
    start = text.find(HEADING)
    if start >= 0:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + text[end + 1:] if end >= 0 else text[:start]
    results.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines), encoding="utf-8")
