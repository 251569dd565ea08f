"""The one Markdown renderer: CommonMark, raw HTML off, safe link schemes only."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


def _validate_link(url: str) -> bool:
    """Keep http, https, mailto and in-document anchors; drop every other scheme and path."""
    return url.strip().lower().startswith(SAFE_SCHEMES)


def _nest_headings(state) -> None:
    """A field's top heading becomes <h3>: fields sit under a section's <h2>, never above it."""
    heads = [t for t in state.tokens if t.type in ("heading_open", "heading_close")]
    if not heads:
        return
    shift = 3 - min(int(t.tag[1]) for t in heads)
    for token in heads:
        token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.disable("image")  # images would be fetched into PDFs; deal text never embeds them
    md.validateLink = _validate_link
    md.core.ruler.push("nest_headings", _nest_headings)
    return md


_MD = _renderer()


@lru_cache(maxsize=4096)
def render(text: str) -> Markup:
    """Markdown source -> safe HTML. Cached: the same field renders once per process."""
    return Markup(_MD.render(text or ""))


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    """Markdown for one line (no surrounding paragraph)."""
    return Markup(_MD.renderInline(text or ""))


def blocks(text: str) -> list[tuple[str, int, list[tuple[str, str]]]]:
    """Markdown source -> plain blocks for formats without HTML (the Word proposal):
    ``(kind, level, runs)`` with kind ``p``, ``h``, ``bullet``, ``number``, ``quote`` or
    ``code``; level is a heading's level or a list item's depth; each run is ``(text, style)``
    with style a string of ``b`` (bold), ``i`` (italic), ``s`` (struck), ``c`` (code). Links
    keep their text and add their address in brackets; unsafe links are already dropped."""
    out: list[tuple[str, int, list[tuple[str, str]]]] = []
    lists: list[str] = []
    kind, level = "p", 0
    for token in _MD.parse(text or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("bullet" if token.type == "bullet_list_open" else "number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "heading_open":
            kind, level = "h", int(token.tag[1])
        elif token.type == "blockquote_open":
            kind, level = "quote", 0
        elif token.type == "paragraph_open" and kind != "quote":
            kind, level = (lists[-1], len(lists)) if lists else ("p", 0)
        elif token.type in ("code_block", "fence"):
            out.append(("code", 0, [(token.content.rstrip("\n"), "c")]))
        elif token.type == "inline":
            out.append((kind, level, _runs(token.children or [])))
        elif token.type in ("heading_close", "blockquote_close"):
            kind, level = "p", 0
    return out


def _runs(children) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    style: set[str] = set()
    links: list[str] = []
    marks = {"strong": "b", "em": "i", "s": "s"}
    for child in children:
        name = child.type.rsplit("_", 1)[0]
        if child.type in ("text", "code_inline"):
            runs.append((child.content, "".join(sorted(style | ({"c"} if child.type == "code_inline" else set())))))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(("\n" if child.type == "hardbreak" else " ", ""))
        elif name in marks:
            (style.add if child.type.endswith("_open") else style.discard)(marks[name])
        elif child.type == "link_open":
            links.append(str(child.attrs.get("href", "")))
        elif child.type == "link_close":
            href = links.pop() if links else ""
            if href and not href.startswith("#") and href != (runs[-1][0] if runs else ""):
                runs.append((f" ({href.removeprefix('mailto:')})", ""))
    return runs
