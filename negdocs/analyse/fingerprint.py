"""The fingerprint of a deal's economic terms (FORMAT.md, second release).

The first 12 hex characters of the SHA-256 of a canonical JSON of: ``strategy`` and
``currency`` (defaults applied), ``batna.value``, each issue's id, kind, better, open,
target, floor, walk_away, their_walk_away and positions, the MESO options' names and terms,
and the concessions' item, give and get. Keys sorted, lists in file order, whole floats as
integers, absent values as null: comments, key order, quoting and layout leave it unchanged.
"""

from __future__ import annotations

import hashlib
import json

from negdocs.load.model import Deal

ISSUE_TERMS = ("id", "kind", "better", "open", "target", "floor", "walk_away", "their_walk_away", "positions")


def is_guide(deal: Deal) -> bool:
    """A guide has no counterparty and no issues: it gets no proposal."""
    return deal.counterparty is None and not deal.issues


def _plain(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def terms(deal: Deal) -> dict:
    """The economic terms, as plain JSON values."""
    return _plain({
        "strategy": deal.strategy,
        "currency": deal.currency,
        "batna": {"value": deal.batna.value if deal.batna else None},
        "issues": [{name: getattr(i, name) for name in ISSUE_TERMS} for i in deal.issues],
        "meso": [{"name": o.name, "terms": dict(o.terms)} for o in deal.meso],
        "concessions": [{"item": c.item, "give": c.give, "get": c.get} for c in deal.concessions],
    })


def canonical(deal: Deal) -> bytes:
    return json.dumps(terms(deal), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def fingerprint(deal: Deal) -> str:
    """12 lowercase hex characters identifying the deal's economic terms."""
    return hashlib.sha256(canonical(deal)).hexdigest()[:12]
