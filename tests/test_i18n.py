"""Languages: the locale contract (deal, counterparty, negdocs.yaml, --locale) and formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from negdocs.dates import long_date
from negdocs.i18n import guess
from negdocs.money import format_number, format_value

from conftest import MINIMAL

DEAL = MINIMAL + "counterparty: {name: ACME}\n"


@pytest.mark.parametrize("value, meant", [("de-DE", "de"), ("de_AT", "de"), ("german", "de"), ("Deutsch", "de"),
                                          ("FR", "fr"), ("français", "fr"), ("Spanish", "es"), ("español", "es"),
                                          ("en-US", "en"), ("germn", "de"), ("klingon", None)])
def test_guess_a_locale(value, meant):
    assert guess(value) == meant


@pytest.mark.parametrize("where, text, line", [
    ("deal", "locale: de-DE\n", 4),
    ("counterparty", "counterparty: {name: ACME, locale: german}\n", 4),
])
def test_unsupported_locale_is_a_schema_error_with_a_hint(make_project, where, text, line):
    project = make_project({"playbooks/a.yaml": MINIMAL + text})
    result = project.run("check")
    assert result.exit_code == 1
    hint = "'de'"
    assert (f"playbooks/a.yaml:{line}: error schema: " in result.output and "is not a supported locale; supported: "
            "en, de, fr, es" in result.output and f"(did you mean {hint}?)" in result.output), result.output


def test_unsupported_locale_in_settings(make_project):
    project = make_project({"negdocs.yaml": "site_title: X\nlocale: FR\n", "playbooks/a.yaml": MINIMAL})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert "negdocs.yaml:2: error schema: locale: 'FR' is not a supported locale; supported: en, de, fr, es " \
           "(did you mean 'fr'?)" in result.output
    assert not (project.root / "build").exists()


def test_unsupported_locale_on_the_command_line(make_project):
    project = make_project({"playbooks/a.yaml": MINIMAL})
    result = project.run("build", "--no-pdf", "--locale", "Deutsch")
    assert result.exit_code == 2
    assert "'Deutsch' is not a supported locale; supported: en, de, fr, es (did you mean 'de'?)" in result.output


def test_locale_in_the_json_schema():
    from negdocs.load.schema import schema

    props = schema()["properties"]
    assert props["locale"]["anyOf"][0]["enum"] == ["en", "de", "fr", "es"]


# -- formatting ----------------------------------------------------------------------------------
@pytest.mark.parametrize("locale, money, fraction, percent, days, date", [
    ("en", "142,000 USD", "1,234.5 EUR", "12.5%", "45 days", "29 January 2027"),
    ("de", "142.000\u00a0$", "1.234,50\u00a0€", "12,5\u00a0%", "45 Tage", "29. Januar 2027"),
    ("fr", "142\u202f000\u00a0$US", "1\u202f234,50\u00a0€", "12,5\u00a0%", "45 jours", "29 janvier 2027"),
    ("es", "142.000\u00a0US$", "1.234,50\u00a0€", "12,5\u00a0%", "45 días", "29 de enero de 2027"),
])
def test_formatting_follows_the_locale(locale, money, fraction, percent, days, date):
    assert format_value(142000, "money", "USD", locale) == money
    assert format_value(1234.5, "money", "EUR", locale) == fraction
    assert format_value(12.5, "percent", "USD", locale) == percent
    assert format_value(45, "days", "USD", locale) == days
    assert long_date(dt.date(2027, 1, 29), locale) == date


def test_singular_units():
    assert format_value(1, "days", "USD", "de") == "1 Tag"
    assert format_value(1, "months", "USD", "fr") == "1 mois"
    assert format_value(1, "months", "USD", "es") == "1 mes"
    assert format_value(2, "months", "USD", "es") == "2 meses"


def test_formatting_ignores_the_machine_locale(monkeypatch):
    """Babel falls back to LANG/LC_ALL when no locale is passed; negdocs always passes one."""
    for name in ("LC_ALL", "LC_NUMERIC", "LC_TIME", "LANG", "LANGUAGE"):
        monkeypatch.setenv(name, "de_DE.UTF-8")
    assert format_value(120000, "money", "USD") == "120,000 USD"
    assert format_number(1234567.891) == "1,234,567.89"
    assert long_date(dt.date(2027, 1, 29)) == "29 January 2027"
