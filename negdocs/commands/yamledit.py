"""Edit a YAML file as text: add or renew one record of a top-level list, and nothing else.

The file is never dumped again: the position of every node comes from PyYAML's composer,
and the edit is a few inserted or replaced characters, so comments, key order, quoting and
layout stay byte for byte outside what is added. Values are always written as double-quoted
scalars with every character that could end the scalar or the line escaped, so no user text
can become YAML structure. The caller re-parses the result and verifies it before writing.
"""

from __future__ import annotations

import yaml

from negdocs.errors import NegdocsError, Problem


def quote(value: str) -> str:
    """A YAML double-quoted scalar holding exactly ``value`` (one line, whatever it contains)."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and not 0xD800 <= code <= 0xDFFF:
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'


def flow_record(fields: dict[str, str]) -> str:
    """``{key: "value", ...}``; keys are quoted too, since YAML 1.1 reads a plain ``on`` as a boolean."""
    return "{" + ", ".join(f"{key if key.isalpha() and key not in ('on', 'off', 'yes', 'no', 'y', 'n') else quote(key)}: "
                           f"{quote(value)}" for key, value in fields.items()) + "}"


class Unsupported(Exception):
    """The file's layout is one this editor does not change; the message says where."""


def _value(mapping: yaml.MappingNode, key: str):
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


BREAKS = "\r\n\x85\u2028\u2029"  # what YAML counts as a line break


def _last_end(node):
    """The mark just after the last character that belongs to ``node``."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark
    children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
    return max((_last_end(c) for c in children), key=lambda m: m.index, default=node.end_mark)


def _after_line(text: str, mark) -> int:
    """Index of the start of the line after the one ``mark`` is on (a block scalar's end is one already)."""
    if mark.column == 0 and mark.index > 0 and text[mark.index - 1] in BREAKS:
        return mark.index
    i = mark.index
    while i < len(text) and text[i] not in BREAKS:
        i += 1
    return len(text) if i >= len(text) else i + (2 if text.startswith("\r\n", i) else 1)


def upsert(text: str, section: str, match: tuple[str, str], fields: dict[str, str], newline: str) -> tuple[str, bool]:
    """``text`` with the record of ``section`` whose ``match[0]`` is ``match[1]`` renewed (its other
    fields replaced in place), or a new record added; and whether one was renewed."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # the caller validated the file; this is a safety net
        raise Unsupported(f"cannot read the file's layout: {exc}") from exc
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Unsupported("the file is not a block mapping (key: value lines)")
    record = flow_record(fields)
    items = _value(root, section)
    if items is None:
        indent = " " * root.start_mark.column
        ends = not text or text.endswith(tuple(BREAKS))
        lead, tail = ("", newline) if ends else (newline, "")
        return f"{text}{lead}{indent}{section}:{newline}{indent}  - {record}{tail}", False
    if not isinstance(items, yaml.SequenceNode):
        raise Unsupported(f"`{section}` is not a list")
    for item in items.value:
        if isinstance(item, yaml.MappingNode) and getattr(_value(item, match[0]), "value", None) == match[1]:
            return _renew(text, item, fields), True
    if items.flow_style:
        close = items.end_mark.index - 1
        if text[close] != "]":
            raise Unsupported(f"`{section}` does not end with ']'")
        before = text[:close].rstrip(" \t\r\n")
        sep = "" if not items.value else (" " if before.endswith(",") else ", ")
        return f"{text[:close]}{sep}{record}{text[close:]}", False
    column = items.start_mark.column
    at = _after_line(text, _last_end(items.value[-1]))
    if at == len(text) and not text.endswith(tuple(BREAKS)):
        return f"{text}{newline}{' ' * column}- {record}", False
    return f"{text[:at]}{' ' * column}- {record}{newline}{text[at:]}", False


def _renew(text: str, item: yaml.MappingNode, fields: dict[str, str]) -> str:
    spans = []
    for key, value in fields.items():
        node = _value(item, key)
        if not isinstance(node, yaml.ScalarNode) or node.style not in (None, "", '"', "'") \
                or node.start_mark.line != node.end_mark.line:
            raise Unsupported(f"the `{key}` of the record at line {item.start_mark.line + 1} is not a one-line value")
        if node.value != value:
            spans.append((node.start_mark.index, node.end_mark.index, quote(value)))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def unsupported(display: str, exc: Unsupported, record: str) -> NegdocsError:
    return NegdocsError(Problem(display, 1, f"cannot add the sign-off without changing the file's layout ({exc}); nothing "
                                f"was changed. Add it by hand under `approvals:` as: - {record}", "usage"))
