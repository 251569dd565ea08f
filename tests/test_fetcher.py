"""The PDF URL fetcher's policy, called directly (fast: no PDF is rendered).

What it promises (README, "Security model"): ``data:`` URLs are served (inline, nothing is
fetched); a ``file:`` URL is served when it names a regular file inside the project once
every link is resolved, with no host but ``localhost``; every other URL (outside files,
link escapes, folders, pipes, missing files, http, https, ftp and any other scheme) is
refused and recorded, so the build can say what it refused.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from negdocs.render.pdf import _fetcher_class, project_file


@pytest.fixture
def layout(tmp_path):
    root = tmp_path / "proj"
    (root / "templates").mkdir(parents=True)
    (root / "templates/style.css").write_text("body { color: red }")
    (root / "templates/my file.css").write_text("spaced")
    (root / "templates/\ufffd.css").write_text("what %ff would name if bad escapes were replaced, not refused")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (tmp_path / "proj-evil").mkdir()
    (tmp_path / "proj-evil/x.css").write_text("sibling with the project's name as prefix")
    os.symlink(outside / "secret.txt", root / "templates/link-out.css")
    os.symlink(outside, root / "linked-dir")
    os.symlink(root / "templates/style.css", root / "link-in.css")
    os.mkfifo(root / "pipe.css")
    return root, outside


def fetch(root: Path, url: str):
    """(bytes served or None, what the fetcher recorded as refused)."""
    refused: list[str] = []
    fetcher = _fetcher_class()(str(root), refused)
    try:
        response = fetcher.fetch(url)
    except ValueError as exc:
        assert str(exc).startswith("negdocs does not fetch ")
        return None, refused
    return response.read(), refused


def uri(path: Path) -> str:
    return path.as_uri()


def test_files_inside_the_project_are_served(layout):
    root, _ = layout
    style = root / "templates/style.css"
    assert fetch(root, uri(style)) == (b"body { color: red }", [])
    assert fetch(root, uri(root / "templates/my file.css")) == (b"spaced", [])  # %20 decoded
    assert fetch(root, f"file://localhost{style}") == (b"body { color: red }", [])
    assert fetch(root, uri(style) + "?v=1#top") == (b"body { color: red }", [])
    assert fetch(root, uri(root / "link-in.css")) == (b"body { color: red }", [])  # a link that stays inside
    assert fetch(root, f"file://{root}/templates/../templates/style.css") == (b"body { color: red }", [])
    refused: list[str] = []
    response = _fetcher_class()(str(root), refused).fetch(uri(style))
    assert response.url == uri(style.resolve())


def test_a_data_url_is_served_without_fetching(layout):
    root, _ = layout
    assert fetch(root, "data:text/css,body%7Bcolor:blue%7D") == (b"body{color:blue}", [])
    assert fetch(root, "data:text/plain;base64,aGk=") == (b"hi", [])


@pytest.mark.parametrize("make_url", [
    lambda root, outside: uri(outside / "secret.txt"),
    lambda root, outside: "file:///etc/hostname",
    lambda root, outside: f"file://{root}/../outside/secret.txt",
    lambda root, outside: f"file://{root}/%2e%2e/outside/secret.txt",
    lambda root, outside: f"file://{root}/templates/%2E%2E/%2E%2E/outside/secret.txt",
    lambda root, outside: uri(root / "templates/link-out.css"),
    lambda root, outside: uri(root / "linked-dir/secret.txt"),
    lambda root, outside: uri(root.parent / "proj-evil/x.css"),
    lambda root, outside: uri(root / "templates"),
    lambda root, outside: uri(root / "missing.css"),
    lambda root, outside: f"file://evil.example{root}/templates/style.css",
    lambda root, outside: f"file://127.0.0.1{root}/templates/style.css",
    lambda root, outside: "file:templates/style.css",
    lambda root, outside: f"file://{root}/templates/style.css%00.png",
    lambda root, outside: f"file://{root}/templates/%ff.css",
    lambda root, outside: f"file://{root}/" + "a" * 5000,
    lambda root, outside: "http://127.0.0.1:9/beacon.css",
    lambda root, outside: "https://localhost:9/beacon.css",
    lambda root, outside: "ftp://127.0.0.1:9/beacon.css",
    lambda root, outside: "gopher://127.0.0.1:9/beacon.css",
    lambda root, outside: "javascript:alert(1)",
    lambda root, outside: f"jar:file://{root}/templates/style.css!/x",
    lambda root, outside: "templates/style.css",
], ids=["outside", "system file", "dot-dot", "encoded dot-dot", "upper-case encoded dot-dot", "link out",
        "linked folder", "prefix sibling", "folder", "missing", "remote host", "ip host", "relative",
        "NUL", "bad escape", "too long", "http", "https", "ftp", "gopher", "javascript", "jar", "no scheme"])
def test_everything_else_is_refused_and_recorded(layout, make_url):
    root, outside = layout
    url = make_url(root, outside)
    body, refused = fetch(root, url)
    assert body is None
    assert refused == [url if len(url) < 120 else url[:117] + "..."]
    assert project_file(url, root) is None


def test_the_project_root_given_through_a_link_is_resolved(layout, tmp_path):
    root, outside = layout
    os.symlink(root, tmp_path / "alias")
    assert fetch(tmp_path / "alias", uri(root / "templates/style.css")) == (b"body { color: red }", [])
    assert fetch(tmp_path / "alias", uri(outside / "secret.txt"))[0] is None


def test_a_relative_file_url_is_refused_even_where_it_would_resolve_inside(layout, monkeypatch):
    root, _ = layout
    monkeypatch.chdir(root)
    assert fetch(root, "file:templates/style.css") == (None, ["file:templates/style.css"])


def test_a_pipe_inside_is_refused_without_reading_it(layout):
    root, _ = layout
    pipe = root / "pipe.css"
    result = []
    reader = threading.Thread(target=lambda: result.append(fetch(root, uri(pipe))), daemon=True)
    reader.start()
    reader.join(10)  # generous: refusing takes microseconds; a read would block forever
    if reader.is_alive():  # it blocked opening the pipe: give it a writer that closes, then fail
        os.close(os.open(pipe, os.O_WRONLY))
        reader.join()
    assert result == [(None, [uri(pipe)])]
