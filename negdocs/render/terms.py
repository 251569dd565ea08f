"""How the format's enum values read in a document, in each language.

A deal's ``status: draft`` or an issue's ``kind: money`` are keys of the format: the files
keep them in English, the documents show them in the reader's language. Each value's English
wording is a catalog message (marked with ``N_`` so ``make i18n`` extracts it), translated
where it is shown (:func:`term`).
"""

from __future__ import annotations

from negdocs.i18n import N_, Lang

TERMS: dict[str, dict[str, str]] = {
    "context": {"sales": N_("sales"), "partnership": N_("partnership"), "procurement": N_("procurement"),
                "hiring": N_("hiring")},
    "status": {"draft": N_("draft"), "active": N_("active"), "closed": N_("closed")},
    "kind": {"money": N_("money"), "days": N_("days"), "months": N_("months"), "percent": N_("percent"),
             "count": N_("count"), "text": N_("text")},
    "better": {"higher": N_("higher"), "lower": N_("lower")},
    "level": {"low": N_("low"), "medium": N_("medium"), "high": N_("high")},
    "relationship": {"one-off": N_("one-off"), "repeated": N_("repeated")},
    "culture": {"direct": N_("direct"), "indirect": N_("indirect"), "high-power-distance": N_("high power distance")},
    "source": {"alternatives": N_("alternatives"), "authority": N_("authority"), "information": N_("information"),
               "network": N_("network"), "time": N_("time"), "resources": N_("resources"),
               "reputation": N_("reputation"), "coalition": N_("coalition")},
    "evidence": {"benchmark": N_("benchmark"), "cost-driver": N_("cost driver"), "legal-standard": N_("legal standard"),
                 "precedent": N_("precedent"), "capacity": N_("capacity"), "policy": N_("policy"), "other": N_("other")},
    "yesno": {"yes": N_("yes"), "no": N_("no")},
}


def term(t: Lang, group: str, value) -> str:
    """``value`` of the enum ``group`` as the reader's language writes it (unknown values as they are)."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    message = TERMS.get(group, {}).get(value)
    return t.gettext(message) if message is not None else str(value)
