"""The reference code printed on each recipient's copy of a proposal (FORMAT.md).

10 characters of uppercase base32 from an HMAC-SHA256 over the deal id, the recipient's
slug and the fingerprint of the terms, keyed with ``NEGDOCS_TRACE_KEY`` when it is set and
not empty, else with a key derived from the deal's economic terms (which hold its internal
values). Without the key a code can neither be made nor checked against a guess, and it
says nothing about the terms; with it, `negdocs trace` finds the copy's deal, recipient and
version.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from negdocs.analyse.fingerprint import canonical, fingerprint
from negdocs.load.model import Deal

LABEL = "Reference"
# How a code is found in a copy's text: after its label, perhaps split by whitespace.
FOUND = re.compile(LABEL + r"\W{0,3}([A-Z2-7](?:\s{0,2}[A-Z2-7]){9})")


def key(deal: Deal) -> bytes:
    given = os.environ.get("NEGDOCS_TRACE_KEY", "")
    if given:
        return given.encode("utf-8", "surrogateescape")
    return hashlib.sha256(b"negdocs trace key\0" + canonical(deal)).digest()


def code(deal_id: str, slug: str, deal: Deal, terms_fingerprint: str | None = None) -> str:
    message = "\0".join((deal_id, slug, terms_fingerprint or fingerprint(deal))).encode("utf-8")
    digest = hmac.new(key(deal), message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:10]


def find(text: str) -> list[str]:
    """Every reference code in a copy's text, in order, each once."""
    return list(dict.fromkeys(re.sub(r"\s", "", m) for m in FOUND.findall(text)))
