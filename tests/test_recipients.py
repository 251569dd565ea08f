"""Recipients of a proposal: slugs as FORMAT.md defines them."""

from __future__ import annotations

import pytest

from negdocs.load.recipients import slug


@pytest.mark.parametrize("name, expected", [
    ("José Díaz-Ruiz", "jose-diaz-ruiz"),
    ("  Ångström  &  Søn ", "angstrom-s-n"),  # ø does not decompose: another character
    ("Dr. A.  B. O'Neil", "dr-a-b-o-neil"),
    ("ﬁnance Ｔｅａｍ", "finance-team"),  # NFKD folds ligatures and full-width letters
    ("Łukasz", "ukasz"),
    ("李雷", ""),
    ("--Jo--", "jo"),
])
def test_slug(name, expected):
    assert slug(name) == expected
