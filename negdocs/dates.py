"""Locale-independent date formatting, so output never depends on the machine."""

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(value: dt.date | None) -> str:
    """``2027-01-15`` -> ``15 January 2027``."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def today() -> dt.date:
    """Today's UTC date, or the UTC date of SOURCE_DATE_EPOCH when it is set (reproducible runs)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            pass
    return dt.datetime.now(dt.timezone.utc).date()
