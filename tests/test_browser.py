"""Every page of both editions of the example site, checked in a real browser and by the HTML checker.

* axe-core (WCAG 2.0/2.1 A and AA rules plus best practices) in headless Debian Chromium,
  driven by playwright-core (tests/browser/audit.js), with every non-``file:`` request blocked;
* the W3C Nu HTML checker (vnu.jar from the vnu-jar npm package) on Java.

Both must report nothing. A deliberately broken project template proves that each check
can fail. The tools come from ``make browser-deps``; without them these tests fail (they do
not skip), saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import copy_examples

REPO = Path(__file__).resolve().parent.parent
BROWSER = REPO / "tests" / "browser"
AUDIT = BROWSER / "audit.js"
MODULES = BROWSER / "node_modules"
VNU = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")

# A project template that breaks both checks: an image without alt text (axe `image-alt`,
# vnu "must have an alt attribute"), a duplicate id (vnu) and a remote image (the audit
# must block the request, not fetch it).
BROKEN_INDEX = """\
{% extends "builtin/index.html" %}
{% block body %}
<main id="main">
<h1 id="broken">Deliberately broken</h1>
<p id="broken">The same id twice.</p>
<img src="http://127.0.0.1:9/pixel.png">
</main>
{% endblock %}
"""


BROKEN_PROPOSAL = """\
{% extends "builtin/proposal.html" %}
{% block closing %}<img src="http://127.0.0.1:9/pixel.png">{% endblock %}
"""


def require_tools() -> None:
    """Fail (never skip) when the browser, the npm packages, node or java are missing."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Debian's Chromium ({CHROMIUM})")
    packages = [p for p in ("axe-core", "playwright-core", "vnu-jar") if not (MODULES / p / "package.json").is_file()]
    if packages:
        missing.append(f"the npm packages {', '.join(packages)} in {MODULES.relative_to(REPO)}")
    missing += [f"`{program}` on PATH" for program in ("node", "java") if shutil.which(program) is None]
    if missing:
        pytest.fail("the browser checks need " + " and ".join(missing) + ": run `make browser-deps`", pytrace=False)


def _build(root: Path) -> Path:
    from negdocs.build import build

    out = (root / "site").resolve()
    build(out=out, pdf=False, edition="all", root=root)
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _axe(site: Path) -> dict:
    run = subprocess.run(["node", str(AUDIT), str(site)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"audit.js failed ({run.returncode}):\n{run.stderr}"
    return json.loads(run.stdout)


def _vnu(pages: list[Path]) -> list[dict]:
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
                         capture_output=True, text=True, timeout=600)
    report = run.stderr.strip() or run.stdout.strip()  # vnu writes its report on stderr
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError) as exc:
        raise AssertionError(f"vnu gave no JSON report ({run.returncode}):\n{run.stdout}\n{run.stderr}") from exc
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


def _where(site: Path, message: dict) -> str:
    """``page.html:line`` for a vnu message (whose url is ``file:/abs/path``)."""
    url = message.get("url", "")
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else None
    name = path.relative_to(site).as_posix() if path and path.is_relative_to(site) else url
    return f"{name}:{message.get('lastLine', '?')}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The example site (both editions, no PDF) built from a copy of playbooks/."""
    root = tmp_path_factory.mktemp("examples")
    copy_examples(root)
    out = _build(root)
    assert (out / "index.html").is_file() and (out / "proposal" / "acme-renewal" / "priya-raman.html").is_file()
    return out


LOCALES = ("de", "fr", "es")


@pytest.fixture(scope="module")
def localized(tmp_path_factory) -> Path:
    """Two examples (the richest deal and a guide) built in German, French and Spanish (both
    editions), one folder each: every template's words in every language, at a third of the
    cost of the whole site three times over."""
    from negdocs.build import build

    root = tmp_path_factory.mktemp("localized")
    for example in ("sales/acme-renewal.yaml", "guides/sales-guide.yaml"):
        (root / "playbooks" / example).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "playbooks" / example, root / "playbooks" / example)
    shutil.copy(REPO / "negdocs.yaml", root / "negdocs.yaml")  # the roles the deal's sign-offs name
    for locale in LOCALES:
        build(out=(root / "sites" / locale).resolve(), pdf=False, edition="all", root=root, locale=locale)
    return (root / "sites").resolve()


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """A project whose index.html override breaks accessibility and HTML validity."""
    root = tmp_path_factory.mktemp("broken")
    (root / "playbooks").mkdir()
    (root / "playbooks" / "guide.yaml").write_text("format: negdocs/v1\ntitle: Guide\ncontext: sales\n"
                                                   "counterparty: {name: ACME}\n", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "index.html").write_text(BROKEN_INDEX, encoding="utf-8")
    (root / "templates" / "proposal.html").write_text(BROKEN_PROPOSAL, encoding="utf-8")
    out = _build(root)
    assert "Deliberately broken" in (out / "index.html").read_text(encoding="utf-8")
    return out


@pytest.mark.browser
def test_every_page_passes_axe(site):
    require_tools()
    result = _axe(site)
    assert result["pages"] == len(_pages(site)) >= 12
    assert result["blocked"] == [], f"the site requested non-local URLs: {result['blocked']}"
    found = [f"{v['page']}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['nodes'])}" for v in result["violations"]]
    assert not found, f"{len(found)} axe violation(s):\n" + "\n".join(found)


@pytest.mark.browser
def test_every_page_passes_the_html_checker(site):
    require_tools()
    pages = _pages(site)
    assert len(pages) >= 12
    errors = _vnu(pages)
    found = [f"{_where(site, m)}: {m.get('message')}" for m in errors]
    assert not found, f"{len(found)} vnu error(s):\n" + "\n".join(found)


@pytest.mark.browser
def test_every_localized_page_passes_axe_and_the_html_checker(localized):
    """The same checks on the site in German, French and Spanish (one audit run for all three)."""
    require_tools()
    pages = _pages(localized)
    assert len(pages) == 6 * len(LOCALES)
    result = _axe(localized)
    assert result["pages"] == len(pages)
    found = [f"{v['page']}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['nodes'])}" for v in result["violations"]]
    assert not found, f"{len(found)} axe violation(s):\n" + "\n".join(found)
    errors = [f"{_where(localized, m)}: {m.get('message')}" for m in _vnu(pages)]
    assert not errors, f"{len(errors)} vnu error(s):\n" + "\n".join(errors)


@pytest.mark.browser
def test_search_ignores_case_and_accents(localized):
    """In the Spanish site, "preparacion estrategia" (no accents) finds "Preparación"; the status is Spanish."""
    require_tools()
    run = subprocess.run(["node", str(BROWSER / "behaviour.js"), str(localized / "es"), "acme-renewal.html",
                          "PREPARACION acme"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert ["ACME Corp enterprise platform renewal 2027: Preparación", "acme-renewal.html#preparation-h"] in result["results"]
    assert result["status"].endswith(("resultado", "resultados")), result["status"]


@pytest.mark.browser
def test_the_checks_can_fail(broken):
    require_tools()
    result = _axe(broken)
    assert result["pages"] == len(_pages(broken)) == 3
    rules = {(v["page"], v["id"]) for v in result["violations"]}
    assert {("index.html", "image-alt"), ("proposal/guide.html", "image-alt")} <= rules, result["violations"]
    assert "http://127.0.0.1:9/pixel.png" in result["blocked"], result["blocked"]

    errors = _vnu([broken / "index.html"])
    messages = " | ".join(m.get("message", "") for m in errors)
    assert "Duplicate ID" in messages and "alt" in messages, messages


@pytest.mark.browser
def test_offline_search_and_remembered_checklist(site):
    """The site script in a real browser, from file:// with no network: search finds a
    section by keyboard, and a ticked checklist box is still ticked after a reload."""
    require_tools()
    run = subprocess.run(["node", str(BROWSER / "behaviour.js"), str(site), "acme-renewal.html", "acme readiness"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["searchVisible"] is True
    assert ["ACME Corp enterprise platform renewal 2027: Readiness", "acme-renewal.html#readiness-h"] in result["results"]
    assert result["status"].endswith(("result", "results"))
    assert result["focused"] == result["results"][0][1]  # ArrowDown moves focus into the results
    assert (result["before"], result["afterReload"]) == (False, True)
    assert result["blocked"] == []


# -- the portfolio on the internal index (sign-off states, chart, filters, sorting) -----------------
PORTFOLIO_MATRIX = """\
approvals:
  base_currency: USD
  rates: {EUR: 2}
  rules:
    - {role: legal, when: {context: [sales, partnership, procurement]}}
"""


def _portfolio_deal(title: str, context: str, owner: str, price: int, currency: str = "USD", approvals: str = "") -> str:
    return (f"format: negdocs/v1\ntitle: {title}\ncontext: {context}\nowner: {owner}\ncurrency: {currency}\nstatus: active\n"
            f"counterparty: {{name: {title} Co}}\nissues:\n  - {{id: price, name: Price, kind: money, better: higher, "
            f"open: {price}, basis: [b]}}\n  - {{id: term, name: Term, kind: months, better: higher, open: 12, basis: [b]}}\n"
            f"evidence:\n  - {{id: b, kind: benchmark, summary: A benchmark., shareable: true}}\n{approvals}")


@pytest.fixture(scope="module")
def portfolio_site(tmp_path_factory) -> Path:
    from negdocs.analyse.fingerprint import fingerprint
    from negdocs.load.loader import parse
    from negdocs.load.model import Deal

    root = tmp_path_factory.mktemp("portfolio")
    (root / "negdocs.yaml").write_text(PORTFOLIO_MATRIX)
    (root / "playbooks").mkdir()
    approved = _portfolio_deal("Alpha", "sales", "Dana", 300)
    fp = fingerprint(Deal.model_validate(parse(approved, "a")[0]))
    deals = {
        "alpha": approved + f'approvals:\n  - {{role: legal, by: Lee, "on": 2027-01-01, fingerprint: "{fp}"}}\n',
        "bravo": _portfolio_deal("Bravo", "partnership", "Sam", 100, "EUR",
                                 'approvals:\n  - {role: legal, by: Lee, "on": 2027-01-01, fingerprint: "000000000000"}\n'),
        "charlie": _portfolio_deal("Charlie", "procurement", "Dana", 50),
        "delta": _portfolio_deal("Delta", "hiring", "Lee", 400),
    }
    for name, text in deals.items():
        (root / "playbooks" / f"{name}.yaml").write_text(text)
    return _build(root)


@pytest.mark.browser
def test_portfolio_page_passes_axe_and_the_html_checker(portfolio_site):
    require_tools()
    index = (portfolio_site / "index.html").read_text()
    assert index.count('<rect x=') == 4 and 'aria-label="Deal value by context and sign-off state, in USD:' in index
    result = _axe(portfolio_site)
    found = [f"{v['page']}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['nodes'])}" for v in result["violations"]]
    assert not found, "\n".join(found)
    errors = [f"{_where(portfolio_site, m)}: {m.get('message')}" for m in _vnu(_pages(portfolio_site))]
    assert not errors, "\n".join(errors)


@pytest.mark.browser
def test_portfolio_filters_and_sorts_by_keyboard(portfolio_site):
    require_tools()
    run = subprocess.run(["node", str(BROWSER / "portfolio.js"), str(portfolio_site)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    r = json.loads(run.stdout)
    assert r["filtersVisible"] is True and r["blocked"] == []
    assert r["all"] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert r["tabOrder"][:4] == ["filter-context", "filter-status", "filter-owner", "filter-approvals"]
    assert (r["approvalsValue"], r["afterApprovals"], r["afterApprovalsStatus"]) == ("approved", ["Alpha"], "Showing 1 of 4 deals")
    assert (r["ownerValue"], r["afterOwner"]) == ("Dana", ["Alpha", "Charlie"])
    assert r["afterReset"] == r["all"]
    # value in USD: Charlie 50, Bravo 100 EUR = 200 USD, Alpha 300, Delta 400
    assert (r["ascending"], r["ariaSort"]) == (["Charlie", "Bravo", "Alpha", "Delta"], "ascending")
    assert (r["descending"], r["ariaSortAgain"]) == (["Delta", "Alpha", "Bravo", "Charlie"], "descending")
    assert r["sortStatus"] == "Sorted by Value, descending" and r["focusKept"] == "sort"
