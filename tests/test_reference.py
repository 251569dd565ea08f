"""Reference codes of stamped copies: what they depend on, and how they are found in text."""

from __future__ import annotations

import re

import yaml

from negdocs.analyse import reference
from negdocs.load.model import Deal

DEAL = {"format": "negdocs/v1", "title": "Renewal", "context": "sales", "counterparty": {"name": "ACME"},
        "issues": [{"id": "fee", "name": "Fee", "kind": "money", "better": "higher", "open": 990000, "walk_away": 700000}]}


def deal(**changes) -> Deal:
    data = yaml.safe_load(yaml.safe_dump(DEAL))
    data.update(changes)
    return Deal.model_validate(data)


def test_a_code_is_ten_characters_of_base32():
    assert re.fullmatch(r"[A-Z2-7]{10}", reference.code("renewal", "jo-park", deal()))


def test_the_code_follows_id_slug_terms_and_key(monkeypatch):
    base = reference.code("renewal", "jo-park", deal())
    assert reference.code("renewal", "jo-park", deal(title="Another title", owner="Sam")) == base  # not terms
    moved = yaml.safe_load(yaml.safe_dump(DEAL))
    moved["issues"][0]["walk_away"] = 700001
    others = {reference.code("renewal", "sam-lee", deal()), reference.code("renewal-2", "jo-park", deal()),
              reference.code("renewal", "jo-park", Deal.model_validate(moved))}
    monkeypatch.setenv("NEGDOCS_TRACE_KEY", "a secret of the deal desk")
    others.add(reference.code("renewal", "jo-park", deal()))
    assert base not in others and len(others) == 4


def test_codes_are_found_in_extracted_text_however_it_is_split():
    assert reference.find("Prepared for Jo Park · Reference ABCDE23456\nPage 2") == ["ABCDE23456"]
    assert reference.find("Reference: ABCDE 23456 and Reference\nZZZZZ77777, Reference ABCDE23456") == ["ABCDE23456", "ZZZZZ77777"]
    assert reference.find("no code, Reference ABCD1") == []
