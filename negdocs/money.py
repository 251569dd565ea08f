"""Formatting numbers the way a deal team writes them: ``120,000 USD``, ``45 days``."""

from __future__ import annotations

UNITS = {"days": ("day", "days"), "months": ("month", "months"), "count": ("", "")}


def format_number(value) -> str:
    """``120000`` -> ``120,000``; ``12.5`` -> ``12.5``; floats that are whole drop the ``.0``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(value, kind: str, currency: str = "USD") -> str:
    """A value of an issue of ``kind``, with its unit."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    number = format_number(value)
    if kind == "money":
        return f"{number} {currency}"
    if kind == "percent":
        return f"{number}%"
    if kind in ("days", "months"):
        singular, plural = UNITS[kind]
        return f"{number} {singular if value == 1 else plural}"
    return number
