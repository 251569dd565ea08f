"""One escaping function per output format, for every value that comes from a user.

Deal files, file names and git revisions are hostile: a value may hold a newline, a control,
bidi or zero-width character, markup, or begin with ``::`` (a line that starts with ``::``,
after any blanks, is a GitHub Actions workflow command). Whatever a value holds, the functions
here turn it into text that cannot start a line, open markup or hide characters in its format:

- :func:`text`     a value inside a line of plain text (terminal, CI log)
- :func:`visible`  a sentence (a message that already quotes its values) inside a line
- :func:`markdown` a value inside a line of GitHub-flavoured Markdown
- :func:`json_text` a whole JSON document
- :func:`workflow_data`, :func:`workflow_property` GitHub workflow command parts

Templates and code-made words (field names, rule names, numbers we format) are not escaped;
every value a user typed is, at the moment it is printed, by the function of that format.
"""

from __future__ import annotations

import json
import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _char(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(value: str) -> str:
    """Every character that does not print (controls, newlines, DEL, C1, bidi and zero-width
    marks, line and paragraph separators, unassigned code points) as a backslash escape."""
    value = str(value)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else _char(ch) for ch in value)


def text(value, quote: bool = False) -> str:
    """A value inside a line of plain text: as is when harmless, else quoted and escaped.

    Quoted when ``quote`` is set, or it is empty, holds a character that does not print, has
    blanks at either end, or starts with a quote or a colon (so it can never begin a ``::``
    workflow command). Inside quotes a quote is escaped as ``\\'``."""
    value = str(value)
    if not quote and value and value.isprintable() and value == value.strip() and not value.startswith((":", "'", '"')):
        return value
    return "'" + visible(value).replace("'", "\\'") + "'"


# Markdown: entities for what opens HTML, code or entities; backslashes for the rest of the
# inline markup GitHub knows (emphasis, links, strikethrough, tables, math, emoji and `::`).
_MD_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;", '"': "&quot;"}
_MD_BACKSLASH = frozenset("\\*_[]~|:$!#")
_MD_ORDERED = re.compile(r"(\d+)[.)]")


def markdown(value) -> str:
    """A value in a line of GitHub-flavoured Markdown (anywhere: inside it, a table cell or its
    start), rendered literally as :func:`visible` shows it.

    Characters that do not print are shown as escapes (so a value stays on its line);
    ``& < > " ` `` become entities, so no raw ``<``, ``-->`` or backtick survives; the other
    inline markup characters are backslash-escaped, so ``::`` becomes ``\\:\\:``; a leading
    ``-``, ``+``, ``=`` or ``1.`` is escaped and blanks at either end become ``&#32;``, so a
    value at the start of a line can't open a list, a heading or a code block either."""
    out = []
    for ch in visible(value):
        if ch in _MD_ENTITY:
            out.append(_MD_ENTITY[ch])
        elif ch in _MD_BACKSLASH:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    core = escaped.strip(" ")
    lead = len(escaped) - len(escaped.lstrip(" "))
    trail = len(escaped) - len(escaped.rstrip(" ")) if core else 0
    if core[:1] in ("-", "+", "="):
        core = "\\" + core
    elif number := _MD_ORDERED.match(core):
        core = f"{number[1]}\\{core[number.end(1):]}"
    return "&#32;" * lead + core + "&#32;" * trail


def json_text(data, indent: int | None = 2) -> str:
    """``data`` as JSON (UTF-8 kept readable), with every character that does not print
    escaped as ``\\uXXXX`` too: JSON itself leaves DEL, C1, bidi and separators raw."""
    raw = json.dumps(data, indent=indent, ensure_ascii=False)
    if raw.isprintable():
        return raw
    # Outside strings JSON holds only printable ASCII, blanks and newlines, so any other
    # character that does not print sits inside a string, where \\uXXXX is valid.
    return "".join(ch if ch.isprintable() or ch == "\n" else _json_char(ch) for ch in raw)


def _json_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def workflow_data(value) -> str:
    """The message of a GitHub workflow command (after the second ``::``): ``%``, CR and LF
    percent-encoded as the runner expects, other characters that do not print made visible."""
    value = str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(value)


def workflow_property(value) -> str:
    """A property value of a GitHub workflow command (``file=...``): also ``:`` and ``,``."""
    return workflow_data(value).replace(":", "%3A").replace(",", "%2C")


def clip(value: str, limit: int = 80) -> str:
    """A user value shortened for a message (a 5,000-character argument is named, not echoed)."""
    value = str(value)
    return value if len(value) <= limit else value[:limit] + "..."
