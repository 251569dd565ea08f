"""The site around the pages: the offline search index, the site script, and sharded builds
run as separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import MINIMAL, REPO, copy_examples, tree
from negdocs.build import build


class Headings(HTMLParser):
    """(level, id, text) of every h1-h3 that carries an id, read with the standard HTML parser."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[int, str, str]] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3") and dict(attrs).get("id"):
            self._open = [int(tag[1]), dict(attrs)["id"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == f"h{self._open[0]}":
            self.found.append((self._open[0], self._open[1], self._open[2].strip()))
            self._open = None


def headings(html: str) -> list[tuple[int, str, str]]:
    parser = Headings()
    parser.feed(html)
    return parser.found


def search_index(folder) -> list[dict]:
    text = (folder / "search-index.js").read_text(encoding="utf-8")
    prefix, suffix = "window.NEGDOCS_SEARCH = ", ";\n"
    assert text.startswith(prefix) and text.endswith(suffix)
    return json.loads(text[len(prefix):-len(suffix)])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    copy_examples(root)
    return build(out=root / "build", pdf=False, edition="all", root=root).out


def test_search_index_holds_every_page_with_its_title_and_section_headings(site):
    folder = site
    pages = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
    entries = search_index(folder)
    assert sorted(e["u"] for e in entries) == pages
    for entry in entries:
        found = headings((folder / entry["u"]).read_text(encoding="utf-8"))
        (title,) = [text for level, _, text in found if level == 1]
        sections = [[anchor, text] for level, anchor, text in found if level > 1 and text != title]
        assert entry["t"] == title
        assert entry["s"] == (sections or [["", title]]), entry["u"]
        assert set(entry) == {"t", "u", "k", "s"}
    assert all(len(e["s"]) >= 12 for e in entries)  # the internal playbook has a dozen sections, each searchable


def test_search_keywords_are_the_index_entry(site):
    internal = {e["u"]: e["k"] for e in search_index(site)}
    assert internal["acme-renewal.html"] == "sales Dana Lee, Enterprise Account Director ACME Corp"
    assert internal["sales-guide.html"] == "sales"


def test_site_script_is_the_template_script_and_the_proposal_has_none(site):
    script = (REPO / "templates" / "negdocs.js").read_bytes()
    assert (site / "assets/negdocs.js").read_bytes() == script
    assert {p.suffix for p in (site / "proposal").rglob("*") if p.is_file()} == {".html", ".docx"}  # no script, no index


# -- sharding across processes -------------------------------------------------------------------

DEALS = {f"playbooks/d{n:02d}.yaml": MINIMAL.replace("Guide", f"Deal {n}") + "counterparty: {name: ACME}\n" for n in range(12)}


def _negdocs(root, *args, seed: str):
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "negdocs", *args], cwd=root, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_three_shard_processes_render_every_deal_exactly_once(make_project):
    """Each shard is its own process with its own hash seed, as on three CI machines."""
    project = make_project(DEALS)
    for k, seed in ((1, "1"), (2, "2"), (3, "3")):
        _negdocs(project.root, "build", "--no-pdf", "--edition", "all", "--shard", f"{k}/3", "--out", f"shard{k}", seed=seed)
    rendered = [name for k in (1, 2, 3) for name in project.files(f"shard{k}") if name.endswith(".html") and "index" not in name]
    expected = [f"{edition}d{n:02d}.html" for n in range(12) for edition in ("", "proposal/")]
    assert sorted(rendered) == sorted(expected)  # every deal page, each exactly once
    assert all(project.files(f"shard{k}") for k in (1, 2, 3))
    _negdocs(project.root, "index", "shard1", "shard2", "shard3", "--out", "site", seed="4")
    whole = build(root=project.root, out=project.root / "whole", pdf=False, edition="all")
    assert tree(project.root / "site") == tree(whole.out)
