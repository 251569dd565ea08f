"""Values from the security review (issue 11, item 8) that gave a traceback or a wrong message."""

from __future__ import annotations

import subprocess

import pytest

from conftest import MINIMAL

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{}</svg>'


@pytest.mark.parametrize("name", ["a" * 300 + ".svg", "b/" * 2100 + "logo.png", "x\0y.svg"])
def test_an_unusable_logo_name_is_an_error_not_a_traceback(make_project, name):
    project = make_project({"playbooks/g.yaml": MINIMAL, "negdocs.yaml": f"logo: {name!r}\n".replace("\\x00", "\\0")})
    for command in (["check"], ["build", "--no-pdf"]):
        result = project.run(*command)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("negdocs.yaml:1: error ")
        assert "logo: " in result.stderr and "Traceback" not in result.output
    assert not (project.root / "build").exists()


def test_new_refuses_an_id_with_a_trailing_newline(make_project):
    project = make_project()
    result = project.run("new", "sales", "acme\n")
    assert result.exit_code == 2
    assert not (project.root / "playbooks").exists()


def test_a_file_name_with_a_newline_is_not_an_id_and_cannot_forge_a_line(make_project):
    project = make_project({"playbooks/acme\n.yaml": MINIMAL, "playbooks/fine.yaml": MINIMAL})
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "playbooks/acme\\x0a.yaml:1: error schema: the file name 'acme\\n.yaml' is not a valid id; rename the file or add "
        "an `id:` (lowercase letters, digits and hyphens)"]


def test_a_git_blob_over_the_size_limit_is_refused(make_project):
    big = MINIMAL + "notes: |\n" + ("  " + "x" * 98 + "\n") * 11_000
    project = make_project({"playbooks/g.yaml": big})
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(project.root), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "big"]):
        subprocess.run(["git", *args], cwd=project.root, check=True, capture_output=True, env=env)
    project.write("playbooks/g.yaml", MINIMAL)
    result = project.run("diff", "HEAD:playbooks/g.yaml", "playbooks/g.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("HEAD:playbooks/g.yaml:1: error yaml: file is 1,111,056 bytes; the limit "
                                             "is 1,048,576 bytes")


@pytest.mark.parametrize("body, reference", [
    ('<image xlink:href="https://evil.example.com/x.png" width="10" height="10"/>', "'https://evil.example.com/x.png'"),
    ('<image href="file:///etc/hostname"/>', "'file:///etc/hostname'"),
    ('<rect style="fill: url(http://evil.example.com/p.svg#g)"/>', "'http://evil.example.com/p.svg#g'"),
    ('<style>@import "https://evil.example.com/a.css";</style>', "'@import'"),
    ('<use href="other.svg#logo"/>', "'other.svg#logo'"),
    ('<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>', "'data:image/svg+xml,...'"),
])
def test_an_svg_logo_with_outside_references_is_refused_by_name(make_project, body, reference):
    project = make_project({"playbooks/g.yaml": MINIMAL, "brand/logo.svg": SVG.format(body),
                            "negdocs.yaml": "logo: brand/logo.svg\n"})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"negdocs.yaml:1: error schema: logo: 'brand/logo.svg' refers to {reference} outside the SVG; a logo must be "
        "self-contained (negdocs fetches nothing): embed or remove the reference")
    assert "base64" not in result.output


@pytest.mark.parametrize("name, data, message", [
    ("logo.svg", SVG.format('<use href="#a"/><rect id="a" style="fill: url(#g)"/>'), None),
    ("logo.svg", '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     "holds a DOCTYPE or ENTITY declaration; save the SVG without one"),
    ("logo.svg", SVG.format('<script>alert(1)</script>'), "holds a <script> element; a logo is a plain image: remove it"),
    ("logo.svg", "<svg", "is not a well-formed SVG file (line 1: unclosed token)"),
    ("logo.png", "<svg/>", "is not a PNG image (its first bytes say otherwise)"),
])
def test_logo_content_is_checked(make_project, name, data, message):
    project = make_project({"playbooks/g.yaml": MINIMAL, f"brand/{name}": data, "negdocs.yaml": f"logo: brand/{name}\n"})
    result = project.run("build", "--no-pdf")
    if message is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.stderr.splitlines()[0] == f"negdocs.yaml:1: error schema: logo: 'brand/{name}' {message}"


def test_pdf_messages_never_quote_a_data_uri():
    from negdocs.render.pdf import scrub

    uri = "data:image/svg+xml;base64," + "PHN2Zz4" * 400
    assert scrub(f'Image "{uri}" not found') == 'Image "data:image/svg+xml,..." not found'
    assert scrub("Failed to load data:,hello") == "Failed to load data:,..."


@pytest.mark.parametrize("raw", [b"[", b"{a: ", b'"open', b"format: negdocs/v1\ntitle: ["])
def test_a_syntax_error_at_the_end_points_at_a_line_of_the_file(raw):
    from negdocs.errors import NegdocsError
    from negdocs.load.loader import read_source

    with pytest.raises(NegdocsError) as caught:  # found by the fuzz campaign: libyaml's end mark is past the end
        read_source(None, "f.yaml", raw=raw)
    assert caught.value.problems[0].line == raw.count(b"\n") + 1


def test_a_huge_key_is_shortened_in_messages(make_project):
    key = "k" * 100_000
    project = make_project({"playbooks/g.yaml": MINIMAL + f"review:\n  ? {key}\n  : [1]\n"})
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stdout == f"playbooks/g.yaml:5: error schema: review.{'k' * 37}...: input should be a valid string, got a list\n"


def test_every_reader_is_held_to_the_size_limit_in_parse():
    from negdocs.errors import NegdocsError
    from negdocs.load.loader import MAX_BYTES, parse

    for text in ("#" * (MAX_BYTES + 1), "#" + "é" * (MAX_BYTES // 2)):  # characters or UTF-8 bytes over the limit
        with pytest.raises(NegdocsError) as caught:
            parse(text, "HEAD:g.yaml")
        assert str(caught.value).startswith("HEAD:g.yaml:1: error yaml: file is 1,048,57")
