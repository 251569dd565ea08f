"""Whole-site golden output: the example playbooks rendered to HTML, compared byte for byte.

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
    return {name: (result.out / name).read_text(encoding="utf-8") for name in result.files if name.endswith(".html")}


def test_golden_set_matches_the_examples(site, update_golden):
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        GOLDEN.mkdir()
        for name, html in site.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(html, encoding="utf-8")
    committed = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.html"))
    assert committed == sorted(site)


@pytest.mark.parametrize("name", sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.html")) if GOLDEN.exists() else [])
def test_page_matches_golden(site, name):
    assert site[name] == (GOLDEN / name).read_text(encoding="utf-8"), f"{name} differs from tests/golden; run `make golden` and review the diff"
