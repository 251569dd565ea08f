"""Formatting numbers the way a deal team writes them, in the reader's language.

English keeps the international style negdocs has always written (``120,000 USD``,
``12.5%``); German, French and Spanish follow CLDR as bundled with Babel (``120.000 $``,
``120 000 $US``, ``120.000 US$``, ``12,5 %``), never the machine's locale settings.
Whole amounts are written without decimals; others with the currency's digits.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from negdocs.i18n import DEFAULT, lang

_NUMBER = "#,##0.##"


@lru_cache(maxsize=None)
def _patterns(locale: str) -> tuple[str, str]:
    """(whole, fractional) currency patterns of ``locale``."""
    if locale == DEFAULT:
        return "#,##0 ¤¤", "#,##0.## ¤¤"
    standard = lang(locale).babel.currency_formats["standard"].pattern.split(";")[0]
    return standard.replace("0.00", "0"), standard


def _whole(value) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def format_number(value, locale: str = DEFAULT) -> str:
    """``120000`` -> ``120,000`` (``120.000`` in German); ``12.5`` -> ``12.5``; whole floats drop ``.0``."""
    from babel.numbers import format_decimal

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, format=_NUMBER, locale=lang(locale).babel)


def format_money(value, currency: str = "USD", locale: str = DEFAULT) -> str:
    """``120000, USD`` -> ``120,000 USD`` / ``120.000 $`` / ``120 000 $US`` / ``120.000 US$``."""
    from babel.numbers import format_currency

    whole, fractional = _patterns(locale)
    if _whole(value):
        return format_currency(int(value), currency, format=whole, locale=lang(locale).babel, currency_digits=False)
    return format_currency(value, currency, format=fractional, locale=lang(locale).babel,
                           currency_digits=locale != DEFAULT)


def format_percent(value, locale: str = DEFAULT) -> str:
    """``12.5`` (a percent value, 0-100) -> ``12.5%`` / ``12,5 %`` (CLDR's percent pattern)."""
    from decimal import Decimal

    from babel.numbers import format_percent as babel_percent

    pattern = lang(locale).babel.percent_formats[None].pattern.replace("#,##0", _NUMBER, 1)
    return babel_percent(Decimal(str(value)) / 100, format=pattern, locale=lang(locale).babel)


def format_value(value, kind: str, currency: str = "USD", locale: str = DEFAULT) -> str:
    """A value of an issue of ``kind``, with its unit, in ``locale``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) or (isinstance(value, Decimal) and not value.is_snan()):
        return _formatted(repr(value), value, kind, currency, locale)
    return _format_value(value, kind, currency, locale)


# a deal prints its amounts again and again: 1,000 deals spent a tenth of an HTML build in Babel
@lru_cache(maxsize=8192)
def _formatted(text: str, value, kind: str, currency: str, locale: str) -> str:
    """:func:`_format_value`, remembered. Equal values can read differently, so the key has the
    repr, which tells them apart: ``Decimal('12')`` is not ``12`` in German, ``-0.0`` equals ``0.0``."""
    return _format_value(value, kind, currency, locale)


def _format_value(value, kind: str, currency: str, locale: str) -> str:
    if kind == "money":
        return format_money(value, currency, locale)
    if kind == "percent":
        return format_percent(value, locale)
    number = format_number(value, locale)
    if kind in ("days", "months"):
        t = lang(locale)
        count = int(value) if _whole(value) else 2  # a fraction reads as plural in all four languages
        if kind == "days":
            return t.ngettext("{number} day", "{number} days", count).format(number=number)
        return t.ngettext("{number} month", "{number} months", count).format(number=number)
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
