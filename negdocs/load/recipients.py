"""Who receives a stamped copy of a proposal: text rules, e-mail addresses and slugs.

A recipient's name is printed on every page of their copy and names its file, so it must
be plain text on one line; its slug (FORMAT.md, second release) names the copy's files.
"""

from __future__ import annotations

import re
import unicodedata

from negdocs.errors import short

NAME_MAX = 120
EMAIL_MAX = 254
# Bidirectional overrides and isolates reorder what a reader sees: a stamp must read as it is.
_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                    r"[A-Za-z][A-Za-z0-9-]{0,62}")


def slug(name: str) -> str:
    """The name folded to ASCII (NFKD, marks dropped), lowercased, each run of other
    characters replaced by ``-``, trimmed of ``-``: ``José Díaz-Ruiz`` -> ``jose-diaz-ruiz``."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.category(c).startswith("M"))
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def plain_line(value: str) -> str:
    """A name or organisation: one line of printable text, at most NAME_MAX characters."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or ord(char) in _BIDI:
            raise ValueError(f"contains the control character U+{ord(char):04X}; a recipient's name and organisation "
                             "are printed on every page of their copy, so they are plain text on one line")
    if not value.strip():
        raise ValueError("is empty; write the recipient's name as it should be printed on their copy")
    if len(value) > NAME_MAX:
        raise ValueError(f"is {len(value)} characters long; the limit is {NAME_MAX} (it is printed in every page's footer)")
    return value


def email(value: str) -> str:
    if len(value) > EMAIL_MAX or not _EMAIL.fullmatch(value):
        raise ValueError(f"{short(value)} is not an e-mail address such as name@example.com (ASCII; write an "
                         "international domain in its xn-- form)")
    return value


def check(out, deal) -> None:
    """Each recipient's slug is non-empty and unique within the deal (rule ``duplicate-id``)."""
    seen: dict[str, int] = {}
    for n, recipient in enumerate(deal.proposal.recipients if deal.proposal else []):
        loc = ("proposal", "recipients", n, "name")
        made = slug(recipient.name)
        if not made:
            out.add(loc, f"{recipient.name!r} gives an empty slug: a copy's file is named by the ASCII letters and digits "
                    "of the name; add a Latin spelling, such as 'Li Lei (李雷)'", rule="duplicate-id")
        elif made in seen:
            first = out.source.line(("proposal", "recipients", seen[made], "name"))
            out.add(loc, f"{recipient.name!r} has the slug {made!r}, as has the recipient at line {first}; each copy is "
                    "named by its recipient's slug, so tell the names apart", rule="duplicate-id")
        else:
            seen[made] = n
