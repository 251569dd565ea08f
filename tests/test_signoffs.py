"""`negdocs approvals` (states, who committed, --rev, markdown escaping) and sign-offs in `negdocs diff`."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from test_approve import DEAL, MATRIX

GUIDE = "format: negdocs/v1\ntitle: Guide\ncontext: sales\n"
SHALLOW = DEAL.replace("walk_away: 800", "walk_away: 950").replace("ACME", "Globex")


def git(root, *args, author: str = "Tess Tester"):
    env = {"GIT_AUTHOR_DATE": "2027-01-02T10:00:00Z", "GIT_COMMITTER_DATE": "2027-01-02T10:00:00Z",
           "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": author,
           "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env).stdout.decode()


@pytest.fixture
def repo(make_project):
    project = make_project({"negdocs.yaml": MATRIX, "playbooks/acme.yaml": DEAL, "playbooks/globex.yaml": SHALLOW,
                            "playbooks/guide.yaml": GUIDE})
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "plans")
    assert project.run("approve", "playbooks/acme.yaml", "--role", "sales-manager", "--by", "Dana Lee",
                       "--on", "2027-01-05").exit_code == 0
    git(project.root, "commit", "-qam", "sales manager signs ACME", author="Mo Manager")
    return project


def edit(project, name: str, old: str, new: str):
    path = project.root / "playbooks" / name
    path.write_text(path.read_text().replace(old, new))


def test_text_lists_each_requirement_with_who_committed_it(repo):
    edit(repo, "acme.yaml", "# ACME renewal: a comment", "# ACME renewal, edited later: a comment")
    git(repo.root, "commit", "-qam", "comment only", author="Someone Else")
    result = repo.run("approvals")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "playbooks/acme.yaml (acme): approved\n"
        "  sales-manager  approved  depth 20% on Price; signed by Dana Lee on 2027-01-05, committed by Mo Manager "
        f"({_head(repo, 1)[:10]}, 2027-01-02)\n"
        "playbooks/globex.yaml (globex): no sign-off needed\n")


def _head(repo, back: int = 0) -> str:
    return git(repo.root, "rev-parse", f"HEAD~{back}").strip()


def test_missing_and_stale_exit_1_and_say_what_changed(repo):
    edit(repo, "acme.yaml", "walk_away: 800", "walk_away: 700")
    edit(repo, "globex.yaml", "walk_away: 950", "walk_away: 850")
    result = repo.run("approvals")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "playbooks/acme.yaml (acme): stale"
    assert lines[1].startswith("  sales-manager  stale     depth 30% on Price; signed by Dana Lee on 2027-01-05, committed by "
                               "Mo Manager")
    assert lines[1].endswith("; changed: issues.price.walk_away 800 USD -> 700 USD")
    assert lines[2:] == ["playbooks/globex.yaml (globex): missing", "  sales-manager  missing   depth 15% on Price"]
    data = json.loads(repo.run("approvals", "--format", "json").stdout)
    assert [(d["id"], d["state"], [s["state"] for s in d["signoffs"]]) for d in data] == \
        [("acme", "stale", ["stale"]), ("globex", "missing", ["missing"])]
    assert data[0]["signoffs"][0]["committed"]["author"] == "Mo Manager"


def test_an_uncommitted_sign_off_says_so(repo):
    repo.run("approve", "playbooks/globex.yaml", "--role", "sales-manager", "--by", "Ann", "--on", "2027-01-06")
    assert "signed by Ann on 2027-01-06, not committed" in repo.run("approvals", "playbooks/globex.yaml").stdout


def test_rev_lists_changed_deals_or_all_when_the_matrix_changed(repo):
    assert repo.run("approvals", "--rev", "HEAD").stdout == ""
    edit(repo, "globex.yaml", "walk_away: 950", "walk_away: 850")
    result = repo.run("approvals", "--rev", "HEAD")
    assert result.exit_code == 1 and result.stdout.startswith("playbooks/globex.yaml (globex): missing\n")
    assert "acme" not in result.stdout
    (repo.root / "negdocs.yaml").write_text(MATRIX.replace("depth_over: 10", "depth_over: 5"))
    assert "playbooks/acme.yaml (acme): approved" in repo.run("approvals", "--rev", "HEAD").stdout


@pytest.mark.parametrize("rev, message", [("--output=/tmp/x", "a revision cannot start with '-'"),
                                          ("-p", "a revision cannot start with '-'"), ("", "the revision is empty"),
                                          ("a\nb", "holds a control or invisible character")])
def test_rev_never_reaches_git_as_an_option(repo, rev, message):
    result = repo.run("approvals", "--rev", rev)
    assert result.exit_code == 2 and message in result.stderr


def test_a_file_with_errors_is_reported_and_the_rest_listed(repo):
    repo.write("playbooks/broken.yaml", DEAL.replace("walk_away: 800", "walk_away: 1200").replace("ACME", "Broken"))
    result = repo.run("approvals")
    assert result.exit_code == 1
    assert "playbooks/broken.yaml:12: error issue-order" in result.stderr
    assert "playbooks/acme.yaml (acme): approved" in result.stdout


def test_a_sign_off_no_rule_requires_any_more_is_stale(repo):
    (repo.root / "negdocs.yaml").write_text(MATRIX.replace("depth_over: 10", "depth_over: 50"))
    edit(repo, "acme.yaml", "walk_away: 800", "walk_away: 790")
    result = repo.run("approvals", "playbooks/acme.yaml")
    assert result.exit_code == 1
    assert "sales-manager  stale     no rule requires this role now; remove or renew the sign-off" in result.stdout


# -- markdown: every value escaped ---------------------------------------------------------------
HOSTILE_TITLE = 'ACME | <script>alert(1)</script> [click](javascript:alert(1)) @org/team **bold** `code` :x:'


def test_markdown_escapes_every_value(make_project):
    deal = DEAL.replace('title: "ACME renewal"', "title: " + json.dumps(HOSTILE_TITLE))
    project = make_project({"negdocs.yaml": MATRIX, "playbooks/acme.yaml": deal})
    git(project.root, "init", "-q", "-b", "main")
    project.run("approve", "playbooks/acme.yaml", "--role", "sales-manager", "--by", "x | y <b>@here</b>", "--on", "2027-01-05")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "x", author="Evil | <img src=x onerror=alert(1)> @admin")
    edit(project, "acme.yaml", "walk_away: 800", "walk_away: 700")
    out = project.run("approvals", "--format", "markdown").stdout
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 1
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 7  # six cells: no value added a column
    cells = [c for c in re.split(r"(?<!\\)\|", rows[0])[1:-1]]
    del cells[3]  # the state cell is ours: ":warning: stale"
    text = re.sub(r"&(#\d+|[a-z]+);", "", "".join(cells).replace("<br>changed: ", " ").replace("<br>", " "))
    assert re.findall(r"(?<!\\)[<>\[\]`*_:|&]", text) == []  # nothing unescaped: no HTML, link, code, emphasis, emoji
    assert "ACME \\| &lt;script&gt;alert(1)&lt;/script&gt;" in out and "x \\| y &lt;b&gt;" in out and "Evil \\|" in out


def test_markdown_summarises(repo):
    edit(repo, "globex.yaml", "walk_away: 950", "walk_away: 850")
    out = repo.run("approvals", "--format", "markdown").stdout
    assert out.startswith("### Sign-offs\n\n**1 missing, 1 approved** across 2 deals.\n\n| Deal | Role | Why | State |")
    assert ":x: missing" in out and ":white_check_mark: approved" in out


# -- diff ------------------------------------------------------------------------------------------
def test_diff_reports_sign_offs_voided_added_renewed_and_removed(repo):
    def signoff_changes():
        data = json.loads(repo.run("diff", "--rev", "HEAD", "--format", "json").stdout)
        return [c for c in data[0]["changes"] if c["section"] == "approvals"]

    edit(repo, "acme.yaml", "walk_away: 800", "walk_away: 700")
    out = repo.run("diff", "--rev", "HEAD").stdout
    assert "  approval voided: sales-manager (by Dana Lee, 2027-01-05) no longer matches the terms " \
           "(issues.price.walk_away 800 USD -> 700 USD)\n" in out
    [voided] = signoff_changes()
    assert (voided["item"], voided["field"]) == ("sales-manager", "fingerprint")
    assert voided["old"] != voided["new"] and len(voided["old"]) == len(voided["new"]) == 12  # the terms' fingerprints
    repo.run("approve", "playbooks/acme.yaml", "--role", "sales-manager", "--by", "Dana Lee", "--on", "2027-01-07")
    repo.run("approve", "playbooks/acme.yaml", "--role", "cfo", "--by", "Cy", "--on", "2027-01-07")
    out = repo.run("diff", "--rev", "HEAD").stdout
    assert "  approval renewed: sales-manager by Dana Lee (2027-01-07)\n" in out
    assert "  approval added: cfo by Cy (2027-01-07)\n" in out
    assert "voided" not in out
    renewed, added = signoff_changes()
    assert (renewed["item"], renewed["field"], renewed["old"]["on"], renewed["new"]["on"]) == (
        "sales-manager", "", "2027-01-05", "2027-01-07")
    assert renewed["old"]["by"] == renewed["new"]["by"] == "Dana Lee"
    assert (added["item"], added["field"], added["old"], added["new"]["by"], added["new"]["on"]) == (
        "cfo", "", None, "Cy", "2027-01-07")
    assert added["text"] == "approval added: cfo by Cy (2027-01-07)"
    git(repo.root, "commit", "-qam", "renewed")
    repo.run("approve", "playbooks/acme.yaml", "--role", "cfo", "--by", "Cy", "--on", "2027-01-08")
    edit(repo, "acme.yaml", "walk_away: 700", "walk_away: 650")  # the renewal signed terms this edit changes
    stale = signoff_changes()
    assert [c["text"] for c in stale] == [
        "approval voided: sales-manager (by Dana Lee, 2027-01-07) no longer matches the terms "
        "(issues.price.walk_away 700 USD -> 650 USD)", "approval renewed: cfo by Cy (2027-01-08) (for other terms: stale)"]
    git(repo.root, "checkout", "-q", "--", ".")
    path = repo.root / "playbooks" / "acme.yaml"
    path.write_text("".join(line for line in path.read_text().splitlines(True) if '"cfo"' not in line))
    assert "  approval removed: cfo (by Cy, 2027-01-07)\n" in repo.run("diff", "--rev", "HEAD").stdout
    [removed] = signoff_changes()
    assert (removed["item"], removed["field"], removed["old"]["by"], removed["new"]) == ("cfo", "", "Cy", None)
    data = json.loads(repo.run("diff", "--rev", "HEAD", "--format", "json").stdout)
    assert [c["section"] for c in data[0]["changes"]] == ["approvals"]


def test_each_sign_off_is_credited_to_the_commit_that_added_it(repo):
    repo.run("approve", "playbooks/acme.yaml", "--role", "cfo", "--by", "Cy", "--on", "2027-01-06")
    git(repo.root, "commit", "-qam", "cfo signs too", author="Cy Cfo")
    edit(repo, "acme.yaml", "# ACME renewal: a comment", "# a later comment")  # dirty, but not the sign-offs
    data = {s["role"]: s for s in json.loads(repo.run("approvals", "playbooks/acme.yaml", "--format", "json").stdout)[0]["signoffs"]}
    assert (data["sales-manager"]["committed"]["author"], data["cfo"]["committed"]["author"]) == ("Mo Manager", "Cy Cfo")
    git(repo.root, "commit", "-qam", "comment")
    data = {s["role"]: s for s in json.loads(repo.run("approvals", "playbooks/acme.yaml", "--format", "json").stdout)[0]["signoffs"]}
    assert (data["sales-manager"]["committed"]["author"], data["cfo"]["committed"]["author"]) == ("Mo Manager", "Cy Cfo")


@pytest.mark.parametrize("term, rest", [("open: 36, basis", ""), ("open: 36, target: 30, basis", " and 1 more"),
                                        ("open: 36, target: 30, walk_away: 12, basis", " and 2 more")])
def test_a_voided_sign_off_names_four_changes_and_counts_the_rest(repo, term, rest):
    edit(repo, "acme.yaml", "    open: 1000\n    walk_away: 800", "    open: 1100\n    target: 1050\n    walk_away: 700")
    edit(repo, "acme.yaml", "open: 24, basis", term)  # three changes to the price, one to three to the term
    voided = [c for c in json.loads(repo.run("diff", "--rev", "HEAD", "--format", "json").stdout)[0]["changes"]
              if c["section"] == "approvals"]
    assert len(voided) == 1, voided
    text = voided[0]["text"]
    prefix = "approval voided: sales-manager (by Dana Lee, 2027-01-05) no longer matches the terms ("
    assert text.startswith(prefix) and text.endswith(rest + ")") and (" more)" in text) == bool(rest), text
    named = text[len(prefix):len(text) - len(rest) - 1].split(", ")
    assert len(named) == 4 and all(re.fullmatch(r"issues\.(price|term)\.\w+ .+ -> .+", n) for n in named), text
