"""Text from deal files and git made inert in Markdown (a pull-request comment, a job summary)."""

from __future__ import annotations

import unicodedata

_PUNCTUATION = set("\\`*_{}[]()<>#+-.!|~&:$^@")


def escape(value) -> str:
    """``value`` as literal Markdown text on one line: every ASCII punctuation character is
    backslash-escaped (CommonMark renders it as itself, never as markup, a link, HTML or a
    table border), ``@`` mentions are broken with a zero-width space, line breaks become
    spaces and control or format characters become U+FFFD."""
    out = []
    for char in " ".join(str(value).split()):
        if char in _PUNCTUATION:
            out.append("\\" + char + ("\u200b" if char == "@" else ""))
        elif unicodedata.category(char)[0] == "C":
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)
