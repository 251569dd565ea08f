"""Whole-site golden output: the example playbooks rendered, every generated page and search
index compared byte for byte (the site script is checked against its template in test_site.py;
the manifest's promises are test_atomic.py's).

Regenerate after an intended change with `make golden` (pytest --update-golden) and review
the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import copy_examples

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from negdocs.build import build

    root = tmp_path_factory.mktemp("golden")
    copy_examples(root)
    result = build(out=root / "build", pdf=False, edition="all", root=root)
    return {name: (result.out / name).read_text(encoding="utf-8") for name in result.files if golden(name)}


def golden(name: str) -> bool:
    """The generated files kept in tests/golden/: pages and search indexes."""
    return name.endswith((".html", "search-index.js"))


def committed() -> list[str]:
    return sorted(n for p in GOLDEN.rglob("*") if p.is_file() and golden(n := p.relative_to(GOLDEN).as_posix()))


def test_golden_set_matches_the_examples(site, update_golden):
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in site.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
        pytest.skip("tests/golden/ rewritten from this build: review its diff (nothing was compared)")
    assert committed() == sorted(site)
    assert {"index.html", "search-index.js", "proposal/acme-renewal.html", "proposal/acme-renewal/priya-raman.html"} <= set(site)
    assert not [n for n in site if n.startswith("proposal/") and ("index" in n or n.endswith(".js"))]  # packages only


@pytest.mark.parametrize("name", committed())
def test_file_matches_golden(site, name, update_golden):
    if update_golden:
        pytest.skip("tests/golden/ rewritten: nothing compared")
    assert site[name] == (GOLDEN / name).read_text(encoding="utf-8"), f"{name} differs from tests/golden; run `make golden` and review the diff"
