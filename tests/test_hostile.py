"""Hostile values render inertly; nothing is fetched from outside the project; runaway
documents are stopped with a message naming the deal."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import LONG_DEAL

HOSTILE = """
format: negdocs/v1
title: "<script>alert('title')</script>"
context: sales
owner: "<img src=x onerror=alert(1)>"
summary: |
  Raw <b onclick="x()">HTML</b> and <script>alert(2)</script> stay text.
  [js](javascript:alert(3)) [data](data:text/html,hi) [file](file:///etc/passwd) [rel](../../secret.yaml)
  [web](https://example.com/ok) [mail](mailto:dana@example.com) [anchor](#readiness)
  ![tracker](https://tracker.example.com/pixel.png)
counterparty: {name: "ACME </title><script>x</script>"}
proposal:
  intro: "Hello <iframe src=https://evil.example.com></iframe> [x](javascript:alert(4))"
"""


class Markup(HTMLParser):
    """Every element with its attributes, and the text a reader sees, parsed as a browser would."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def test_text_and_markdown_render_inertly(make_project):
    project = make_project({"playbooks/hostile.yaml": HOSTILE})
    result = project.run("build", "--no-pdf", "--edition", "all")
    assert result.exit_code == 0, result.output
    for page in ("hostile.html", "proposal/hostile.html", "index.html"):
        markup = Markup((project.root / "build" / page).read_text())
        assert [(tag, attrs) for tag, attrs in markup.tags if tag == "script" and attrs != {"src": "assets/negdocs.js", "defer": None}] == []
        assert [tag for tag, _ in markup.tags if tag in ("iframe", "img", "object", "embed")] == []  # Markdown images never render
        assert [(tag, name) for tag, attrs in markup.tags for name in attrs if name.startswith("on")] == []
        hrefs = [attrs["href"] for tag, attrs in markup.tags if "href" in attrs]
        assert [h for h in hrefs if h.lower().startswith(("javascript:", "data:", "file:")) or "secret.yaml" in h] == []
        # the hostile values are there, as text a reader sees, not dropped
        assert "<script>alert('title')</script>" in markup.text
        assert "<img src=x onerror=alert(1)>" in markup.text
    internal = Markup((project.root / "build/hostile.html").read_text())
    assert ("a", {"href": "https://example.com/ok"}) in internal.tags
    assert ("a", {"href": "mailto:dana@example.com"}) in internal.tags
    assert ("a", {"href": "#readiness"}) in internal.tags
    assert 'Raw <b onclick="x()">HTML</b> and <script>alert(2)</script> stay text.' in internal.text
    assert "Hello <iframe src=https://evil.example.com></iframe>" in Markup((project.root / "build/proposal/hostile.html").read_text()).text


OVERRIDE = """
{% extends "builtin/internal.html" %}
{% block meta %}{{ super() }}<link rel="stylesheet" href="https://example.com/beacon.css"><link rel="stylesheet" href="file:///etc/hostname">{% endblock %}
"""


@pytest.mark.pdf
def test_pdf_fetches_nothing_outside_the_project_and_says_so(make_project):
    project = make_project({"playbooks/deal.yaml": "format: negdocs/v1\ntitle: T\ncontext: sales\n",
                            "templates/internal.html": OVERRIDE})
    result = project.run("build", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "warning: deal.pdf: refused to fetch https://example.com/beacon.css" in result.stderr
    assert "warning: deal.pdf: refused to fetch file:///etc/hostname" in result.stderr
    assert (project.root / "build/deal.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.pdf
def test_runaway_render_is_stopped_with_a_message_naming_the_deal(make_project):
    big = LONG_DEAL
    project = make_project({"playbooks/big.yaml": big})
    env = {**os.environ, "NEGDOCS_PDF_TIMEOUT": "1"}
    result = subprocess.run([sys.executable, "-m", "negdocs", "build", "--jobs", "1"], cwd=project.root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "playbooks/big.yaml: error pdf: big.pdf: PDF rendering failed: stopped after 1 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.root / "build").exists()


def test_logo_is_embedded_and_must_stay_inside_the_project(make_project):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    project = make_project({"playbooks/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n", "brand/logo.svg": svg,
                            "negdocs.yaml": "site_title: ACME deal desk\nlogo: brand/logo.svg\naccent: '#0b5394'\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/g.html").read_text()
    assert 'src="data:image/svg+xml;base64,' in html and "ACME deal desk" in html and "--accent: #0b5394" in html
    project.write("negdocs.yaml", "logo: ../outside.svg\n")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert "negdocs.yaml:1: error schema: logo: '../outside.svg' is outside the project" in result.stderr


def test_light_accent_warns_at_build_time(make_project):
    project = make_project({"playbooks/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n",
                            "negdocs.yaml": "site_title: Sunny\naccent: '#f5c400'\n"})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0
    assert "negdocs.yaml:2: warning contrast: accent: #f5c400 has a contrast of 1.6:1 on white" in result.stderr
    project.write("negdocs.yaml", "accent: '#1f4e79'\n")
    assert "contrast" not in project.run("build", "--no-pdf").stderr


def test_markdown_headings_nest_under_their_section():
    from negdocs.render.markdown import render

    assert str(render("## Context\n\n#### Detail")) == "<h3>Context</h3>\n<h5>Detail</h5>\n"


@pytest.mark.pdf
def test_memory_limit_stops_a_document_with_a_message_naming_the_deal(make_project):
    project = make_project({"playbooks/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n"})
    env = {**os.environ, "NEGDOCS_PDF_MEMORY_MB": "100"}
    result = subprocess.run([sys.executable, "-m", "negdocs", "build", "--jobs", "1"], cwd=project.root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "playbooks/g.yaml: error pdf: g.pdf: PDF rendering failed:" in result.stderr
    assert "memory" in result.stderr and "Traceback" not in result.stderr
    assert not (project.root / "build").exists()


def test_an_oserror_for_memory_counts_as_running_out_of_it():
    """Under the worker's address-space limit an import may fail listing a folder with ENOMEM
    (an OSError, not a MemoryError): it must be reported as the memory limit, not as a traceback."""
    import errno

    from negdocs.render.pdf import out_of_memory

    assert out_of_memory(MemoryError()) and out_of_memory(OSError(errno.ENOMEM, "Cannot allocate memory"))
    assert not out_of_memory(OSError(errno.ENOENT, "No such file")) and not out_of_memory(ValueError("x"))
