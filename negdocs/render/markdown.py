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
