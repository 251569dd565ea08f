"""Inputs found in review that used to escape as tracebacks or wrong output."""

from __future__ import annotations

import socket

from conftest import MINIMAL


def test_new_with_a_numeric_id_checks_clean(make_project):
    project = make_project()
    assert project.run("new", "hiring", "2027").exit_code == 0
    result = project.run("check", "--strict")
    assert (result.exit_code, result.stdout) == (0, "")
    assert project.run("new", "sales", "index").exit_code == 2


def test_template_syntax_error_is_reported_at_its_line(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL,
                            "templates/internal.html": '{% extends "builtin/internal.html" %}\n{% block running %}{{ deal.title }{% endblock %}\n'})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/internal.html:2: error template:")
    project.write("templates/internal.html", '{% extends "builtin/internal.html" %}\n{% block running %}{{ 1 / 0 }}{% endblock %}\n')
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1 and "templates/internal.html:2: error template: ZeroDivisionError" in result.stderr


def test_empty_settings_file_and_unknown_ignored_rule(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL, "negdocs.yaml": "# settings to come\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    project.write("negdocs.yaml", "checks:\n  ignore: [price-onyl]\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert "negdocs.yaml:2: error schema: checks.ignore[0]: unknown rule 'price-onyl' (did you mean 'price-only'?)" in result.stderr


def test_out_of_range_environment_is_harmless(make_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    project = make_project({"playbooks/g.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0


def test_merging_shards_of_different_editions_is_a_usage_error(make_project):
    project = make_project({f"playbooks/d{n}.yaml": MINIMAL + "counterparty: {name: ACME}\n" for n in range(8)})
    assert project.run("build", "--no-pdf", "--shard", "1/2", "--out", "s1", "--edition", "proposal").exit_code == 0
    assert project.run("build", "--no-pdf", "--shard", "2/2", "--out", "s2").exit_code == 0
    for shard in ("s1", "s2"):  # both shards hold deals, so their editions really differ
        assert any(name.startswith(("d", "proposal/d")) and name.endswith(".html") for name in project.files(shard))
    result = project.run("index", "s1", "s2", "--out", "site")
    assert result.exit_code == 2 and "same --edition" in result.stderr


def test_merge_keeps_deals_whose_id_ends_in_index(make_project):
    project = make_project({"playbooks/price-index.yaml": MINIMAL})
    assert project.run("build", "--no-pdf", "--shard", "1/1", "--out", "s1").exit_code == 0
    assert project.run("index", "s1", "--out", "site").exit_code == 0
    assert "price-index.html" in project.files("site")


def test_diff_of_a_folder_and_serve_on_a_busy_port_are_usage_errors(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    assert project.run("diff", "playbooks", "playbooks/g.yaml").exit_code == 2
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = project.run("serve", "--port", str(busy.getsockname()[1]))
    assert result.exit_code == 2 and "cannot listen" in result.stderr


def test_a_key_with_a_line_break_is_named_on_one_line(make_project):
    """Found by the fuzz campaign: a key holding a newline reached a message raw and split it."""
    project = make_project({"playbooks/d.yaml": 'format: negdocs/v1\ntitle: T\ncontext: sales\n"a\\nb": "\\x1f"\n'})
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(r"playbooks/d.yaml:4: error yaml: a\x0ab: character U+001F"), result.stdout
