"""Incremental builds: unchanged deals are not rebuilt, and the result equals a clean build."""

from __future__ import annotations

import shutil

import pytest

from negdocs.build import build
from conftest import EXAMPLES, MINIMAL, REPO, copy_examples, tree


@pytest.fixture
def project(tmp_path):
    copy_examples(tmp_path)
    return tmp_path


def run(root, **kw):
    return build(root=root, out=root / kw.pop("out", "build"), pdf=kw.pop("pdf", False), edition=kw.pop("edition", "all"), **kw)


def test_noop_rebuild_parses_nothing_and_changes_nothing(project):
    first = run(project)
    assert len(first.rebuilt) == 5
    before = tree(project / "build")
    second = run(project)
    assert second.rebuilt == []
    assert tree(project / "build") == before


def test_editing_one_deal_rebuilds_only_that_deal_and_the_index(project):
    run(project)
    before = tree(project / "build")
    deal = project / "playbooks/sales/acme-renewal.yaml"
    deal.write_text(deal.read_text().replace("ACME Corp enterprise platform renewal 2027", "ACME renewal, revised"))
    result = run(project)
    assert result.rebuilt == ["playbooks/sales/acme-renewal.yaml"]
    after = tree(project / "build")
    changed = sorted(k for k in after if after[k] != before.get(k))
    package = [f"proposal/acme-renewal{copy}.{ext}" for copy in ("", "/jose-alvarez", "/priya-raman") for ext in ("docx", "html")]
    assert changed == sorted([".negdocs-build.json", "acme-renewal.html", "index.html", "search-index.js", *package])
    assert after == tree(run(project, out="clean", force=True).out)


def test_changing_a_template_rebuilds_the_pages_that_use_it(project):
    run(project)
    (project / "templates").mkdir()
    (project / "templates/proposal.html").write_text('{% extends "builtin/proposal.html" %}{% block running %}ACME{% endblock %}')
    result = run(project)
    assert len(result.rebuilt) == 5
    before = tree(project / "build")
    (project / "templates/proposal.html").write_text('{% extends "builtin/proposal.html" %}{% block running %}ACME 2{% endblock %}')
    run(project)
    after = tree(project / "build")
    changed = {k for k in after if after[k] != before[k]}
    assert all(k.startswith("proposal/") or k in (".negdocs-build.json", "search-index.js") for k in changed)
    assert "proposal/acme-renewal.html" in changed


def test_deleted_deal_outputs_are_removed(project):
    run(project)
    (project / "playbooks/hiring/staff-engineer-offer.yaml").unlink()
    run(project)
    assert not any("staff-engineer-offer" in name for name in tree(project / "build"))


def test_settings_change_and_force_rebuild_all(project):
    run(project)
    settings = project / "negdocs.yaml"
    settings.write_text(settings.read_text() + "site_title: Deal desk\n")
    assert len(run(project).rebuilt) == 5
    assert len(run(project, force=True).rebuilt) == 5
    assert run(project).rebuilt == []


def test_damaged_manifest_is_refused_and_a_fresh_folder_rebuilds_all(project):
    from negdocs.errors import NegdocsError

    run(project)
    (project / "build/.negdocs-build.json").write_text("{not json")
    with pytest.raises(NegdocsError, match="not a manifest written by negdocs"):
        run(project)
    shutil.rmtree(project / "build")
    assert len(run(project).rebuilt) == 5


# -- everything a page depends on is in its key: change it, and the incremental build equals a clean one

@pytest.fixture
def small(make_project):
    """One real deal (it uses a strategy pack) and one guide."""
    return make_project({"playbooks/acme.yaml": (EXAMPLES / "sales/acme-renewal.yaml").read_text(),
                         "playbooks/guide.yaml": MINIMAL, "negdocs.yaml": (REPO / "negdocs.yaml").read_text()})


def rebuilt_equals_clean(root) -> list[str]:
    """Build incrementally; assert the result is byte-identical to a clean build; return what was rebuilt."""
    result = run(root)
    assert tree(root / "build") == tree(run(root, out="clean", force=True).out)
    return result.rebuilt


def test_a_strategy_pack_change_rebuilds_the_deals_that_use_it(small):
    from negdocs.analyse.strategy import BUILTIN_DIR

    run(small.root)
    pack = (BUILTIN_DIR / "power-based.yaml").read_text()
    marked = pack.replace("Fisher & Ury, 2011", "PACKMARK1, 2011")
    assert marked != pack
    small.write("strategies/power-based.yaml", marked)  # a project pack overrides the built-in one
    assert "playbooks/acme.yaml" in rebuilt_equals_clean(small.root)
    assert "PACKMARK1" in (small.root / "build/acme-renewal.html").read_text()
    small.write("strategies/power-based.yaml", marked.replace("PACKMARK1", "PACKMARK2"))  # same files, new bytes
    assert "playbooks/acme.yaml" in rebuilt_equals_clean(small.root)
    assert "PACKMARK2" in (small.root / "build/acme-renewal.html").read_text()


def test_source_date_epoch_is_in_the_key(small, monkeypatch):
    run(small.root)
    before = (small.root / "build/acme-renewal.html").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1798675200 + 40 * 86400))
    assert sorted(rebuilt_equals_clean(small.root)) == ["playbooks/acme.yaml", "playbooks/guide.yaml"]
    assert (small.root / "build/acme-renewal.html").read_text() != before
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert sorted(rebuilt_equals_clean(small.root)) == ["playbooks/acme.yaml", "playbooks/guide.yaml"]


RUNNING = '{% extends "builtin/internal.html" %}{% block running %}{% include "parts/running.html" %}{% endblock %}'
TEMPLATES = {  # how internal.html reaches the template that changes (always parts/leaf.html)
    "extends": {"internal.html": '{% extends "parts/leaf.html" %}',
                "parts/leaf.html": '{% extends "builtin/internal.html" %}{% block running %}MARK{% endblock %}'},
    "include": {"internal.html": RUNNING, "parts/running.html": '{% include "parts/leaf.html" %}',
                "parts/leaf.html": "MARK"},
    "import": {"internal.html": '{% extends "builtin/internal.html" %}{% import "parts/leaf.html" as m %}'
                                "{% block running %}{{ m.mark() }}{% endblock %}",
               "parts/leaf.html": "{% macro mark() %}MARK{% endmacro %}"},
    "from import": {"internal.html": '{% extends "builtin/internal.html" %}{% from "parts/leaf.html" import mark %}'
                                     "{% block running %}{{ mark() }}{% endblock %}",
                    "parts/leaf.html": "{% macro mark() %}MARK{% endmacro %}"},
    "dynamic include": {"internal.html": RUNNING, "parts/running.html": '{% include "parts/" ~ "leaf.html" %}',
                        "parts/leaf.html": "MARK"},
    "base override": {"base.html": None, "parts/leaf.html": "MARK"},  # the built-in internal.html extends base.html
}


@pytest.mark.parametrize("how", TEMPLATES)
def test_a_template_reached_through_other_templates_is_in_the_key(small, how):
    from negdocs.render.render import builtin_templates

    files = dict(TEMPLATES[how])
    if files["base.html" if "base.html" in files else "parts/leaf.html"] is None:
        base = (builtin_templates() / "base.html").read_text()
        files["base.html"] = base.replace("</body>", '{% include "parts/leaf.html" %}</body>')
    for name, text in files.items():
        small.write(f"templates/{name}", text)
    run(small.root)
    assert "MARK1" not in (small.root / "build/acme-renewal.html").read_text()
    for mark in ("MARK1", "MARK2"):
        small.write("templates/parts/leaf.html", files["parts/leaf.html"].replace("MARK", mark))
        assert "playbooks/acme.yaml" in rebuilt_equals_clean(small.root)
        assert mark in (small.root / "build/acme-renewal.html").read_text()


@pytest.mark.pdf
def test_incremental_pdf_build_equals_a_clean_one(project):
    run(project, pdf=True, edition="internal", jobs=2)
    deal = project / "playbooks/guides/sales-guide.yaml"
    deal.write_text(deal.read_text().replace("title:", "title: Revised"))
    result = run(project, pdf=True, edition="internal", jobs=2)
    assert result.rebuilt == ["playbooks/guides/sales-guide.yaml"]
    assert tree(project / "build") == tree(run(project, out="clean", pdf=True, edition="internal", force=True).out)


def test_cli_progress_and_quiet(project, monkeypatch):
    from click.testing import CliRunner

    from negdocs.cli import cli

    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "--jobs", "2", "--edition", "internal"])
    assert result.exit_code == 0, result.output
    lines = [l for l in result.stderr.splitlines() if l.startswith("negdocs: [")]
    assert len(lines) == 5 and lines[-1].startswith("negdocs: [5/5] playbooks/")
    assert "5 deal files rebuilt" in result.stdout
    again = CliRunner().invoke(cli, ["build", "--quiet", "--edition", "internal"])
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")


def test_shards_partition_the_deals_and_index_merges_them(project, monkeypatch):
    from click.testing import CliRunner

    from negdocs.cli import cli

    monkeypatch.chdir(project)
    runner = CliRunner()
    for k in (1, 2, 3):
        result = runner.invoke(cli, ["build", "--no-pdf", "--edition", "all", "--shard", f"{k}/3", "--out", f"shard{k}"])
        assert result.exit_code == 0, result.output
    pages = [sorted(n for n in tree(project / f"shard{k}") if n.endswith(".html") and "index" not in n) for k in (1, 2, 3)]
    assert sum(map(len, pages)) == 11 and len(set(sum(pages, []))) == 11  # each deal in exactly one shard
    merged = runner.invoke(cli, ["index", "shard1", "shard2", "shard3", "--out", "site"])
    assert merged.exit_code == 0, merged.output
    whole = run(project, out="whole")
    assert tree(project / "site") == tree(whole.out)
    assert runner.invoke(cli, ["build", "--shard", "4/3"]).exit_code == 2


def test_adding_a_deal_moves_only_that_deal_between_shards():
    from negdocs.output.site import in_shard

    ids = [f"deal-{n}" for n in range(200)]
    before = {i: next(k for k in range(1, 5) if in_shard(i, (k, 4))) for i in ids}
    after = {i: next(k for k in range(1, 5) if in_shard(i, (k, 4))) for i in ids + ["new-deal"]}
    assert all(before[i] == after[i] for i in ids)
    assert 30 < sum(1 for k in before.values() if k == 1) < 70


def test_progress_bar_on_a_terminal():
    import io

    from negdocs.output.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    with Progress(stream=stream) as progress:
        progress.update("playbooks/sales/acme.yaml", 1, 4)
        progress.update("playbooks/sales/acme.yaml", 4, 4)
    drawn = stream.getvalue()
    assert "[######------------------] 1/4 PDF" in drawn and "4/4 PDF" in drawn and "s left" in drawn
    assert drawn.endswith("\r")  # the bar is cleared before the summary
    assert "\n" not in drawn


def test_the_logo_file_is_in_the_key(small):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="{}" height="10"/></svg>'
    small.write("logo.svg", svg.format(4))
    small.write("negdocs.yaml", (REPO / "negdocs.yaml").read_text() + "logo: logo.svg\n")
    run(small.root)
    small.write("logo.svg", svg.format(6))  # negdocs.yaml unchanged: only the file's bytes differ
    assert sorted(rebuilt_equals_clean(small.root)) == ["playbooks/acme.yaml", "playbooks/guide.yaml"]


def test_a_file_in_templates_that_is_not_text_does_not_stop_a_dynamic_include(small):
    small.write("templates/picture.png", b"\x89PNG\r\n\x1a\n\xff\xfe")
    small.write("templates/internal.html", RUNNING)
    small.write("templates/parts/running.html", '{% include "parts/" ~ "leaf.html" %}')
    small.write("templates/parts/leaf.html", "MARK1")
    run(small.root)
    small.write("templates/parts/leaf.html", "MARK2")
    assert "playbooks/acme.yaml" in rebuilt_equals_clean(small.root)


# -- the key and the manifest records, unit by unit

def keys(root, pdf=False, extra=None, locale=None):
    from negdocs.analyse.strategy import pack_files
    from negdocs.render.pages import renderer_for as _renderer
    from negdocs.output import incremental
    from negdocs.project import Project

    project = Project.load(root)
    project.locale_override = locale  # `build --locale`
    return incremental.Keys(project, pack_files(root), _renderer(project).env, pdf, extra)


def test_a_page_key_has_its_deal_its_stamp_sheet_its_word_template_and_the_negdocs_release(small, monkeypatch):
    from negdocs.output import incremental

    one = keys(small.root, extra={"proposal": "word template 1"})
    editions = ("internal", "proposal")
    before = {e: one.page("deal", e) for e in editions}
    assert one.page("other deal", "internal") != before["internal"] and one.page("other deal", "proposal") != before["proposal"]
    word = keys(small.root, extra={"proposal": "word template 2"})
    assert {e: word.page("deal", e) for e in editions} == {"internal": before["internal"], "proposal": word.page("deal", "proposal")}
    assert word.page("deal", "proposal") != before["proposal"]
    small.write("templates/proposal-stamp.html", "<p>{{ recipient }}</p>")  # the stamped copies' sheet
    stamped = keys(small.root, extra={"proposal": "word template 1"})
    assert stamped.page("deal", "internal") == before["internal"] and stamped.page("deal", "proposal") != before["proposal"]
    monkeypatch.setattr(incremental, "__version__", "9.9.9")  # another negdocs release
    assert keys(small.root).common != one.common


def test_the_common_key_has_the_format_the_language_and_the_catalogs(small, monkeypatch):
    from negdocs import i18n
    from negdocs.output import incremental

    base = keys(small.root).common
    assert keys(small.root, locale="de").common != base  # `build --locale de`: negdocs.yaml unchanged
    monkeypatch.setattr(incremental, "FORMAT_VERSION", "negdocs/v9")
    assert keys(small.root).common != base
    monkeypatch.undo()
    monkeypatch.setattr(i18n, "catalog_digest", lambda: "a translation changed")
    assert keys(small.root).common != base


def test_sha_keeps_parts_apart():
    from negdocs.output.incremental import sha

    assert sha("ab", "c") != sha("a", "bc") != sha("abc")
    assert sha("a") != sha("a", "") and sha(b"a") == sha("a")


def test_the_print_stylesheet_is_in_the_key_of_printed_internal_pages_only(small, monkeypatch):
    deal = keys(small.root).deal("0" * 64, {})
    before = {(pdf, e): keys(small.root, pdf).page(deal, e) for pdf in (False, True) for e in ("internal", "proposal")}
    small.write("templates/print.css", "@page { size: A5 }")
    after = {(pdf, e): keys(small.root, pdf).page(deal, e) for pdf in (False, True) for e in ("internal", "proposal")}
    assert [k for k in before if before[k] != after[k]] == [(True, "internal")]


def test_the_weasyprint_version_is_in_the_key_of_pdf_builds(small, monkeypatch):
    from negdocs.output import incremental

    plain, printed = keys(small.root).common, keys(small.root, pdf=True).common
    assert plain != printed
    monkeypatch.setattr(incremental, "_weasyprint_version", lambda: "999.0")
    assert keys(small.root, pdf=True).common != printed
    assert keys(small.root).common == plain


def test_the_key_has_the_installed_weasyprint_release():
    from importlib.metadata import version

    from negdocs.output import incremental

    assert incremental._weasyprint_version() == version("weasyprint") != "?"


def test_the_template_closure_follows_every_reference_once():
    import jinja2

    from negdocs.output.incremental import template_closure

    env = jinja2.Environment(loader=jinja2.DictLoader({
        "page.html": '{% include "c.html" %}{% include "b.html" %}{% include "b.html" %}',
        "b.html": '{% extends "base.html" %}', "c.html": '{% import "macros.html" as m %}',
        "base.html": "base", "macros.html": "{% macro x() %}{% endmacro %}", "unused.html": "no"}))
    assert sorted(template_closure(env, "page.html")) == ["b.html", "base.html", "c.html", "macros.html", "page.html"]
    env.loader.mapping["c.html"] = "{% include name %}"  # cannot be named before rendering: every template
    assert sorted(template_closure(env, "page.html")) == sorted(env.loader.mapping)


def test_keys_are_stable_and_a_broken_template_is_reported_by_the_render(small):
    one, two = keys(small.root), keys(small.root)
    assert one.common == two.common and one.page("k", "internal") == two.page("k", "internal")
    assert one.deal("d", {"commit": "a"}) != one.deal("d", {"commit": "b"}) != one.deal("e", {"commit": "b"})
    small.write("templates/internal.html", "{% extends %}")
    broken = keys(small.root)
    assert broken.template("internal.html") == broken.template("internal.html") != one.template("internal.html")


def test_only_well_formed_records_are_reused(small):
    import copy
    import json

    from negdocs.output import incremental

    run(small.root)
    manifest = json.loads((small.root / "build/.negdocs-build.json").read_text())
    good = manifest["deals"]["playbooks/acme.yaml"]
    assert incremental.valid_record(good) and incremental.deals(manifest) == manifest["deals"]
    finding = {"path": "p", "line": 1, "message": "m", "rule": "r", "severity": "warning"}
    corrupt = [
        lambda r: r.pop("key"), lambda r: r.update(key=1), lambda r: r.update(id=None), lambda r: r.update(line=True),
        lambda r: r.update(line="3"), lambda r: r.update(outputs=[]), lambda r: r.update(outputs={"a": 1}),
        lambda r: r.update(findings={}), lambda r: r.update(findings=[{**finding, "line": "1"}]),
        lambda r: r.update(findings=[{**finding, "extra": 1}]), lambda r: r.update(findings=[["p", 1]]),
        lambda r: r.update(entries=[]), lambda r: r["entries"].update(internal={"title": "no id"}),
        lambda r: r["entries"].update(internal={"id": 1}), lambda r: r["entries"].update(internal="x"),
        lambda r: r["entries"]["internal"].update(close_by="2027-13-45"),
        lambda r: r["entries"]["internal"].update(close_by=20270101), lambda r: r.update(search=[]),
        lambda r: r["search"].update(internal="x"),
        lambda r: r["entries"].update(proposal={"title": "no id"}),  # any entry, not only the portfolio's
        lambda r: r["entries"]["internal"].update(approvals="signed"),
        lambda r: r["entries"]["internal"].pop("value_base"),  # a record of a build before base currencies
        lambda r: r["entries"]["internal"].update(value="ten"), lambda r: r["entries"]["internal"].update(value="NaN"),
        lambda r: r["entries"]["internal"].update(value_base="Infinity"),
    ]
    for n, spoil in enumerate(corrupt):
        record = copy.deepcopy(good)
        spoil(record)
        assert not incremental.valid_record(record), n
        assert incremental.deals({"deals": {"playbooks/acme.yaml": record}}) == {}, n
    fine = copy.deepcopy(good)
    fine["findings"] = [finding]
    fine["entries"]["internal"]["close_by"] = None
    assert incremental.valid_record(fine)
    assert incremental.valid_record({**good, "entries": {**good["entries"], "x": {"id": "a", "close_by": "2027-01-31"}}})
    for approvals in ("missing", "stale", "approved", "none"):
        assert incremental.valid_record({**good, "entries": {"internal": {**good["entries"]["internal"], "approvals": approvals}}})
    assert incremental.valid_record({**good, "entries": {"internal": {**good["entries"]["internal"], "value_base": None}}})
    for manifest_deals in (None, [], "x"):
        assert incremental.deals({"deals": manifest_deals}) == {}
    assert incremental.deals({}) == {}


def test_a_deal_with_valid_until_is_checked_again_the_next_day(tmp_path, monkeypatch):
    """proposal-expired depends on the day: such a deal has the date in its key, others do not."""
    import datetime as dt

    from negdocs import dates

    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks/offer.yaml").write_text("format: negdocs/v1\ntitle: Offer\ncontext: sales\n"
                                                  "counterparty: {name: ACME}\nproposal: {valid_until: 2027-03-01}\n")
    (tmp_path / "playbooks/guide.yaml").write_text("format: negdocs/v1\ntitle: Guide\ncontext: sales\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    day = [dt.date(2027, 3, 1)]
    monkeypatch.setattr(dates, "today", lambda: day[0])
    assert [p.rule for p in run(tmp_path).problems] == []
    assert run(tmp_path).rebuilt == []
    day[0] = dt.date(2027, 3, 2)
    again = run(tmp_path)
    assert again.rebuilt == ["playbooks/offer.yaml"]
    assert [p.rule for p in again.problems] == ["proposal-expired"]
