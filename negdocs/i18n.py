"""The reader's language: the supported locales, the gettext catalogs, and a ``Lang`` that
formats and translates for one of them.

Everything here is deterministic: numbers, money and dates come from the CLDR data that
Babel bundles (pinned in pyproject), never from the machine's locale settings; words come
from the catalogs in ``negdocs/locale/<lang>/LC_MESSAGES/negdocs.mo`` (``make i18n``).
English is the source language: its messages are the msgids themselves.
"""

from __future__ import annotations

import difflib
import gettext as _gettext
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

SUPPORTED = ("en", "de", "fr", "es")
DEFAULT = "en"
DOMAIN = "negdocs"
LOCALE_DIR = Path(__file__).parent / "locale"
NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}

# Names people write for a language, folded (lowercase, accents dropped), in the four languages.
_SPELLINGS = {
    "en": ("english", "englisch", "anglais", "ingles", "eng"),
    "de": ("german", "deutsch", "allemand", "aleman", "ger", "deu"),
    "fr": ("french", "francais", "franzosisch", "frances", "fra", "fre"),
    "es": ("spanish", "espanol", "castellano", "spanisch", "espagnol", "spa", "esp"),
}
_BY_SPELLING = {spelling: code for code, spellings in _SPELLINGS.items() for spelling in spellings}


def N_(message: str) -> str:
    """Marks ``message`` for the catalog (``make i18n`` extracts it); it is translated where shown."""
    return message


def fold(text: str) -> str:
    """Lowercase with accents dropped: ``Français`` -> ``francais``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def guess(value: str) -> str | None:
    """The supported locale someone probably meant by ``value`` (``de-DE``, ``german``, ``FR``)."""
    text = fold(value.strip()).replace("_", "-")
    if text in SUPPORTED:
        return text
    if text.split("-")[0] in SUPPORTED:
        return text.split("-")[0]
    if text in _BY_SPELLING:
        return _BY_SPELLING[text]
    match = difflib.get_close_matches(text, list(_BY_SPELLING), n=1, cutoff=0.75)
    return _BY_SPELLING[match[0]] if match else None


def unsupported(value) -> str:
    """The message for a value that is not a supported locale."""
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    hint = guess(value) if isinstance(value, str) else None
    return (f"{shown} is not a supported locale; supported: {', '.join(SUPPORTED)}"
            + (f" (did you mean {hint!r}?)" if hint else ""))


def check_locale(value):
    """Pydantic validator: a supported locale code, else a ValueError naming the supported ones."""
    if isinstance(value, str) and value in SUPPORTED:
        return value
    raise ValueError(unsupported(value))


def catalog_path(locale: str, ext: str = "mo") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.{ext}"


@lru_cache(maxsize=None)
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``locale`` (English: the msgids as they are)."""
    if locale == DEFAULT:
        return _gettext.NullTranslations()
    with catalog_path(locale).open("rb") as handle:  # a missing catalog is a packaging bug: let it raise
        return _gettext.GNUTranslations(handle)


def catalog_digest() -> str:
    """A digest of every compiled catalog, for incremental build keys."""
    import hashlib

    digest = hashlib.sha256()
    for locale in SUPPORTED[1:]:
        digest.update(catalog_path(locale).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=None)
def lang(locale: str = DEFAULT) -> "Lang":
    return Lang(locale)


_CURRENT: ContextVar[str] = ContextVar("negdocs_locale", default=DEFAULT)


def current() -> "Lang":
    """The language check messages are written in: English on the command line, the deal's
    language while :func:`negdocs.analyse.checks.run` writes the findings shown in a playbook."""
    return lang(_CURRENT.get())


@contextmanager
def writing_in(locale: str):
    """``with writing_in("de"):`` messages made inside use :func:`current` = German."""
    token = _CURRENT.set(locale)
    try:
        yield lang(locale)
    finally:
        _CURRENT.reset(token)


class Lang:
    """Translates and formats for one locale. Get one with :func:`lang` (cached)."""

    def __init__(self, locale: str):
        from babel import Locale

        if locale not in SUPPORTED:
            raise ValueError(unsupported(locale))
        self.code = locale
        self.babel = Locale.parse(locale)
        self.translations = translations(locale)
        self.gettext = self.translations.gettext
        self.ngettext = self.translations.ngettext
        self.name = NAMES[locale]

    def __repr__(self) -> str:
        return f"Lang({self.code!r})"

    def _(self, message: str, **values) -> str:
        """``message`` translated, then ``{name}`` placeholders filled from ``values``."""
        text = self.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, count: int, **values) -> str:
        return self.ngettext(singular, plural, count).format(count=count, **values)

    @staticmethod
    def join(items) -> str:
        """A list as it runs in a sentence: ``a, b, c`` (the same in the four languages)."""
        return ", ".join(str(i) for i in items)

    # numbers, money and dates live in negdocs.money and negdocs.dates; these are shortcuts
    def number(self, value) -> str:
        from negdocs.money import format_number

        return format_number(value, self.code)

    def value(self, value, kind: str, currency: str = "USD") -> str:
        from negdocs.money import format_value

        return format_value(value, kind, currency, self.code)

    def date(self, value) -> str:
        from negdocs.dates import long_date

        return long_date(value, self.code)
