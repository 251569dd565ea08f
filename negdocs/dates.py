"""Date formatting from Babel's bundled CLDR data, so output never depends on the machine.

English keeps ``29 January 2027``; German, French and Spanish use CLDR's long date
(``29. Januar 2027``, ``29 janvier 2027``, ``29 de enero de 2027``).
"""

from __future__ import annotations

import datetime as dt
import os

from negdocs.i18n import DEFAULT, lang

_PATTERNS = {DEFAULT: "d MMMM y"}


def long_date(value: dt.date | None, locale: str = DEFAULT) -> str:
    """``2027-01-15`` -> ``15 January 2027`` / ``15. Januar 2027``."""
    if not value:
        return ""
    from babel.dates import format_date

    return format_date(value, _PATTERNS.get(locale, "long"), locale=lang(locale).babel)


def today() -> dt.date:
    """The UTC date of SOURCE_DATE_EPOCH when it is set (a reproducible build), else today's UTC date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            pass  # not a representable time: as when unset
    return dt.datetime.now(dt.timezone.utc).date()
