"""`negdocs approve`: the sign-off is added as text, every other byte stays; bad input changes nothing."""

from __future__ import annotations

import os
import stat

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negdocs.analyse.fingerprint import fingerprint
from negdocs.load.loader import parse
from negdocs.load.model import Deal

MATRIX = """\
approvals:
  rules:
    - {role: sales-manager, when: {context: sales, depth_over: 10}}
    - {role: cfo, when: {value_over: 1000000}}
"""

DEAL = """\
# ACME renewal: a comment that must survive
format: negdocs/v1
title: "ACME renewal"   # quoted on purpose
context: sales
counterparty: {name: ACME}
issues:
  - id: price
    name: Price
    kind: money
    better: higher
    open: 1000
    walk_away: 800      # deep: needs the sales manager
    basis: [survey]
  - {id: term, name: Term, kind: months, better: higher, open: 24, basis: [survey]}
evidence:
  - {id: survey, kind: benchmark, summary: Median is 1k., shareable: true}
"""


def deal_of(text: str) -> Deal:
    return Deal.model_validate(parse(text, "deal.yaml")[0])


def project_with(make_project, deal: str | bytes = DEAL, matrix: str = MATRIX):
    return make_project({"negdocs.yaml": matrix, "playbooks/acme.yaml": deal})


def approve(project, *args: str):
    return project.run("approve", "playbooks/acme.yaml", *args)


def read(project) -> bytes:
    return (project.root / "playbooks" / "acme.yaml").read_bytes()


FP = fingerprint(deal_of(DEAL))


def test_adds_the_section_at_the_end_and_keeps_every_byte(make_project):
    project = project_with(make_project)
    result = approve(project, "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-05")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"negdocs: added the sign-off of sales-manager by Dana Lee (2027-01-05, fingerprint {FP}) in "
                             "playbooks/acme.yaml; commit the file to record it\n")
    assert read(project).decode() == DEAL + ("approvals:\n"
                                             f'  - {{role: "sales-manager", by: "Dana Lee", "on": "2027-01-05", fingerprint: "{FP}"}}\n')
    assert project.run("check").stdout == ""


@pytest.mark.parametrize("section, expected", [
    # a block list in the middle of the file, with comments and a trailing comment on its last item
    ("approvals:\n  # signed\n  - {role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab}  # old\nnotes: x\n",
     "approvals:\n  # signed\n  - {role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab}  # old\n  - NEW\nnotes: x\n"),
    # block records, an indentless list
    ("approvals:\n- role: cfo\n  by: Ann\n  'on': 2027-01-01\n  fingerprint: '0123456789ab'\n\n# end\n",
     "approvals:\n- role: cfo\n  by: Ann\n  'on': 2027-01-01\n  fingerprint: '0123456789ab'\n- NEW\n\n# end\n"),
    ("approvals: []\n", "approvals: [NEW]\n"),
    ("approvals: [{role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab}]  # c\n",
     "approvals: [{role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab}, NEW]  # c\n"),
    ("approvals: [\n  {role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab},\n]\n",
     "approvals: [\n  {role: cfo, by: Ann, on: 2027-01-01, fingerprint: 0123456789ab},\n NEW]\n"),
])
def test_adds_to_an_existing_list_in_its_style(make_project, section, expected):
    project = project_with(make_project, DEAL + section)
    assert approve(project, "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-05").exit_code == 0
    new = f'{{role: "sales-manager", by: "Dana Lee", "on": "2027-01-05", fingerprint: "{FP}"}}'
    assert read(project).decode() == DEAL + expected.replace("NEW", new)


def test_renews_a_record_in_place(make_project):
    old = "approvals:\n  - role: sales-manager   # the manager\n    by: Ann\n    on: 2026-12-01\n    fingerprint: 0123456789ab  # stale\n"
    project = project_with(make_project, DEAL + old)
    result = approve(project, "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-05")
    assert result.exit_code == 0 and "renewed the sign-off" in result.stdout
    assert read(project).decode() == DEAL + old.replace("Ann", '"Dana Lee"').replace("2026-12-01", '"2027-01-05"') \
        .replace("0123456789ab", f'"{FP}"')
    again = approve(project, "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-05")
    assert "already carries this sign-off" in again.stdout


@pytest.mark.parametrize("variant", ["crlf", "no-newline", "bom", "crlf-no-newline"])
def test_line_endings_bom_and_missing_final_newline_are_kept(make_project, variant):
    text = DEAL.replace("\n", "\r\n") if variant.startswith("crlf") else DEAL
    text = text.rstrip("\r\n") if variant.endswith("no-newline") else text
    raw = (b"\xef\xbb\xbf" if variant == "bom" else b"") + text.encode()
    project = project_with(make_project, raw)
    assert approve(project, "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-05").exit_code == 0
    after = read(project)
    assert after.startswith(raw)
    added = after[len(raw):]
    nl = b"\r\n" if variant.startswith("crlf") else b"\n"
    if variant.endswith("no-newline"):
        assert added.startswith(nl) and not added.endswith(b"\n")
    else:
        assert added.endswith(nl)
    assert added.count(nl) == 2 and added.count(b"\n") == 2 and added.count(b"\r") == (2 if nl == b"\r\n" else 0)
    assert project.run("check").stdout == ""


def test_keeps_the_file_mode_and_leaves_no_temporary_file(make_project):
    project = project_with(make_project)
    path = project.root / "playbooks" / "acme.yaml"
    os.chmod(path, 0o640)
    assert approve(project, "--role", "sales-manager", "--by", "Dana Lee").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.yaml"]


# -- refusals: nothing changes ----------------------------------------------------------------
@pytest.mark.parametrize("args, code, message", [
    (("--role", "cfoo", "--by", "Ann"), 2, "negdocs.yaml: error usage: no rule of the approval matrix names the role 'cfoo' "
                                           "(did you mean 'cfo'?); roles: sales-manager, cfo"),
    (("--role", "cfo\n", "--by", "Ann"), 2, "--role 'cfo\\\\n' is not a role"),
    (("--role", "CFO", "--by", "Ann"), 2, "--role 'CFO' is not a role"),
    (("--role", "cfo", "--by", "Ann\nrole: cfo"), 2, "--by holds the character U+000A (a line break)"),
    (("--role", "cfo", "--by", "Ann\rLee"), 2, "--by holds the character U+000D (a line break)"),
    (("--role", "cfo", "--by", "Ann\x1b[31mLee"), 2, "--by holds the character U+001B (a control or format character)"),
    (("--role", "cfo", "--by", "Ann\u202eeeL"), 2, "--by holds the character U+202E"),
    (("--role", "cfo", "--by", "Ann\u2028Lee"), 2, "--by holds the character U+2028"),
    (("--role", "cfo", "--by", " Ann"), 2, "--by must be a name without leading or trailing spaces"),
    (("--role", "cfo", "--by", ""), 2, "--by must be a name"),
    (("--role", "cfo", "--by", "A" * 201), 2, "--by is 201 characters long; the limit is 200"),
    (("--role", "cfo", "--by", "Ann", "--on", "2027-02-30"), 2, "'2027-02-30' is not a date; write YYYY-MM-DD"),
    (("--role", "cfo", "--by", "Ann", "--on", "2027-02-01T10:00"), 2, "is not a date"),
])
def test_bad_arguments_change_nothing(make_project, args, code, message):
    project = project_with(make_project)
    result = approve(project, *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert read(project) == DEAL.encode()


def test_a_file_with_errors_changes_nothing(make_project):
    broken = DEAL.replace("walk_away: 800", "walk_away: 1200")
    project = project_with(make_project, broken)
    result = approve(project, "--role", "sales-manager", "--by", "Ann")
    assert result.exit_code == 1
    assert "playbooks/acme.yaml:12: error issue-order" in result.stderr
    assert "the file has errors; fix them (`negdocs check`) before signing off: nothing was changed" in result.stderr
    assert read(project) == broken.encode()


def test_no_matrix_changes_nothing(make_project):
    project = project_with(make_project, matrix="site_title: X\n")
    result = approve(project, "--role", "cfo", "--by", "Ann")
    assert result.exit_code == 2 and "negdocs.yaml has no approval matrix" in result.stderr
    assert read(project) == DEAL.encode()


def test_a_layout_it_cannot_edit_changes_nothing_and_says_what_to_add(make_project):
    odd = DEAL + "approvals:\n  - role: sales-manager\n    by: Ann\n      Lee\n    on: 2026-12-01\n    fingerprint: 0123456789ab\n"
    project = project_with(make_project, odd)
    result = approve(project, "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-05")
    assert result.exit_code == 2
    assert "cannot add the sign-off without changing the file's layout" in result.stderr
    assert f'- {{role: "sales-manager", by: "Dana Lee", "on": "2027-01-05", fingerprint: "{FP}"}}' in result.stderr
    assert read(project) == odd.encode()


def test_a_renewal_clears_a_stale_sign_off(make_project):
    project = project_with(make_project)
    approve(project, "--role", "sales-manager", "--by", "Ann", "--on", "2027-01-05")
    path = project.root / "playbooks" / "acme.yaml"
    path.write_text(path.read_text().replace("walk_away: 800", "walk_away: 700"))
    assert "approval-stale" in project.run("check").stdout
    assert approve(project, "--role", "sales-manager", "--by", "Ann", "--on", "2027-01-06").exit_code == 0
    assert project.run("check").stdout == ""


# -- hostile names never become YAML structure -------------------------------------------------
HOSTILE = ['x", role: "cfo', "# not a comment", "&a *a", "{a: b}", "- item", "'", '"', "a: b", "\\", "\\n", "null",
           "~", "2027-01-01", "yes", "!!python/object:os.system", "<script>alert(1)</script>", "Zoë 名前 🙂", "a  b",
           "%TAG", "...", "---", "|", ">", "@x", "`x`", "\u00a0nbsp\u00a0inside".strip("\u00a0") + "x"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_round_trip_as_text(make_project, name):
    project = project_with(make_project)
    result = approve(project, "--role", "sales-manager", "--by", name, "--on", "2027-01-05")
    assert result.exit_code == 0, result.output
    deal = deal_of(read(project).decode())
    assert [(a.role, a.by) for a in deal.approvals] == [("sales-manager", name)]
    assert read(project).startswith(DEAL.encode()) and read(project).count(b"\n") == DEAL.count("\n") + 2


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
                min_size=1, max_size=40).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=names)
def test_any_printable_name_round_trips(make_project, name):
    project = project_with(make_project)
    assert approve(project, "--role", "sales-manager", "--by", name, "--on", "2027-01-05").exit_code == 0
    assert [a.by for a in deal_of(read(project).decode()).approvals] == [name]
    assert yaml.safe_load(read(project))["approvals"][0]["by"] == name


def test_a_link_out_of_the_project_is_refused(make_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "deal.yaml"
    outside.write_text(DEAL)
    project = make_project({"negdocs.yaml": MATRIX})
    (project.root / "playbooks").mkdir()
    (project.root / "playbooks" / "acme.yaml").symlink_to(outside)
    result = approve(project, "--role", "sales-manager", "--by", "Ann")
    assert result.exit_code == 2 and "is a link to a file outside the project" in result.stderr
    assert outside.read_text() == DEAL
