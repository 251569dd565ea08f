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
import tempfile
import time
from pathlib import Path

import pytest

from conftest import LONG_DEAL, MINIMAL, proc_stat, python_children, tree
from negdocs.errors import NegdocsError
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

V = writer.MANIFEST_VERSION
NOT_OURS = f"{MARKER} is not a manifest written by negdocs"
NO_FILES = f"{MARKER} has no valid 'files' table (name -> SHA-256)"
OLD = f"{MARKER} is not a version {V} manifest (an older negdocs wrote it, or it is not negdocs'), so the files in it " \
      "cannot be verified"
MALFORMED = {  # name: (manifest text, the reason given)
    "empty": ("", f"{NOT_OURS} (not valid JSON)"),
    "not json": ("{not json", f"{NOT_OURS} (not valid JSON)"),
    "not utf-8": ("\udcff", f"{NOT_OURS} (not valid JSON)"),
    "a list": ("[]", f"{NOT_OURS} (not a JSON object)"),
    "a string": ('"manifest"', f"{NOT_OURS} (not a JSON object)"),
    "no keys": ("{}", OLD),
    "no files": (json.dumps({"manifest": V, "deals": {}}), NO_FILES),
    "older version": (json.dumps({"manifest": 2, "deals": {}}), OLD),
    "version as text": (json.dumps({"manifest": str(V), "files": {}}), OLD),
    "files a list": (json.dumps({"manifest": V, "files": ["keep.md"]}), NO_FILES),
    "hash not hex": (json.dumps({"manifest": V, "files": {"keep.md": "x" * 64}}), NO_FILES),
    "hash upper case": (json.dumps({"manifest": V, "files": {"keep.md": "A" * 64}}), NO_FILES),
    "hash too long": (json.dumps({"manifest": V, "files": {"keep.md": "a" * 65}}), NO_FILES),
    "hash with a newline": (json.dumps({"manifest": V, "files": {"keep.md": "a" * 64 + "\n"}}), NO_FILES),
    "hash a number": (json.dumps({"manifest": V, "files": {"keep.md": 1}}), NO_FILES),
    "lists nothing": (json.dumps({"manifest": V, "files": {}}), "it holds 'keep.md', which negdocs did not write"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, f"{NOT_OURS} (not valid JSON)"),
}


@pytest.mark.parametrize("manifest, reason", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("command", ["build", "index"])
def test_an_unverifiable_manifest_is_refused_and_nothing_is_written(make_project, manifest, reason, command):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine"})
    (project.root / "docs" / MARKER).write_bytes(manifest.encode("utf-8", "surrogateescape"))
    before = tree(project.root / "docs")
    if command == "build":
        result = project.run("build", "--no-pdf", "--out", "docs")
        advice = "delete it yourself or choose another --out"
    else:  # docs/ is a shard to merge
        result = project.run("index", "docs", "--out", "site")
        advice = "build this shard again"
    assert result.exit_code == 2, result.output
    action = "replace" if command == "build" else "merge"
    assert result.stderr.splitlines()[0] == f"docs: error usage: refusing to {action} docs/: {reason}; {advice}"
    assert "Traceback" not in result.output
    assert tree(project.root / "docs") == before
    assert sorted(p.name for p in project.root.iterdir()) == ["docs", "playbooks"]  # no site/, no staging


def test_a_manifest_at_the_size_limit_is_read(make_project, monkeypatch):
    project = make_project({"playbooks/guide.yaml": MINIMAL, "docs/keep.md": "mine", f"docs/{MARKER}": "[1, 2, 3]"})
    monkeypatch.setattr(writer, "MAX_MANIFEST", 9)
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2 and f"{NOT_OURS} (not a JSON object)" in result.stderr
    monkeypatch.setattr(writer, "MAX_MANIFEST", 8)
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2 and f"{MARKER} is 9 bytes, more than negdocs ever writes (0 MiB)" in result.stderr


def test_names_are_shown_whole_up_to_80_characters(make_project):
    project = make_project({"playbooks/guide.yaml": MINIMAL, f"docs/{'x' * 80}": "", f"docs/{'y' * 81}": "",
                            "docs/a": "", "docs/b": "", f"docs/{MARKER}": json.dumps({"manifest": V, "files": {}})})
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert f"it holds 'a', 'b', '{'x' * 80}' and 1 more, which negdocs did not write" in result.stderr
    (project.root / "docs/a").unlink()
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert f"it holds 'b', '{'x' * 80}', '{'y' * 77}...', which negdocs did not write" in result.stderr


def test_many_unknown_files_are_named_briefly(make_project):
    files = {f"docs/{name}": "x" for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e" * 90 + ".txt")}
    project = make_project({"playbooks/guide.yaml": MINIMAL, **files})
    project.write(f"docs/{MARKER}", json.dumps({"manifest": V, "files": {}}))
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert "it holds 'a.txt', 'b.txt', 'c.txt' and 2 more, which negdocs did not write" in result.stderr
    project.write(f"docs/{MARKER}", _manifest_for(project.root / "docs"))
    for name in ("a.txt", "b.txt", "e" * 90 + ".txt"):
        project.write(f"docs/{name}", "changed")
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert f"'a.txt', 'b.txt', '{'e' * 77}...' changed since negdocs wrote them; move your changes elsewhere, then " \
           "delete it or choose another --out" in result.stderr
    project.write(f"docs/{MARKER}", _manifest_for(project.root / "docs"))
    for name in ("a.txt", "b.txt"):
        (project.root / "docs" / name).unlink()
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert f"'a.txt', 'b.txt' listed in {MARKER} are missing" in result.stderr
    assert project.run("index", "docs").exit_code == 2  # a shard is held to the same terms


def test_a_pipe_in_the_folder_or_a_file_for_a_folder_is_refused(make_project, tmp_path):
    project = make_project({"playbooks/guide.yaml": MINIMAL})
    assert project.run("build", "--no-pdf").exit_code == 0
    os.mkfifo(project.root / "build/pipe")
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 2 and "'pipe' is a link or a special file, which negdocs never writes" in result.stderr
    merged = project.run("index", "build", "--out", "site")  # the same folder as a shard to merge
    assert merged.exit_code == 2 and merged.stderr.splitlines()[0] == (
        "build: error usage: refusing to merge build/: 'pipe' is a link or a special file, which negdocs never writes; "
        "build this shard again")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(NegdocsError, match=r"refusing to replace a-file/: it is not a folder; delete it yourself") as refused:
        writer.Staging(tmp_path / "a-file")
    assert [(p.line, p.rule, p.severity) for p in refused.value.problems] == [(0, "usage", "error")]
    assert (tmp_path / "a-file").read_text() == "not a folder"


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
    os.symlink(outside.parent, project.root / "build/assets/folder")  # a link to a folder is not followed either
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 2 and "'assets/folder' is a link or a special file" in result.stderr
    assert outside.read_text() == "not negdocs'"
    (project.root / "build/assets/folder").unlink()
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
    assert "a.html" in listed and "b.html" in listed


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


def test_files_carried_over_are_listed_with_the_hash_of_what_was_carried(tmp_path):
    out = tmp_path / "out"
    with writer.Staging(out) as stage:
        stage.write("a.html", b"old")
        stage.write("b.html", b"kept")
        stage.commit({})
    (tmp_path / "shard.html").write_bytes(b"new")
    with writer.Staging(out) as stage:
        stage.link("a.html", tmp_path / "shard.html")  # same name as before, other bytes
        stage.link("b.html", out / "b.html")  # carried over from the previous build
        stage.commit({})
    assert writer.read_manifest(out)["files"] == {"a.html": hashlib.sha256(b"new").hexdigest(),
                                                  "b.html": hashlib.sha256(b"kept").hexdigest()}
    assert (out / "a.html").read_bytes() == b"new"


def test_a_file_from_another_file_system_is_copied(tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs a second file system (/dev/shm) to make a hard link fail")
    other = Path(tempfile.mkdtemp(dir=shm))
    try:
        (other / "a.html").write_bytes(b"elsewhere")
        with writer.Staging(tmp_path / "out") as stage:
            stage.link("a.html", other / "a.html")
            stage.commit({})
        assert (tmp_path / "out/a.html").read_bytes() == b"elsewhere"
        assert writer.read_manifest(tmp_path / "out")["files"] == {"a.html": hashlib.sha256(b"elsewhere").hexdigest()}
    finally:
        shutil.rmtree(other)


def test_two_outputs_with_one_name_or_the_manifest_name_are_refused(tmp_path):
    with pytest.raises(NegdocsError, match="two outputs have this name") as twice:
        with writer.Staging(tmp_path / "out") as stage:
            stage.write("a.html", b"1")
            stage.write("a.html", b"2")
    assert [(p.path, p.line, p.message, p.rule) for p in twice.value.problems] == [
        ("a.html", 0, "two outputs have this name", "duplicate-id")]
    with pytest.raises(NegdocsError, match="two outputs have this name"):
        with writer.Staging(tmp_path / "out") as stage:
            stage.write(MARKER, b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


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
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # stands for a running build
    try:
        project = make_project({"playbooks/g.yaml": MINIMAL, ".build.old-999999/mine.txt": "not a build"})
        assert project.run("build", "--no-pdf").exit_code == 0
        shutil.copytree(project.root / "build", project.root / f".build.old-{live.pid}")  # verifies, but in use
        shutil.copytree(project.root / "build", project.root / f".build.staging-{live.pid}")
        assert project.run("build", "--no-pdf").exit_code == 0
        assert project.files(".build.old-999999") == ["mine.txt"]
        assert _siblings(project) == [f".build.old-{live.pid}", ".build.old-999999", f".build.staging-{live.pid}"]
        assert live.poll() is None  # asking whether it lives did not signal it
    finally:
        live.kill()
        live.wait()
    assert project.run("build", "--no-pdf").exit_code == 0  # its owner gone, both are tidied up
    assert _siblings(project) == [".build.old-999999"]


def test_this_process_own_leftovers_are_not_taken_for_a_live_build(tmp_path):
    out = tmp_path / "out"
    with writer.Staging(out) as stage:
        stage.write("a.html", b"a")
        stage.commit({})
    os.rename(out, tmp_path / f".out.old-{os.getpid()}")  # this very process was killed mid-swap, long ago
    with pytest.raises(NegdocsError):
        with writer.Staging(out):  # recovers first
            assert (out / "a.html").read_bytes() == b"a"
            raise NegdocsError("stop")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


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


# -- no PDF worker outlives its build ------------------------------------------------------

def _gone(pid: int, started: str) -> bool:
    """The process is gone (or a zombie nobody reaped), and not just its pid reused."""
    try:
        fields = proc_stat(pid)
    except FileNotFoundError:
        return True
    return fields[0] in "ZX" or fields[19] != started


def _wait_gone(pids: dict[int, str], cap: float) -> list[int]:
    """Poll until every process is gone; the cap only ends the test, it measures nothing."""
    deadline = time.monotonic() + cap
    while time.monotonic() < deadline and not all(_gone(p, s) for p, s in pids.items()):
        time.sleep(0.1)
    return [p for p, s in pids.items() if not _gone(p, s)]


def _assert_all_gone(pids: dict[int, str], cap: float, what: str) -> None:
    left = _wait_gone(pids, cap)
    for orphan in left:  # do not leave them running when the test fails
        os.kill(orphan, signal.SIGKILL)
    assert left == [], what


ORPHAN = """
import multiprocessing, os, sys, time
from negdocs.render.pdf import die_with_parent

def child(parent):
    die_with_parent(parent, prctl={prctl}, watchdog={watchdog})
    os.write(1, b"armed\\n")  # one write each (under PIPE_BUF): the two lines never interleave
    time.sleep(600)

if __name__ == "__main__":
    worker = multiprocessing.get_context("fork").Process(target=child, args=(os.getpid(),))
    worker.start()
    os.write(1, f"{{worker.pid}}\\n".encode())
    time.sleep(600)
"""


@pytest.mark.parametrize("prctl, watchdog", [(True, False), (False, True)], ids=["pdeathsig", "watchdog"])
def test_each_guard_alone_ends_a_worker_whose_parent_was_killed(tmp_path, prctl, watchdog):
    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN.format(prctl=prctl, watchdog=watchdog))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        lines = sorted([parent.stdout.readline(), parent.stdout.readline()])  # in either order
        assert lines[1] == "armed\n"
        pid = int(lines[0])
        started = proc_stat(pid)[19]
        parent.kill()
        parent.wait()
        _assert_all_gone({pid: started}, 60, "the worker outlived its killed parent")
    finally:
        parent.kill()
        parent.wait()


@pytest.mark.pdf
def test_a_busy_pdf_worker_dies_when_its_build_is_killed(make_project):
    """The worker is killed mid-document (a long one, over 15 s of rendering): without the
    guards it renders on for that long after its build is gone."""
    project = make_project({"playbooks/big.yaml": LONG_DEAL})
    env = {**os.environ, "NEGDOCS_PDF_TIMEOUT": "600"}
    build = subprocess.Popen([sys.executable, "-m", "negdocs", "build", "--jobs", "1"], cwd=project.root, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    busy = 2 * os.sysconf("SC_CLK_TCK")  # 2 s of CPU: past importing WeasyPrint, into the document
    workers: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 300
        while not workers and build.poll() is None and time.monotonic() < deadline:
            workers = {pid: fields[19] for pid, fields in python_children(build.pid).items()
                       if int(fields[11]) + int(fields[12]) >= busy}  # a worker at work
            time.sleep(0.05)
        assert workers, f"the build never got its PDF worker busy (exit code {build.poll()})"
        build.kill()  # SIGKILL: no cleanup code of the build runs
        build.wait()
        _assert_all_gone(workers, 10, "the PDF worker rendered on after its build was killed")
    finally:
        build.kill()
        build.wait()


def test_index_refusals_say_merge_and_what_to_do(make_project):
    """Each refusal of a shard names the action (merge) and its own advice, with the exact reason."""
    project = make_project({"playbooks/g.yaml": MINIMAL, "plain/notes.txt": "not a build"})
    first = lambda result: result.stderr.splitlines()[0]  # noqa: E731
    assert first(project.run("index", "plain", "--out", "site")) == (
        f"plain: error usage: refusing to merge plain/: it was not written by negdocs (it has no {MARKER}); "
        "build this shard again")
    assert project.run("build", "--no-pdf").exit_code == 0
    manifest = (project.root / "build" / MARKER).read_bytes()
    project.write("build/g.html", "edited by hand")
    assert first(project.run("index", "build", "--out", "site")) == (
        "build: error usage: refusing to merge build/: 'g.html' changed since negdocs wrote it; build this shard again")
    (project.root / "build" / MARKER).unlink()
    (project.root / "build" / MARKER).mkdir()
    assert first(project.run("index", "build", "--out", "site")) == (
        f"build: error usage: refusing to merge build/: {MARKER} is not a regular file; build this shard again")
    (project.root / "build" / MARKER).rmdir()
    with open(project.root / "build" / MARKER, "wb") as sparse:  # no disk used: a hole
        sparse.write(manifest)
        sparse.truncate(writer.MAX_MANIFEST + 1)
    assert first(project.run("index", "build", "--out", "site")) == (
        f"build: error usage: refusing to merge build/: {MARKER} is {writer.MAX_MANIFEST + 1} bytes, more than "
        "negdocs ever writes (128 MiB); build this shard again")
    assert not (project.root / "site").exists()


def test_a_folder_that_is_not_a_build_is_refused_with_its_reason(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL, "docs/keep.md": "mine"})
    result = project.run("build", "--no-pdf", "--out", "docs")
    assert result.exit_code == 2 and result.stderr.splitlines()[0] == (
        f"docs: error usage: refusing to replace docs/: it is not empty and was not written by negdocs (it has no "
        f"{MARKER}); delete it yourself or choose another --out")


@pytest.mark.parametrize("command", ["build", "index"])
def test_an_output_folder_under_a_file_is_a_clear_error(make_project, command):
    project = make_project({"playbooks/g.yaml": MINIMAL, "notes.txt": "a file"})
    if command == "index":
        assert project.run("build", "--no-pdf").exit_code == 0
    args = ["build", "--no-pdf", "--out"] if command == "build" else ["index", "build", "--out"]
    result = project.run(*args, "notes.txt/site")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == ("notes.txt/site: error usage: cannot create the output folder: notes.txt "
                                             "is a file, not a folder; choose another --out")
    assert (project.root / "notes.txt").read_text() == "a file"


def test_outputs_go_into_folders_that_do_not_exist_yet(make_project, tmp_path):
    project = make_project({"playbooks/g.yaml": MINIMAL})
    assert project.run("build", "--no-pdf", "--out", "new/deeper/site").exit_code == 0
    assert (project.root / "new/deeper/site/g.html").is_file()
    with writer.Staging(tmp_path / "out") as stage:
        stage.write("proposal/acme/priya.html", b"x")  # two folders that do not exist yet
        stage.commit({})
    assert (tmp_path / "out/proposal/acme/priya.html").read_bytes() == b"x"


def test_a_staging_folder_left_with_this_process_id_is_replaced(tmp_path):
    leftover = tmp_path / f".out.staging-{os.getpid()}"  # an earlier build in this process, or a reused id
    leftover.mkdir()
    (leftover / "half.html").write_bytes(b"half")
    with writer.Staging(tmp_path / "out") as stage:
        stage.write("a.html", b"a")
        stage.commit({})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MARKER, "a.html"]


def test_recovery_goes_on_past_an_old_copy_a_live_build_owns(tmp_path):
    out = tmp_path / "out"
    with writer.Staging(out) as stage:
        stage.write("a.html", b"a")
        stage.commit({})
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        shutil.copytree(out, tmp_path / f".out.old-{live.pid}")  # sorts first: a live build's
        os.rename(out, tmp_path / ".out.old-9999999")  # above any process id: a killed build's
        with pytest.raises(NegdocsError):
            with writer.Staging(out):  # recovers first
                assert (out / "a.html").read_bytes() == b"a"
                raise NegdocsError("stop")
        assert sorted(p.name for p in tmp_path.iterdir()) == [f".out.old-{live.pid}", "out"]
    finally:
        live.kill()
        live.wait()


def test_a_live_builds_folders_are_left_alone_whatever_the_output_is_called(tmp_path):
    out = tmp_path / "deal-desk-site"  # hyphens in the name: the process id is what follows the last one
    with writer.Staging(out) as stage:
        stage.write("a.html", b"a")
        stage.commit({})
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        shutil.copytree(out, tmp_path / f".deal-desk-site.old-{live.pid}")
        shutil.copytree(out, tmp_path / f".deal-desk-site.staging-{live.pid}")
        with writer.Staging(out) as stage:
            stage.write("b.html", b"b")
            stage.commit({})
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            f".deal-desk-site.old-{live.pid}", f".deal-desk-site.staging-{live.pid}", "deal-desk-site"]
    finally:
        live.kill()
        live.wait()
