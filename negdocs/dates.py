"""Date formatting from Babel's bundled CLDR data, so output never depends on the machine.

English keeps ``29 January 2027``; German, French and Spanish use CLDR's long date
(``29. Januar 2027``, ``29 janvier 2027``, ``29 de enero de 2027``).
"""

from __future__ import annotations

import datetime as dt

from negdocs.i18n import DEFAULT, lang

_PATTERNS = {DEFAULT: "d MMMM y"}


def long_date(value: dt.date | None, locale: str = DEFAULT) -> str:
    """``2027-01-15`` -> ``15 January 2027`` / ``15. Januar 2027``."""
    if not value:
        return ""
    from babel.dates import format_date

    return format_date(value, _PATTERNS.get(locale, "long"), locale=lang(locale).babel)
