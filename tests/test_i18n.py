"""Languages: the locale contract (deal, counterparty, negdocs.yaml, --locale) and formatting."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest

from negdocs.dates import long_date
from negdocs.i18n import SUPPORTED, catalog_path, guess
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


# -- catalogs ------------------------------------------------------------------------------------
REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages `make i18n` extracts from the code and the templates, as a catalog."""
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    pot = tmp_path_factory.mktemp("pot") / "negdocs.pot"
    old = Path.cwd()
    os.chdir(REPO)
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "n_:1,2", "--no-location",
                                    "-o", str(pot), "negdocs", "templates"])
    finally:
        os.chdir(old)
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalog(locale):
    from babel.messages.pofile import read_po

    with catalog_path(locale, "po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", SUPPORTED[1:])
def test_catalog_is_complete_and_current(extracted, locale):
    """Run `make i18n` and translate what it reports when this fails."""
    catalog = _catalog(locale)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert not wanted - set(have), f"messages missing from the {locale} catalog (run make i18n)"
    assert not set(have) - wanted, f"obsolete messages in the {locale} catalog (run make i18n)"
    assert not catalog.obsolete, f"obsolete (#~) entries in the {locale} catalog"
    fuzzy = [key for key, m in have.items() if m.fuzzy]
    untranslated = [key for key, m in have.items() if not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not fuzzy, f"fuzzy entries in the {locale} catalog: {fuzzy[:5]}"
    assert not untranslated, f"untranslated entries in the {locale} catalog: {untranslated[:5]}"
    assert not catalog.fuzzy, f"the {locale} catalog's header is marked fuzzy (pybabel compile would skip it)"


@pytest.mark.parametrize("locale", SUPPORTED[1:])
def test_translations_keep_every_placeholder(locale):
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = {p for p in PLACEHOLDER.findall(ids[-1]) if p != "{count}"}
        for string in strings:
            found = set(PLACEHOLDER.findall(string)) - {"{count}"}
            assert found == expected, f"{locale}: {ids[0]!r} -> {string!r}"


@pytest.mark.parametrize("locale", SUPPORTED[1:])
def test_compiled_catalog_matches_its_po(locale):
    """The .mo files are committed (a fresh clone and the wheel need no compile step): keep them current."""
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, _catalog(locale))
    assert catalog_path(locale).read_bytes() == out.getvalue(), "run make i18n to compile the catalogs"


# -- strategy packs ------------------------------------------------------------------------------
GLOSSARY = {"de": ("Glossar", "BATNA"), "fr": ("Glossaire", "MESORE"), "es": ("Glosario", "MAAN")}


@pytest.mark.parametrize("pack_id", ["power-based", "principled"])
@pytest.mark.parametrize("locale", SUPPORTED[1:])
def test_shipped_packs_exist_in_every_language_with_the_same_structure(pack_id, locale):
    from negdocs.analyse.strategy import BUILTIN_DIR, load_packs, shape_differences

    packs = load_packs()
    translated, english = packs.translated[(pack_id, locale)], packs[pack_id]
    assert shape_differences(translated, english) == []
    for name, template in english.scripts.items():  # the same slots, each once
        assert sorted(re.findall(r"\{[a-z_]+\}", translated.scripts[name].text)) == \
            sorted(re.findall(r"\{[a-z_]+\}", template.text)), name
    assert re.findall(r"\{[a-z_]+\}", translated.pause_script) == re.findall(r"\{[a-z_]+\}", english.pause_script)
    assert translated.name != english.name and translated.definition != english.definition
    header = (BUILTIN_DIR / f"{pack_id}.{locale}.yaml").read_text(encoding="utf-8").split("\nid:")[0]
    word, term = GLOSSARY[locale]
    assert word in header and term in header, "the header names the glossary it followed"


def test_a_translation_must_keep_the_english_structure(make_project):
    from negdocs.analyse.strategy import BUILTIN_DIR

    text = (BUILTIN_DIR / "principled.de.yaml").read_text(encoding="utf-8")
    broken = text.replace("    when: setup\n", "    when: close\n", 1).replace("rules: [price-only]", "rules: [timing]", 1)
    project = make_project({"playbooks/a.yaml": MINIMAL, "strategies/principled.de.yaml": broken,
                            "strategies/principled.yaml": (BUILTIN_DIR / "principled.yaml").read_text(encoding="utf-8")})
    result = project.run("check")
    assert result.exit_code == 1
    assert "strategies/principled.de.yaml:" in result.output and "moves[0].when: 'close' must stay 'setup'" in result.output
    assert "rules: ['timing'] must stay ['price-only']" in result.output


def test_a_translation_needs_its_english_pack_and_a_supported_language(make_project):
    from negdocs.analyse.strategy import BUILTIN_DIR

    text = (BUILTIN_DIR / "principled.de.yaml").read_text(encoding="utf-8")
    project = make_project({"playbooks/a.yaml": MINIMAL, "strategies/acme.de.yaml": text.replace("id: principled", "id: acme"),
                            "strategies/principled.it.yaml": text})
    result = project.run("check")
    assert result.exit_code == 1
    assert "strategies/acme.de.yaml:1: error strategy: translates 'acme', but there is no acme.yaml" in result.output
    assert "strategies/principled.it.yaml:1: error strategy: the file name's language 'it' is not one of de, fr, es" \
        in result.output


def test_a_project_pack_without_a_translation_falls_back_to_english_with_a_warning(make_project):
    from negdocs.analyse.strategy import BUILTIN_DIR

    english = (BUILTIN_DIR / "principled.yaml").read_text(encoding="utf-8")
    project = make_project({"strategies/principled.yaml": english.replace("name: Principled negotiation",
                                                                          "name: ACME principled"),
                            "playbooks/a.yaml": MINIMAL + "strategy: principled\nlocale: fr\n",
                            "playbooks/b.yaml": MINIMAL.replace("Guide", "Other") + "strategy: principled\nlocale: fr\n"})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0, result.output
    warning = ("strategies/principled.yaml:1: warning locale: strategy 'principled' has no French translation "
               "(strategies/principled.fr.yaml); deals in 'fr' show its English text with a note")
    assert result.output.count(warning) == 1, result.output  # once per pack and language, not per deal
    page = (project.root / "build" / "a.html").read_text(encoding="utf-8")
    assert "ACME principled" in page  # the project's own pack, not the shipped French one
    assert 'lang="fr"' in page
    assert "Ce pack de stratégie n'est pas encore traduit en français" in page  # the visible note
    other = (project.root / "build" / "b.html").read_text(encoding="utf-8")
    assert "n'est pas encore traduit" in other
    project.write("playbooks/a.yaml", MINIMAL + "locale: fr\n")  # the shipped pack has its translation: no note
    project.write("playbooks/b.yaml", MINIMAL.replace("Guide", "Other") + "locale: fr\n")
    result = project.run("build", "--no-pdf")
    assert "warning locale" not in result.output
    assert "n'est pas encore traduit" not in (project.root / "build" / "a.html").read_text(encoding="utf-8")


# -- face-threat in every language ---------------------------------------------------------------
@pytest.mark.parametrize("line, phrase", [
    ("Das ist unser letztes Angebot.", "letztes angebot"), ("Friss oder stirb!", "friss oder stirb"),
    ("C’est à prendre ou à laisser.", "à prendre ou à laisser"), ("Dernière offre : 120 000.", "dernière offre"),
    ("Es nuestra última oferta.", "última oferta"), ("O lo toma o lo deja.", "lo toma o lo deja"),
    ("This is our FINAL OFFER.", "final offer"), ("Ceci est non négociable", "non négociable"),
])
def test_face_threat_knows_every_language(make_project, line, phrase):
    project = make_project({"playbooks/a.yaml": MINIMAL + f"locale: de\nscripts:\n  - say: {line!r}\n"})
    result = project.run("check")
    assert f"playbooks/a.yaml:6: warning face-threat: scripts[0].say: {phrase!r} threatens face; state the " \
           "constraint and its reason instead" in result.output  # the command line stays English


@pytest.mark.parametrize("line", ["Como si no hubiera prisa, revisemos el calendario.", "Sonst alles klar?",
                                  "Sinon, nous pouvons décaler la réunion.", "Die letzte Chancengleichheitsrunde"])
def test_face_threat_ignores_harmless_lines(make_project, line):
    project = make_project({"playbooks/a.yaml": MINIMAL + f"scripts:\n  - say: {line!r}\n"})
    assert "face-threat" not in project.run("check").output


def test_findings_in_a_playbook_are_in_its_language(make_project):
    project = make_project({"playbooks/a.yaml": MINIMAL + "locale: de\nscripts:\n  - say: Das ist unser letztes Angebot.\n"})
    result = project.run("build", "--no-pdf")
    assert "threatens face" in result.output  # English on the command line
    page = (project.root / "build" / "a.html").read_text(encoding="utf-8")
    assert "bedroht das Gesicht der Gegenseite" in page and "threatens face" not in page


# -- the examples in every language --------------------------------------------------------------
@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The example playbooks built (both editions, no PDF) once per language with --locale."""
    from conftest import copy_examples
    from negdocs.build import build

    root = tmp_path_factory.mktemp("examples")
    copy_examples(root)
    return {locale: build(out=root / f"site-{locale}", pdf=False, edition="all", root=root, locale=locale).out
            for locale in SUPPORTED}


def _page_text(html: str) -> str:
    import html as htmlmod

    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", html))


def _english_messages(locale):
    """The catalog's English messages that its translation writes differently (with no placeholder)."""
    out = []
    for message in _catalog(locale):
        if message.id and isinstance(message.id, str) and not PLACEHOLDER.search(message.id) and "%" not in message.id \
                and " " in message.id.strip() and message.string != message.id:
            out.append(message.id)
    return out


@pytest.mark.parametrize("locale", SUPPORTED[1:])
def test_examples_have_no_english_around_the_deals_content(sites, locale):
    """Every page of the examples in `locale`: its lang, its translated words, and none of the
    English messages of the catalog (the deals' own content, English in the examples, aside)."""
    site = sites[locale]
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 12
    english = _english_messages(locale)
    assert len(english) > 80
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert f'<html lang="{locale}">' in html, page
        text = " ".join(_page_text(html).split())
        left = [m for m in english if m in text]
        assert left == [], f"{page.relative_to(site)}: English left in a {locale} page: {left}"
    playbook = _page_text((site / "acme-renewal.html").read_text(encoding="utf-8"))
    expected = {"de": ("Auf einen Blick", "142.000\u00a0$", "29. Januar 2027"),
                "fr": ("En bref", "142\u202f000\u00a0$US", "29 janvier 2027"),
                "es": ("De un vistazo", "142.000\u00a0US$", "29 de enero de 2027")}[locale]
    for words in expected:
        assert words in playbook


def test_the_english_examples_are_unchanged_by_the_catalogs(sites):
    html = (sites["en"] / "acme-renewal.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "At a glance" in html and "142,000 USD" in html


def test_shipped_templates_have_no_untranslated_text():
    from negdocs.render.literals import literals

    for path in sorted((REPO / "templates").glob("*.html")):
        assert literals(path.read_text(encoding="utf-8"), str(path)) == [], path.name


def test_the_template_lint_finds_untranslated_text(make_project):
    from negdocs.render.literals import main

    project = make_project({"templates/index.html": '{% extends "builtin/index.html" %}{% block body %}'
                            '<main><h1 title="Hello there">Our deals</h1><p>{{ _("Fine") }} · 42</p>'
                            '<style>p { color: red }</style></main>{% endblock %}'})
    from negdocs.render.literals import literals

    found = literals((project.root / "templates" / "index.html").read_text(encoding="utf-8"))
    assert [text for _, text in found] == ["Hello there", "Our deals"]
    assert main([str(project.root / "templates")]) == 1


# -- the cascade ---------------------------------------------------------------------------------
def test_which_language_each_document_is_in(make_project):
    """Playbook: deal locale, else negdocs.yaml (or --locale), else en. Proposal:
    counterparty.locale, else negdocs.yaml (or --locale), else en; never the deal's."""
    deal = MINIMAL + "counterparty: {name: ACME}\nissues: [{id: p, name: Price, kind: money, better: higher, open: 5}]\n"
    project = make_project({"negdocs.yaml": "locale: fr\n",
                            "playbooks/own.yaml": deal + "locale: de\n",
                            "playbooks/theirs.yaml": deal.replace("{name: ACME}", "{name: ACME, locale: es}") + "locale: de\n",
                            "playbooks/plain.yaml": deal})

    def langs(*args):
        assert project.run("build", "--no-pdf", "--edition", "all", *args).exit_code == 0
        return {name: re.search(r'<html lang="(\w+)">', (project.root / "build" / f"{name}.html").read_text()).group(1)
                for name in ("own", "theirs", "plain", "index", "proposal/own", "proposal/theirs", "proposal/plain")}

    assert langs() == {"own": "de", "theirs": "de", "plain": "fr", "index": "fr",
                       "proposal/own": "fr", "proposal/theirs": "es", "proposal/plain": "fr"}
    assert langs("--locale", "es") == {"own": "de", "theirs": "de", "plain": "es", "index": "es",
                                       "proposal/own": "es", "proposal/theirs": "es", "proposal/plain": "es"}
    project.write("negdocs.yaml", "site_title: X\n")
    assert langs() == {"own": "de", "theirs": "de", "plain": "en", "index": "en",
                       "proposal/own": "en", "proposal/theirs": "es", "proposal/plain": "en"}


def test_the_page_description_names_the_context_in_the_documents_language(make_project):
    deal = MINIMAL + "counterparty: {name: ACME, locale: de}\nlocale: de\n"
    project = make_project({"playbooks/a.yaml": deal})
    assert project.run("build", "--no-pdf", "--edition", "all").exit_code == 0
    described = {name: re.search(r'<meta name="description" content="([^"]*)">',
                                 (project.root / "build" / f"{name}.html").read_text()).group(1)
                 for name in ("a", "proposal/a")}
    assert described["a"] == "Verhandlungsleitfaden Vertrieb"  # "{context} negotiation playbook", context "sales"
    assert "Vertrieb" in described["proposal/a"] and "sales" not in described["proposal/a"]


def test_the_word_proposal_is_in_the_counterpartys_language(make_project):
    import zipfile

    deal = MINIMAL + "counterparty: {name: ACME, locale: de}\nclose_by: 2027-01-29\n" \
        "issues: [{id: p, name: Price, kind: money, better: higher, open: 142000}]\n"
    project = make_project({"playbooks/a.yaml": deal})
    assert project.run("build", "--no-pdf", "--edition", "proposal").exit_code == 0
    with zipfile.ZipFile(project.root / "build" / "proposal" / "a.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        styles = docx.read("word/styles.xml").decode("utf-8")
        core = docx.read("docProps/core.xml").decode("utf-8")
    assert "Angebot für ACME" in body and "29. Januar 2027" in body and "142.000\u00a0$" in body
    assert 'w:lang w:val="de-DE"' in styles and "<dc:language>de-DE</dc:language>" in core


def test_formatted_values_are_remembered_per_type_of_value():
    """format_value keeps its results (a deal prints its amounts again and again), keyed by the
    value's type too: ``12`` and ``12.0`` each read as they would without the memo."""
    from decimal import Decimal

    from negdocs.money import _format_value

    for locale in ("en", "de", "fr", "es"):
        for value in (12, 12.0, Decimal("12"), Decimal("12.50"), 12.5, 0, 0.0, -0.0, Decimal("0"), Decimal("-0"), 1):
            for kind in ("money", "percent", "days", "months", "number"):
                first = format_value(value, kind, "EUR", locale)
                assert first == format_value(value, kind, "EUR", locale) == _format_value(value, kind, "EUR", locale)
    assert format_value("about 12", "money") == "about 12" and format_value(None, "money") == ""
    assert format_value(Decimal("-0"), "money") == "-0 USD" and format_value(-0.0, "percent") == "-0%"  # found in review
