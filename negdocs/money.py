"""Formatting numbers the way a deal team writes them: ``120,000 USD``, ``45 days``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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


def exact(value, text: str | None = None) -> Decimal:
    """A number of the model as an exact Decimal: from its YAML text (``text``) when it was
    written as a float, so ``1.08`` is 1.08 and not the nearest binary fraction."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if text is not None:
        try:
            number = Decimal(text.replace("_", ""))
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite() and float(number) == value:
            return number
    return Decimal(repr(value))


def format_decimal(value: Decimal, above: Decimal | None = None) -> str:
    """``Decimal('612000')`` -> ``612,000``; two decimals at most, or as many as it takes to
    show that the value is above ``above`` when rounding would hide it."""
    for places in (0, 1, 2, 4, 8):
        shown = value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN" if above is not None else "ROUND_HALF_EVEN")
        if above is None and places < 2 and shown != value:
            continue
        if above is None or shown > above or places == 8:
            break
    text = f"{shown:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
