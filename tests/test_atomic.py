"""The output folder: all or nothing, never over a folder negdocs did not write, and no
PDF worker outlives its build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL, tree
from negdocs.output import writer

MARKER = writer.MARKER


def _siblings(project, name="build"):
    """What a build leaves next to its output folder: staging or old copies."""
    return sorted(p.name for p in project.root.iterdir() if p.name.startswith(f".{name}."))


def _manifest_for(folder: Path, **extra) -> str:
    """A manifest that lists exactly the files of ``folder`` with their hashes."""
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}
    return json.dumps({"manifest": writer.MANIFEST_VERSION, "files": files, **extra})


# -- a folder negdocs did not write is never replaced ---------------------------------------

MALFORMED = {
    "empty": "",
    "not json": "{not json",
    "a list": "[]",
    "a string": '"manifest"',
    "no keys": "{}",
    "no files": json.dumps({"manifest": writer.MANIFEST_VERSION, "deals": {}}),
    "older version": json.dumps({"manifest": 2, "deals": {}}),
    "version as text": json.dumps({"manifest": str(writer.MANIFEST_VERSION), "files": {}}),
    "files a list": json.dumps({"manifest": writer.MANIFEST_VERSION, "files": ["keep.md"]}),
    "hash not hex": json.dumps({"manifest": writer.MANIFEST_VERSION, "files": {"keep.md": "x" * 64}}),
    "hash a number": json.dumps({"manifest": writer.MANIFEST_VERSION, "files": {"keep.md": 1}}),
    "lists nothing": json.dumps({"manifest": writer.MANIFEST_VERSION, "files": {}}),
    "deeply nested": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("manifest", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("command", ["build", "index"])
def test_an_unverifiable_manifest_is_refused_and_nothing_is_written(make_project, manifest, command):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine", f"docs/{MARKER}": manifest})
    before = tree(project.root / "docs")
    if command == "build":
        result = project.run("build", "--no-pdf", "--out", "docs")
    else:  # docs/ is a shard to merge
        result = project.run("index", "docs", "--out", "site")
    assert result.exit_code == 2, result.output
    line = result.stderr.splitlines()[0]
    action = "replace" if command == "build" else "merge"
    assert line.startswith(f"docs: error usage: refusing to {action} docs/: "), line
    assert "Traceback" not in result.output
    assert tree(project.root / "docs") == before
    assert sorted(p.name for p in project.root.iterdir()) == ["docs", "playbooks"]  # no site/, no staging


def test_a_huge_manifest_is_refused_without_reading_it(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine"})
    with open(project.root / "docs" / MARKER, "wb") as handle:
        handle.truncate(writer.MAX_MANIFEST + 1)  # sparse: costs no disk
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2
    assert f"{MARKER} is {writer.MAX_MANIFEST + 1} bytes, more than negdocs ever writes" in result.stderr
    assert project.files("docs") == [MARKER, "keep.md"]


def test_a_manifest_that_is_not_a_regular_file_is_refused(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine", "elsewhere.json": "{}"})
    os.symlink(project.root / "elsewhere.json", project.root / "docs" / MARKER)
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2 and f"{MARKER} is not a regular file" in result.stderr
    assert project.files("docs") == [MARKER, "keep.md"]


def test_only_a_manifest_listing_exactly_the_files_present_with_their_hashes_is_trusted(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine", "docs/sub/more.md": "more"})
    docs = project.root / "docs"
    good = _manifest_for(docs)
    project.write(f"docs/{MARKER}", good)
    project.write("docs/notes.txt", "written by hand after the manifest")
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2
    assert "docs/: it holds 'notes.txt', which negdocs did not write" in result.stderr
    (docs / "notes.txt").unlink()
    (docs / "sub/more.md").unlink()
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2 and f"'sub/more.md' listed in {MARKER} is missing" in result.stderr
    project.write("docs/sub/more.md", "changed")
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2 and "'sub/more.md' changed since negdocs wrote it" in result.stderr
    project.write("docs/sub/more.md", "more")
    assert project.files("docs") == [MARKER, "keep.md", "sub/more.md"]
    assert project.run("build", "--no-pdf", "--out", "docs").exit_code == 0  # the manifest verifies: replaced
    assert "keep.md" not in project.files("docs") and "guide.html" in project.files("docs")


def test_a_link_or_a_changed_file_in_a_built_folder_is_refused(make_project, tmp_path_factory):
    project = make_project({"playbooks/guide.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("not negdocs'")
    os.symlink(outside, project.root / "build/assets/link.txt")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 2 and "'assets/link.txt' is a link or a special file" in result.stderr
    assert outside.read_text() == "not negdocs'"
    (project.root / "build/assets/link.txt").unlink()
    project.write("build/index.html", "edited by hand")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 2 and "'index.html' changed since negdocs wrote it" in result.stderr
    assert (project.root / "build/index.html").read_text() == "edited by hand"


def test_the_manifest_lists_every_file_with_its_hash_also_after_an_incremental_build(make_project):
    project = make_project({"playbooks/a.yaml": MINIMAL, "playbooks/b.yaml": MINIMAL.replace("Guide", "Other")})
    assert project.run("build", "--no-pdf", "--edition", "all").exit_code == 0
    project.write("playbooks/b.yaml", MINIMAL.replace("Guide", "Changed"))
    assert project.run("build", "--no-pdf", "--edition", "all").exit_code == 0  # a.html carried over by a link
    build = project.root / "build"
    listed = json.loads((build / MARKER).read_text())["files"]
    assert listed == json.loads(_manifest_for(build))["files"]
    assert "a.html" in listed and "proposal/b.html" in listed


def test_a_verified_manifest_with_malformed_deal_records_rebuilds_or_is_refused_by_index(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    build = project.root / "build"
    for deals in ([], {"playbooks/guide.yaml": []}, {"playbooks/guide.yaml": {"key": 1}},
                  {"playbooks/guide.yaml": {**json.loads((build / MARKER).read_text())["deals"]["playbooks/guide.yaml"],
                                            "findings": [{"path": "x"}]}}):
        project.write(f"build/{MARKER}", _manifest_for(build, deals=deals))
        merged = project.run("index", "build", "--out", "site")
        assert merged.exit_code == 2 and f"{MARKER} has malformed deal records" in merged.stderr, merged.output
        result = project.run("build", "--no-pdf")
        assert result.exit_code == 0, result.output
        assert "1 deal file rebuilt" in result.stdout  # nothing taken from the malformed record


# -- a failed or killed build leaves the previous output as it was ---------------------------

def test_a_failed_build_leaves_no_staging_folder_and_the_old_site(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    before = tree(project.root / "build")
    project.write("playbooks/g.yaml", MINIMAL.replace("context: sales", "context: sale"))
    assert project.run("build", "--no-pdf").exit_code == 1  # fails after staging began
    assert _siblings(project) == []
    project.write("playbooks/g.yaml", MINIMAL)
    project.write("templates/index.html", "{{ 1 / 0 }}")  # fails while writing the index, late in the build
    assert project.run("build", "--no-pdf").exit_code == 1
    assert _siblings(project) == []
    assert tree(project.root / "build") == before


def test_killed_swap_is_recovered_before_anything_else(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    before = tree(project.root / "build")
    # a build killed between the two renames of the swap: build/ is gone, its old copy remains
    os.rename(project.root / "build", project.root / ".build.old-999999")
    project.write("playbooks/g.yaml", MINIMAL.replace("context: sales", "context: sale"))
    assert project.run("build", "--no-pdf").exit_code == 1  # this build fails, but recovered first
    assert tree(project.root / "build") == before
    assert _siblings(project) == []


def test_recovery_leaves_alone_what_it_cannot_verify_or_a_live_build_owns(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL, ".build.old-999999/mine.txt": "not a build",
                            ".build.old-1/x.html": "owned by a live process (pid 1)"})
    assert project.run("build", "--no-pdf").exit_code == 0
    assert project.files(".build.old-999999") == ["mine.txt"]
    assert project.files(".build.old-1") == ["x.html"]
    assert "g.html" in project.files()


def test_a_stale_old_copy_is_removed_when_the_output_exists(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    shutil.copytree(project.root / "build", project.root / ".build.old-999999")
    project.write("playbooks/g.yaml", MINIMAL.replace("Guide", "New"))
    assert project.run("build", "--no-pdf").exit_code == 0
    assert _siblings(project) == [] and "New" in (project.root / "build/g.html").read_text()


@pytest.mark.pdf
@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5])
def test_killed_build_leaves_previous_output(make_project, delay):
    project = make_project({f"playbooks/guide-{n}.yaml": MINIMAL.replace("Guide", f"Guide {n}") for n in range(6)})
    assert project.run("build", "--no-pdf").exit_code == 0
    before = tree(project.root / "build")
    proc = subprocess.Popen([sys.executable, "-m", "negdocs", "build", "--jobs", "1"], cwd=project.root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree(project.root / "build") == before
    # The next build cleans up what the killed one left behind and succeeds.
    assert project.run("build", "--no-pdf").exit_code == 0
    assert _siblings(project) == []
