"""Deal plans in git: semantic diff across commits, --rev, provenance."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from test_checks import BASE, change


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_DATE": "2027-01-02T10:00:00Z", "GIT_COMMITTER_DATE": "2027-01-02T10:00:00Z",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(root), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(make_project):
    project = make_project({"playbooks/acme.yaml": yaml.safe_dump(BASE, sort_keys=False)})
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "first plan")
    # second commit: we concede room on price, add evidence and a MESO option, drop the pilot concession
    second = change(issues__0__walk_away=110000, issues__0__floor=118000)()
    second["evidence"].append({"id": "analyst", "kind": "benchmark", "summary": "Analyst note", "shareable": True})
    second["meso"].append({"name": "Bundle", "terms": {"price": 125000, "payment": 52}})
    second["concessions"] = []
    project.write("playbooks/acme.yaml", yaml.safe_dump(second, sort_keys=False))
    git(project.root, "commit", "-qam", "concede on price")
    # third (uncommitted): the pilot comes back without a get, issue order kept
    third = dict(second, concessions=[{"item": "Pilot", "give": "30-day pilot"}])
    project.write("playbooks/acme.yaml", yaml.safe_dump(third, sort_keys=False))
    return project


def test_diff_between_two_revisions_text(repo):
    result = repo.run("diff", "HEAD~1:playbooks/acme.yaml", "HEAD:playbooks/acme.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "HEAD~1:playbooks/acme.yaml -> HEAD:playbooks/acme.yaml (ACME renewal)",
        "  price floor: 120,000 USD -> 118,000 USD: 2,000 USD worse for us",
        "  price walk_away: 115,000 USD -> 110,000 USD: 5,000 USD more room conceded",
        "  evidence added: analyst",
        "  meso added: Bundle",
        "  concession removed: Pilot",
    ]


def test_diff_revision_against_work_tree_reports_new_findings_markdown(repo):
    result = repo.run("diff", "HEAD:playbooks/acme.yaml", "playbooks/acme.yaml", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "### ACME renewal", "", r"HEAD\:playbooks/acme.yaml → playbooks/acme.yaml", "",
        "- concession added: Pilot",
        r"- :warning: new finding: concession-without-get\: concessions\[0\].give\: 'Pilot' gives without a &#96;get&#96;; "
        "pair it with what we receive in return",
        "",
    ]


def test_diff_rev_json_covers_every_changed_deal(repo):
    repo.write("playbooks/new.yaml", "format: negdocs/v1\ntitle: New guide\ncontext: hiring\n")
    data = json.loads(repo.run("diff", "--rev", "HEAD~1", "--format", "json").stdout)
    assert [(d["new"], d["status"]) for d in data] == [("playbooks/acme.yaml", "changed"), ("playbooks/new.yaml", "added")]
    fields = [(c["item"], c["field"], c["old"], c["new"]) for c in data[0]["changes"] if c["section"] == "issues"]
    assert fields == [("price", "floor", 120000, 118000), ("price", "walk_away", 115000, 110000)]
    assert data[0]["new_findings"][0].startswith("concession-without-get")


def test_diff_matches_list_items_by_id_not_position(repo, make_project):
    reordered = dict(BASE, evidence=list(reversed(BASE["evidence"])), issues=list(reversed(BASE["issues"])))
    repo.write("playbooks/acme.yaml", yaml.safe_dump(reordered, sort_keys=False))
    result = repo.run("diff", "HEAD~1:playbooks/acme.yaml", "playbooks/acme.yaml")
    assert result.stdout.splitlines()[1:] == ["  no changes in negotiation terms"]


def test_diff_both_directions_of_better(repo):
    lower = change(issues__1__walk_away=55)()  # payment: better lower, 60 -> 55 is less room conceded
    repo.write("playbooks/acme.yaml", yaml.safe_dump(lower, sort_keys=False))
    out = repo.run("diff", "HEAD~1:playbooks/acme.yaml", "playbooks/acme.yaml").stdout
    assert "payment walk_away: 60 days -> 55 days: 5 days less room conceded" in out


def test_diff_errors(repo):
    assert repo.run("diff", "nope:playbooks/acme.yaml", "playbooks/acme.yaml").exit_code == 2
    assert repo.run("diff", "playbooks/acme.yaml").exit_code == 2
    assert repo.run("diff", "--rev", "no-such-rev").exit_code == 2


def test_provenance_in_footer_and_metadata(repo):
    git(repo.root, "commit", "-qam", "third")
    assert repo.run("build", "--no-pdf").exit_code == 0
    html = (repo.root / "build/acme.html").read_text()
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo.root, capture_output=True, text=True).stdout.strip()
    assert f'<meta name="negdocs-git-commit" content="{head}">' in html
    assert '<meta name="negdocs-file-date" content="2027-01-02">' in html
    assert f"commit {head[:12]} of 2027-01-02" in html
    repo.write("playbooks/acme.yaml", yaml.safe_dump(BASE, sort_keys=False))
    assert repo.run("build", "--no-pdf").exit_code == 0
    assert "(with uncommitted changes)" in (repo.root / "build/acme.html").read_text()
