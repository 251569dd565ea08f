"""The corpus of bad inputs (tests/corpus/), checked in process: the same expected lines as
tests/test_corpus.py, without a CLI run per case, so mutation testing can afford it."""

from __future__ import annotations

import shutil

import pytest

from negdocs.build import check
from negdocs.output.findings import text
from test_corpus import CASES, expected


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_check_finds_exactly_the_expected_problems(case, tmp_path, monkeypatch):
    (tmp_path / "playbooks").mkdir()
    shutil.copy(case, tmp_path / "playbooks" / case.name)
    monkeypatch.chdir(tmp_path)
    assert text(check(root=tmp_path)).splitlines() == expected(case)
