"""Inputs that try to make negdocs use unbounded memory or time fail fast as file:line errors.

Resource use is checked in a child process capped with setrlimit (address space and CPU
seconds), never with a wall clock: a regression runs out of its budget on any machine.
"""

from __future__ import annotations

from conftest import MINIMAL, run_limited

# The review's file: one 400 KB string and a list of 90,000 aliases to it (~760 KB on disk,
# 90,000 values, 36 GB of text once expanded).
ALIAS_WEIGHT = MINIMAL + "notes: &a " + "x" * 400_000 + "\nbatna:\n  strengthen: [" + ", ".join(["*a"] * 90_000) + "]\n"


def test_aliases_to_a_large_value_fail_fast_within_200_mb(make_project):
    project = make_project({"playbooks/bomb.yaml": ALIAS_WEIGHT})
    assert 700_000 < len(ALIAS_WEIGHT) < 800_000
    for command in (["check"], ["build", "--no-pdf"]):
        result = run_limited(command, project.root, memory_mb=200, cpu_s=2)
        stderr = result.stdout.decode() + result.stderr.decode()  # check reports on stdout
        assert result.returncode == 1, (command, result.returncode, stderr[-2000:])
        assert ("playbooks/bomb.yaml:6: error yaml: aliases expand to more than 2,097,152 characters of text; "
                "simplify the anchors") in stderr
        assert "Traceback" not in stderr
    assert not (project.root / "build").exists()


def test_a_page_over_the_size_limit_fails_before_anything_is_written(make_project):
    # 1 MiB of '<' is a valid title; escaped and shown in several places it would make a page of
    # tens of MB: rendering stops at the limit, reported at the deal file
    project = make_project({"playbooks/wide.yaml": MINIMAL.replace("title: Guide", 'title: "' + "<" * 1_040_000 + '"')})
    result = run_limited(["build", "--no-pdf"], project.root, memory_mb=300, cpu_s=5)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr[-2000:]
    assert stderr.splitlines()[0] == ("playbooks/wide.yaml:1: error size: the page internal.html would be over 8,388,608 "
                                      "characters; negdocs stops there: shorten the longest texts of the file or split it")
    assert not (project.root / "build").exists()


def test_markdown_is_capped_per_deal_and_the_cap_renders_within_limits(make_project):
    def block(key: str, item: str) -> str:  # the costliest Markdown per character: a list item is a dozen objects
        return f"{key}: |\n" + f"  - {item}\n" * 24_000

    project = make_project({"playbooks/notes.yaml": MINIMAL + block("summary", "a") + block("notes", "b")})
    result = project.run("check")
    assert result.exit_code == 1
    assert ("playbooks/notes.yaml:24005: error schema: notes: the deal's Markdown (summary, notes, review, proposal.intro) "
            "reaches 192,000 characters here; the limit is 100,000 in all: shorten it, or link to a longer document"
            ) in result.stdout
    project.write("playbooks/notes.yaml", MINIMAL + block("notes", "b"))
    result = run_limited(["build", "--no-pdf"], project.root, memory_mb=300, cpu_s=8)
    assert result.returncode == 0, result.stderr.decode()[-2000:]


def test_many_values_without_aliases_get_a_message_about_size(make_project):
    project = make_project({"playbooks/many.yaml": MINIMAL + "batna:\n  strengthen: [" + ",".join(["x"] * 100_001) + "]\n"})
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stdout == ("playbooks/many.yaml:5: error yaml: the file holds more than 100,000 values; a deal file this "
                             "large cannot be a plan, split it\n")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    import os

    import pytest

    from negdocs.errors import NegdocsError
    from negdocs.load.loader import read_source

    os.mkfifo(tmp_path / "pipe.yaml")  # no writer: a plain open() would block here for ever
    with pytest.raises(NegdocsError) as caught:
        read_source(tmp_path / "pipe.yaml", "pipe.yaml", root=tmp_path)
    assert str(caught.value) == "pipe.yaml:1: error yaml: not a regular file"


def test_many_unknown_names_do_not_cost_a_search_each(make_project):
    # 1,500 evidence ids and 5,000 dangling references: a "did you mean" search for each would
    # compare 7.5 million pairs (over 10 s of CPU); only the first 100 of a file get one
    evidence = ",".join(f"{{id: e{k}, kind: other, summary: s}}" for k in range(1_500))
    refs = ",".join(f"e{k}x" for k in range(5_000))
    project = make_project({"playbooks/r.yaml": MINIMAL + f"evidence: [{evidence}]\nbatna: {{evidence: [{refs}]}}\n"})
    result = run_limited(["check"], project.root, memory_mb=300, cpu_s=5)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 1 and len(lines) == 5_000, result.stderr.decode()[-2000:]
    assert "playbooks/r.yaml:5: error reference: batna.evidence[0]: unknown evidence 'e0x' (did you mean 'e0'?)" in lines
    assert "playbooks/r.yaml:5: error reference: batna.evidence[4999]: unknown evidence 'e4999x'" in lines
