"""Deal plans in git: semantic diff across commits, --rev, provenance."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
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


# -- hostile revisions and paths ----------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("diff", "--", "--output={out}:.", "playbooks/acme.yaml"),
    ("diff", "--", "--output={out}:playbooks/acme.yaml", "playbooks/acme.yaml"),
    ("diff", "--", "playbooks/acme.yaml", "--output={out}:playbooks/acme.yaml"),
    ("diff", "--rev=--output={out}"),
    ("diff", "--rev", "--output={out}", "playbooks"),
])
def test_git_options_in_user_values_are_refused(repo, tmp_path_factory, args):
    out = tmp_path_factory.mktemp("outside") / "written-by-git"
    result = repo.run(*[a.format(out=out) for a in args])
    assert not out.exists()
    assert result.exit_code == 2
    assert "a revision cannot start with '-'" in result.stderr


def test_every_git_call_keeps_user_values_out_of_option_positions(repo, monkeypatch):
    """An audit of the argv of every git call a diff or a build makes: before `--` or
    `--end-of-options` there are only git's words, our options and commit ids."""
    calls = []
    real = subprocess.run

    def spy(argv, *args, **kwargs):
        calls.append(list(argv))
        return real(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    assert repo.run("diff", "HEAD~1:playbooks/acme.yaml", "playbooks/acme.yaml").exit_code == 0
    assert repo.run("diff", "--rev", "HEAD~1", "playbooks").exit_code == 0
    assert repo.run("build", "--no-pdf").exit_code == 0
    words = {"git", "rev-parse", "cat-file", "diff", "ls-files", "log", "status", "blob", "core.quotePath=false"}
    seen = set()
    for argv in calls:
        assert argv[0] == "git"
        cut = min((argv.index(s) for s in ("--", "--end-of-options") if s in argv), default=len(argv))
        for arg in argv[:cut]:
            ok = arg in words or arg.startswith("-") or re.fullmatch(r"[0-9a-f]{40}(:playbooks/acme\.yaml)?", arg)
            assert ok, f"user value {arg!r} before the end of options in {argv}"
        seen.add(argv[4] if argv[1] == "--literal-pathspecs" else argv[1])
    assert {"rev-parse", "cat-file", "diff", "ls-files", "log", "status"} <= seen


def test_only_gitinfo_runs_programs():
    """Every subprocess lives in negdocs/git/gitinfo.py, where the audit above applies."""
    package = Path(__file__).resolve().parent.parent / "negdocs"
    users = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                   if re.search(r"\b(subprocess|os\.system|os\.popen|os\.exec|os\.spawn)", p.read_text(encoding="utf-8")))
    assert users == ["git/gitinfo.py"]


@pytest.mark.parametrize("spec, message", [
    ("x" * 5000, "the argument is 5,000 characters long; the limit is 4,096"),
    ("x" * 300, "cannot read: File name too long"),
    ("HEAD:" + "a/" * 2100, "the argument is 4,205 characters long; the limit is 4,096"),
    ("HEAD:playbooks/acme.yaml\n::error::forged", r"the argument 'HEAD:playbooks/acme.yaml\n::error::forged' holds a "
                                                  "control or invisible character"),
    ("HEAD:playbooks/acme.yaml\u202e", "holds a control or invisible character"),
    ("HEAD:../outside.yaml", "../outside.yaml is not a file inside the git repository"),
    ("HEAD:/etc/passwd", "/etc/passwd is not a file inside the git repository"),
    ("HEAD:.", ". is not a file inside the git repository"),
    ("HEAD:", "the path is empty"),
    (":playbooks/acme.yaml", "the revision is empty"),
    ("-n:playbooks/acme.yaml", "a revision cannot start with '-': -n"),
    ("r" * 300 + ":playbooks/acme.yaml", "the revision is 300 characters long; the limit is 256"),
    ("HEAD^{tree}:playbooks/acme.yaml", "unknown revision HEAD^{tree}; give a commit, branch or tag"),
    ("HEAD~99:playbooks/acme.yaml", "unknown revision HEAD~99"),
    ("no such:playbooks/acme.yaml", "unknown revision no such;"),
    ("HEAD:playbooks", "playbooks is not a file at "),
    ("HEAD:playbooks/none.yaml", "playbooks/none.yaml does not exist at "),
    ("playbooks", "playbooks: error usage: is a folder; give a deal file, a REV:path, or use --rev REV PATH"),
    ("none.yaml", "none.yaml: error usage: no such file, and not a git REV:path"),
])
def test_hostile_diff_arguments_are_one_line_usage_errors(repo, spec, message):
    result = repo.run("diff", "--", spec, "playbooks/acme.yaml")
    assert result.exit_code == 2, result.output
    err = result.stderr.splitlines()
    assert len(err) == 2 and err[1] == "negdocs: 1 error", err
    assert message in err[0] and len(err[0]) < 300 and err[0].isprintable()


@pytest.mark.parametrize("spec", ["HEAD:playbooks/../playbooks/acme.yaml", "HEAD:./playbooks/acme.yaml", "HEAD@{0}:playbooks/acme.yaml"])
def test_odd_but_valid_specs_work(repo, spec):
    result = repo.run("diff", spec, "HEAD:playbooks/acme.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["  no changes in negotiation terms"]


def test_rev_paths_are_checked(repo):
    assert "outside the git repository" in repo.run("diff", "--rev", "HEAD", "..").stderr
    result = repo.run("diff", "--rev", "HEAD", "x" * 5000)
    assert result.exit_code == 2 and "the path is 5,000 characters long" in result.stderr


def test_a_blob_over_the_size_limit_is_refused_before_it_is_read(repo):
    repo.write("playbooks/big.yaml", "format: negdocs/v1\ntitle: Big\ncontext: sales\n" + "# padding\n" * 110_000)
    git(repo.root, "add", "playbooks/big.yaml")
    git(repo.root, "commit", "-qm", "big")
    result = repo.run("diff", "HEAD:playbooks/big.yaml", "playbooks/acme.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("HEAD:playbooks/big.yaml:1: error yaml: file is 1,100,045 bytes; the limit is "
                                             "1,048,576 bytes")


def test_rev_reports_a_removed_deal(repo):
    (repo.root / "playbooks/acme.yaml").unlink()
    result = repo.run("diff", "--rev", "HEAD~1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "HEAD~1:playbooks/acme.yaml -> playbooks/acme.yaml (ACME renewal): deal removed\n"
    md = repo.run("diff", "--rev", "HEAD~1", "--format", "markdown").stdout
    assert md.splitlines()[:5] == ["### ACME renewal", "", r"HEAD\~1\:playbooks/acme.yaml → playbooks/acme.yaml", "",
                                   "Deal removed."]


def test_rev_reads_a_file_name_holding_a_newline_as_one_name(repo):
    repo.write("playbooks/evil\n::error::forged.yaml", "format: negdocs/v1\nid: evil\ntitle: Evil\ncontext: sales\n")
    result = repo.run("diff", "--rev", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (r"'HEAD:playbooks/evil\n::error::forged.yaml' -> "
                                              r"'playbooks/evil\n::error::forged.yaml' (Evil): deal added")
    assert not any(line.lstrip().startswith("::") for line in result.stdout.splitlines())


def test_a_deal_that_is_not_at_rev_is_added_and_a_broken_old_side_is_an_error(repo):
    repo.write("playbooks/acme.yaml", "format: negdocs/v1\ntitle: [\n")
    git(repo.root, "commit", "-qam", "broken")
    repo.write("playbooks/acme.yaml", yaml.safe_dump(BASE, sort_keys=False))
    result = repo.run("diff", "--rev", "HEAD")
    assert result.exit_code == 1
    assert result.stderr.startswith("HEAD:playbooks/acme.yaml:")


def test_diff_honours_the_projects_ignored_rules(repo):
    repo.write("negdocs.yaml", "checks:\n  ignore: [concession-without-get]\n")
    result = repo.run("diff", "HEAD:playbooks/acme.yaml", "playbooks/acme.yaml")
    assert result.stdout.splitlines()[1:] == ["  concession added: Pilot"]


def test_a_project_in_a_subfolder_of_the_repository(make_project, tmp_path_factory, monkeypatch):
    """Labels are relative to the project; git paths to the repository; the cwd plays no part."""
    from negdocs.git.diff import render
    from negdocs.git.versions import diff_rev, diff_specs

    pack = (REPO / "negdocs/analyse/strategies/principled.yaml").read_text(encoding="utf-8")
    project = make_project({"deals/playbooks/acme.yaml": yaml.safe_dump(dict(BASE, strategy="house"), sort_keys=False),
                            "deals/strategies/house.yaml": pack.replace("id: principled", "id: house"),
                            "deals/negdocs.yaml": "checks:\n  ignore: [concession-without-get]\n"})
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "first plan")
    root = project.root / "deals"
    project.write("deals/playbooks/acme.yaml", yaml.safe_dump(change(concessions__0__get=None, strategy="house")(),
                                                              sort_keys=False))
    project.write("deals/playbooks/new.yaml", "format: negdocs/v1\ntitle: New\ncontext: sales\n")
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))  # not in the repository
    expected = ["HEAD:playbooks/acme.yaml -> playbooks/acme.yaml (ACME renewal)",
                "  concession 'Pilot' get: paid pilot credited to year one -> (none)",
                "HEAD:playbooks/new.yaml -> playbooks/new.yaml (New): deal added"]
    assert render(diff_rev("HEAD", [], root), "text").splitlines() == expected
    specs = diff_specs("HEAD:playbooks/acme.yaml", str(root / "playbooks/acme.yaml"), root)
    assert render(specs, "text").splitlines()[1:] == expected[1:2]
    (root / "playbooks/acme.yaml").unlink()
    assert render(diff_rev("HEAD", [root / "playbooks"], root), "text").splitlines() == [
        "HEAD:playbooks/acme.yaml -> playbooks/acme.yaml (ACME renewal): deal removed", expected[2]]


def test_rev_reports_cleared_findings_and_keeps_going_after_an_added_deal(repo):
    git(repo.root, "commit", "-qam", "pilot without a get")  # HEAD has the concession-without-get finding
    repo.write("playbooks/acme.yaml", yaml.safe_dump(BASE, sort_keys=False))
    repo.write("playbooks/aaa.yaml", "format: negdocs/v1\ntitle: First\ncontext: sales\n")
    result = repo.run("diff", "--rev", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "HEAD:playbooks/aaa.yaml -> playbooks/aaa.yaml (First): deal added",
        "HEAD:playbooks/acme.yaml -> playbooks/acme.yaml (ACME renewal)",
        "  price floor: 118,000 USD -> 120,000 USD: 2,000 USD better for us",
        "  price walk_away: 110,000 USD -> 115,000 USD: 5,000 USD less room conceded",
        "  evidence removed: analyst",
        "  meso removed: Bundle",
        "  concession 'Pilot' get: (none) -> paid pilot credited to year one",
        "  - finding concession-without-get: concessions[0].give: 'Pilot' gives without a `get`; pair it with what we "
        "receive in return",
    ]
    specs = repo.run("diff", "HEAD:playbooks/acme.yaml", "playbooks/acme.yaml").stdout.splitlines()
    assert specs == result.stdout.splitlines()[1:]


@pytest.mark.parametrize("side", ["old", "new"])
def test_an_invalid_side_is_reported_at_its_label(repo, side):
    broken = "format: negdocs/v1\ntitle: B\ncontext: sale\n"
    if side == "old":
        repo.write("playbooks/acme.yaml", broken)
        git(repo.root, "commit", "-qam", "broken")
        repo.write("playbooks/acme.yaml", yaml.safe_dump(BASE, sort_keys=False))
    else:
        repo.write("playbooks/acme.yaml", broken)
    label = "HEAD:playbooks/acme.yaml" if side == "old" else "playbooks/acme.yaml"
    for args in (("diff", "--rev", "HEAD"), ("diff", "HEAD:playbooks/acme.yaml", "playbooks/acme.yaml")):
        result = repo.run(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"{label}:3: error schema: context: 'sale' is not allowed"), result.stderr


@pytest.mark.parametrize("change_", ["modified", "removed"])
def test_rev_holds_the_old_side_to_the_size_limit(repo, change_):
    repo.write("playbooks/big.yaml", "format: negdocs/v1\ntitle: Big\ncontext: sales\n" + "# padding\n" * 110_000)
    git(repo.root, "add", "playbooks/big.yaml")
    git(repo.root, "commit", "-qm", "big")
    if change_ == "removed":
        (repo.root / "playbooks/big.yaml").unlink()
    else:
        repo.write("playbooks/big.yaml", "format: negdocs/v1\ntitle: Big\ncontext: sales\n")
    result = repo.run("diff", "--rev", "HEAD")
    assert result.exit_code == 1
    assert result.stderr.startswith("HEAD:playbooks/big.yaml:1: error yaml: file is 1,100,045 bytes"), result.stderr


def test_the_old_side_is_named_by_its_path_even_with_a_colon(repo):
    """The id of a deal without `id:` comes from its file name, on both sides alike."""
    repo.write("playbooks/x:Bad.yaml", "format: negdocs/v1\ntitle: B\ncontext: sales\n")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "bad name")
    message = "HEAD:playbooks/x:Bad.yaml:1: error schema: the file name 'x:Bad.yaml' is not a valid id"
    result = repo.run("diff", "HEAD:playbooks/x:Bad.yaml", "playbooks/acme.yaml")
    assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
    (repo.root / "playbooks/x:Bad.yaml").unlink()
    result = repo.run("diff", "--rev", "HEAD")
    assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr


def test_rev_labels_a_deal_outside_the_project_as_a_path_from_it(repo):
    """`diff --rev REV ..` may reach deals beside the project: their labels work as typed."""
    project = repo.root / "project"
    (project / "playbooks").mkdir(parents=True)
    (repo.root / "playbooks/acme.yaml").rename(project / "playbooks/acme.yaml")
    result = repo.run("diff", "--rev", "HEAD", ".", "--format", "json")  # from the top: both places
    assert [(d["old"], d["status"]) for d in json.loads(result.stdout)] == [
        ("HEAD:playbooks/acme.yaml", "removed"), ("HEAD:project/playbooks/acme.yaml", "added")]
    from negdocs.git.versions import diff_rev

    diffs = diff_rev("HEAD", [repo.root / "playbooks"], project)
    assert [(d.old_label, d.new_label, d.status) for d in diffs] == [
        ("HEAD:../playbooks/acme.yaml", "../playbooks/acme.yaml", "removed")]


def test_diff_reports_the_findings_of_the_strategy_s_scripts(repo):
    """script-long needs the deal's strategy pack: `diff --rev` and `diff A B` load the packs."""
    data = yaml.safe_load((repo.root / "playbooks/acme.yaml").read_text(encoding="utf-8"))
    data["scripts"][1]["say"] = "word " * 46
    repo.write("playbooks/acme.yaml", yaml.safe_dump(data, sort_keys=False))
    for args in (("--rev", "HEAD"), ("HEAD:playbooks/acme.yaml", "playbooks/acme.yaml")):
        result = repo.run("diff", *args)
        assert "  + finding script-long: scripts[1].say: runs to 46 words" in result.stdout, args
