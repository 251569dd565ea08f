"""YAML -> :class:`Source`: data plus a map from every value to its line.

Only YAML's plain data types are built (mappings, sequences, strings, numbers, booleans,
null and dates); any explicit tag outside those is an error, so ``!!python/...`` never
runs. The document is built from the parser's event stream without recursion, which lets
us cap nesting depth, the values and the text that aliases expand to, and reject duplicate
keys and control characters at their line. Every reader (files, git blobs, settings, packs)
goes through :func:`parse`, so the limits hold whatever the bytes came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

from negdocs.errors import NegdocsError, Problem, printable, short
from negdocs.load.files import MAX_BYTES, read_limited

try:  # libyaml's C parser is an order of magnitude faster when present.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_DEPTH = 32
MAX_NODES = 100_000  # values built, counting every alias expansion
MAX_TEXT = 2 * MAX_BYTES  # characters of scalar text built, counting every alias expansion
# Characters no text may hold, even written as a YAML escape ("\0", "\x01", "\x7f", "\ufffe"):
# C0 and C1 controls except tab and newline, DEL, lone surrogates and Unicode noncharacters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                        + "".join(f"{chr(p + 0xfffe)}{chr(p + 0xffff)}" for p in range(0, 0x110000, 0x10000)) + "]")

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")}
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()

Path_ = tuple  # a path into the data: keys and list indexes


def dotted(loc) -> str:
    """``('issues', 0, 'open')`` -> ``issues[0].open``."""
    out = ""
    for part in loc:
        if not isinstance(part, int):  # a key is text from the file: short, and no line breaks or controls
            part = printable(str(part) if len(str(part)) <= 40 else str(part)[:37] + "...")
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Source:
    """One loaded deal file: its bytes' origin, the plain data and the line of every value."""

    path: Path
    display: str
    data: dict
    lines: dict[tuple, int] = field(default_factory=dict)
    digest: str = ""
    numbers: dict[tuple, str] = field(default_factory=dict)  # the YAML text of each float, for exact decimals

    def line(self, loc: tuple) -> int:
        """Line of the value at ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1


def read_source(path: Path, display: str, empty_ok: bool = False, raw: bytes | None = None,
                root: Path | None = None) -> Source:
    """Read and parse one deal file (``raw``: its bytes, when already read); raise
    :class:`NegdocsError` on any problem. A file inside ``root`` (default: the current folder)
    that links outside it is refused unread."""
    import hashlib

    def fail(line: int, message: str):
        raise NegdocsError(Problem(display, line, message, rule="yaml"))

    if raw is None:
        raw = read_limited(path, display, root)
    elif len(raw) > MAX_BYTES:
        fail(1, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(raw.count(b"\n", 0, exc.start) + 1, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8")
    if empty_ok and not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return Source(path, display, {}, {}, hashlib.sha256(raw).hexdigest())
    builder = _build(text, display)
    data, lines = builder.result()
    return Source(path, display, data, lines, hashlib.sha256(raw).hexdigest(), builder.numbers)


def parse(text: str, display: str) -> tuple[dict, dict]:
    """Parse one YAML document of plain data into ``(mapping, line map)``, with the limits of
    every deal file (size, depth, alias expansion, tags, control characters)."""
    return _build(text, display).result()


def text_source(text: str, display: str, path: Path | None = None) -> Source:
    """A Source from text already in memory (a git revision, an edited file), parsed like a file."""
    builder = _build(text, display)
    data, lines = builder.result()
    return Source(path or Path(display.rsplit(":", 1)[-1]), display, data, lines, "", builder.numbers)


def _build(text: str, display: str) -> "_Builder":
    if len(text) > MAX_BYTES or (len(text) * 4 > MAX_BYTES and len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES):
        size = len(text.encode("utf-8", "surrogatepass"))
        raise NegdocsError(Problem(display, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes", rule="yaml"))
    builder = _Builder(display)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = min(mark.line + 1, text.count("\n") + 1) if mark else 1  # the end of the input is on its last line
        message = " ".join(str(m) for m in (exc.context, exc.problem) if m)
        message = message if len(message) <= 200 else message[:197] + "..."  # libyaml quotes tags and anchors whole
        source_lines = text.splitlines()
        if 0 < line <= len(source_lines) and "\t" in source_lines[line - 1]:
            message += " (a tab: YAML indents with spaces only)"
        raise NegdocsError(Problem(display, line, message or "invalid YAML", rule="yaml")) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        line = text.count("\n", 0, exc.position) + 1
        raise NegdocsError(Problem(display, line, f"character #x{exc.character:04x} is not allowed in YAML "
                                   "(control characters must be removed)", rule="yaml")) from exc
    except yaml.YAMLError as exc:
        raise NegdocsError(Problem(display, 1, f"invalid YAML: {exc}", rule="yaml")) from exc
    return builder


class _Builder:
    """Turns parser events into Python data, iteratively, with limits."""

    def __init__(self, display: str):
        self.display = display
        # frames: [container, path, pending_key, key_line, anchor, size, merges, text]
        self.stack: list[list] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, values, characters)
        self.lines: dict[tuple, int] = {}
        self.documents: list[Any] = []
        self.nodes = 0
        self.numbers: dict[tuple, str] = {}
        self.text = 0  # characters of scalar text, counting every alias expansion
        self.aliased = False

    def fail(self, event, message: str):
        line = event.start_mark.line + 1 if event.start_mark else 1
        raise NegdocsError(Problem(self.display, line, message, rule="yaml"))

    def count(self, event, n: int, text: int):
        """Add ``n`` values holding ``text`` characters; an alias adds what its anchor holds."""
        self.nodes += n
        self.text += text
        alias = isinstance(event, ev.AliasEvent)
        self.aliased |= alias
        if self.nodes > MAX_NODES:
            self.fail(event, f"aliases expand to more than {MAX_NODES:,} values; simplify the anchors" if self.aliased
                      else f"the file holds more than {MAX_NODES:,} values; a deal file this large cannot be a plan, split it")
        if self.text > MAX_TEXT:  # only aliases get here: the file itself is at most MAX_BYTES
            self.fail(event, f"aliases expand to more than {MAX_TEXT:,} characters of text; simplify the anchors")

    # -- events -------------------------------------------------------------------------
    def feed(self, event):
        if isinstance(event, ev.DocumentStartEvent) and self.documents:
            self.fail(event, "more than one YAML document; a deal file holds exactly one")
        if isinstance(event, (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentStartEvent, ev.DocumentEndEvent)):
            return
        if isinstance(event, ev.AliasEvent):
            if event.anchor not in self.anchors:
                self.fail(event, f"unknown alias *{short(event.anchor)[1:-1]}")
            value, size, text = self.anchors[event.anchor]
            self.count(event, size, text)
            self.add(event, value, size, text)
        elif isinstance(event, ev.ScalarEvent):
            self.count(event, 1, len(event.value))
            value = self.scalar(event)
            self.add(event, value, 1, len(event.value))
        elif isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            self.check_tag(event, "map" if isinstance(event, ev.MappingStartEvent) else "seq")
            if len(self.stack) >= MAX_DEPTH:
                self.fail(event, f"nested more than {MAX_DEPTH} levels deep")
            self.count(event, 1, 0)
            container: Any = {} if isinstance(event, ev.MappingStartEvent) else []
            path = self.child_path()
            self.lines.setdefault(path, event.start_mark.line + 1)
            self.stack.append([container, path, _NOKEY, 0, event.anchor, 1, [], 0])
        elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            container, path, _k, _l, anchor, size, merges, text = self.stack.pop()
            for merge in merges:  # '<<' keys never override explicit ones
                for key, value in merge.items():
                    container.setdefault(key, value)
            if anchor is not None:
                self.anchors[anchor] = (container, size, text)
            self.add(event, container, size, text, register=False)

    def check_tag(self, event, kind: str):
        tag = event.tag
        if tag in (None, "!", _STD + kind):
            return
        self.fail(event, f"tag {short(tag)[1:-1]} is not allowed; deal files hold plain data only")

    def scalar(self, event):
        tag = event.tag
        if tag is None or tag == "!":
            tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag not in _ALLOWED_TAGS:
            self.fail(event, f"tag {short(tag)[1:-1]} is not allowed; deal files hold plain data only")
        if tag == _STD + "merge":
            return _MERGE
        bad = _FORBIDDEN.search(event.value)
        if bad:
            code = ord(bad.group())
            kind = ("a control character" if code < 0xa0 else "a lone surrogate" if 0xd800 <= code < 0xe000
                    else "a Unicode noncharacter")
            top = self.stack[-1] if self.stack else None
            where = dotted(self.child_path()) if top and (isinstance(top[0], list) or top[2] is not _NOKEY) else ""
            where = where if len(where) <= 80 else where[:77] + "..."
            self.fail(event, f"{where + ': ' if where else ''}character U+{code:04X} ({kind}) is not allowed in text, "
                             "also not as an escape; remove it (text may hold tabs and newlines)")
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = _constructor.construct_object(node)
        except (yaml.YAMLError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError):  # `!!float ''`
            if tag != _STD + "timestamp":
                self.fail(event, f"{short(event.value)} is not a valid {tag.removeprefix(_STD)}")
            value = event.value  # not a calendar date: the field that expects one says so, by name
        finally:
            _constructor.constructed_objects.clear()
        if isinstance(value, int) and value.bit_length() > 1000:  # `1:0:0:...` (base 60) builds ints past what prints
            self.fail(event, f"{short(event.value)} is a number too large to use; values stay below 1,000,000,000,000,000")
        if isinstance(value, dt.datetime):
            value = event.value  # a date-time: kept as written, so a date field can name itself in the error
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, len(event.value))
        return value

    def child_path(self) -> tuple:
        if not self.stack:
            return ()
        container, path, key, *_ = self.stack[-1]
        if isinstance(container, list):
            return path + (len(container),)
        return path + (key,) if key is not _NOKEY else path

    def add(self, event, value, size: int, text: int, register: bool = True):
        line = event.start_mark.line + 1
        if not self.stack:
            self.documents.append(value)
            return
        frame = self.stack[-1]
        container, path, key, key_line = frame[0], frame[1], frame[2], frame[3]
        frame[5] += size
        frame[7] += text
        if isinstance(container, list):
            if register:
                self.lines.setdefault(path + (len(container),), line)
            if isinstance(value, float) and isinstance(event, ev.ScalarEvent):
                self.numbers[path + (len(container),)] = event.value
            container.append(value)
            return
        if key is _NOKEY:  # this value is a key
            if isinstance(value, bool) and isinstance(event, ev.ScalarEvent) and not event.style:
                value = event.value  # YAML 1.1 reads a plain `on:` or `yes:` key as a boolean; a key is a name
            if isinstance(value, (dict, list)):
                self.fail(event, "a mapping key must be a plain value")
            if value is not _MERGE and not isinstance(value, str):
                self.fail(event, f"the key {short(event.value)} is not text; quote it (\"{short(event.value)[1:-1]}\": ...) or use a "
                                 "field name")
            if value is not _MERGE and value in container:
                self.fail(event, f"duplicate key {short(value)} (first at line {self.lines.get(path + (value,), '?')})")
            frame[2], frame[3] = value, line
            return
        frame[2] = _NOKEY
        if key is _MERGE:
            merges = value if isinstance(value, list) else [value]
            if not all(isinstance(m, dict) for m in merges):
                self.fail(event, "'<<' merges mappings only")
            frame[6].extend(merges)
            return
        self.lines[path + (key,)] = key_line
        if isinstance(value, float) and isinstance(event, ev.ScalarEvent):
            self.numbers[path + (key,)] = event.value
        container[key] = value

    def result(self) -> tuple[dict, dict]:
        if not self.documents or self.documents[0] is None:
            raise NegdocsError(Problem(self.display, 1, "file is empty; a deal file is a mapping with at least format, title and context", rule="yaml"))
        data = self.documents[0]
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            raise NegdocsError(Problem(self.display, 1, f"the file holds {kind}; a deal file is a mapping (key: value lines)", rule="yaml"))
        return data, self.lines


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __hash__(self) -> int:
        return hash(self.name)


_NOKEY = _Marker("<no key>")
_MERGE = _Marker("<<")
