"""Costs in WeasyPrint 70 that buy nothing visible, removed in the PDF workers.

Imported by negdocs/render/pdf.py only (the one module that imports WeasyPrint), after
WeasyPrint itself; :func:`install` is idempotent and does nothing on another WeasyPrint
release than the one it was measured on (the output is then WeasyPrint's own, just slower).
Measurements and the per-page text proof: bench/results.md, tests/test_pdf_pages.py.

1. ``leader(".")`` (the dot leaders of the contents) becomes one text box per line.
   WeasyPrint makes one text box per dot, about 100 per contents line and 6,000 per
   playbook, each drawn as its own PDF text object with its own Pango layout: a fifth of
   the CPU of a whole playbook. The merged box holds the same dots at the same positions
   (the copies are contiguous, each one dot wide), so the page looks and reads the same.
   The copies themselves are never made: WeasyPrint's placement runs on stand-ins that hold only
   a position (a fiftieth of a playbook's CPU went into copying the box).
2. ``pydyf.PDF.page_references`` is rebuilt as a tuple of every page on each access, and
   PDF/UA tagging reads it once per tagged element: a cost in pages x elements. It is cached
   until a page is added.
3. pydyf deflates every stream at zlib level 9, which takes five times the CPU of zlib's
   default level 6 for about 5% more bytes on our content streams; level 6 is used. The
   decoded content is byte for byte the same.
4. The contents page was laid out three times per playbook. ``target-counter(attr(href), page)``
   is recorded under the anchor ``None`` (WeasyPrint names the anchor from the unresolved
   ``attr()`` token), and the list of the target's missing counters replaces the box's own
   (a rebound variable), so the entry looks as if it printed ``counter(page)``: it is parsed
   again whenever the page's counters change, once when the targets are known and once more
   when the ``pages`` total is set after the first pass. With the anchor named and the alias
   dropped, the entry is updated when its target is laid out and the page is made twice: the
   same numbers, from the same targets' counters.
5. The min- and max-content widths of tables, grids and margin boxes split every text into
   lines, word by word, with a Pango layout per step; the same text in the same style (headers,
   labels, amounts) was measured again each time, in each document. The line breaks and widths
   are remembered, keyed by the text, the arguments and every style property the split reads:
   across the documents of a worker while only the system fonts are used (one font
   configuration), per document when it brings its own fonts (@font-face). The lines of the
   normal flow are remembered the same way: a block moved to the next page, the contents page
   laid out again, a running head on every page, guidance shared by playbooks, and in
   ``serve --pdf`` every unchanged paragraph of the document just saved. A split leaves its Pango
   layout released (WeasyPrint makes it again to draw), so each caller gets its own copy of the
   remembered one: text, widths and direction, never a shared object.
6. Each Pango layout got a new font description built from the style; Pango copies it into the
   layout, so one description per distinct font (family, style, stretch, weight, size, caps,
   variations) is built once and shared.
7. The user-agent stylesheet gives every element six pseudo-element styles it never shows:
   ``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker``,
   ``::note-callback`` (used only by ``float: footnote`` and ``position: note()``) and ``::marker``
   (used only by ``display: list-item``, which only ``li`` has in that sheet). Each was cascaded
   and computed for each of a playbook's ~1,300 elements. A document whose own styles never name
   footnotes, notes or list items, hold no CSS escape (a backslash), and link or import no
   stylesheet gets the same sheet with those rules dropped and ``::marker`` written
   ``li::marker``; any other document, the full one.
8. pydyf writes a PDF with an identifier (negdocs always gives one, for byte-identical output)
   by serializing every object twice: once to write it, once more for the MD5 of the file ID,
   deflating each content stream again. While a PDF is written each object's bytes are kept
   (with the object, so no other object can take its id) and the second pass reuses them: the
   same bytes, made once. Nothing changes an object during the write.
9. The used values of a box's margins, paddings, sizes and borders (``resolve_percentages``) were
   worked out again for each box on each layout pass: 13 lookups through ``percentage`` and the
   border and box-sizing rules, ~5,000 times per playbook. They are a function of the style values
   it reads (plain lengths and keywords), the containing block's size and whether the box is a
   page, so they are remembered under those; a ``calc()`` value, collapsed borders (which depend
   on the box) or values that are not plain are resolved by WeasyPrint as before.
"""

from __future__ import annotations

import functools
import operator
import re
import zlib

MEASURED_ON = "70."  # WeasyPrint releases these patches were written and checked against

_installed = False


def install() -> bool:
    """Apply the patches once per process; False when this WeasyPrint is not the one measured."""
    global _installed
    if _installed:
        return True
    import pydyf
    import weasyprint
    from weasyprint.layout import inline

    if not weasyprint.__version__.startswith(MEASURED_ON) or not hasattr(inline, "handle_leader"):
        return False
    inline.handle_leader = _merged_leader(inline.handle_leader)
    _name_attr_anchors()
    _remember_lines()
    _share_font_descriptions()
    _lean_user_agent_sheet()
    pydyf.PDF.page_references = property(_page_references)
    pydyf.zlib = _Zlib()
    _serialize_once(pydyf)
    _remember_used_values()
    _installed = True
    return True


def _name_attr_anchors():
    from weasyprint.css import targets

    collector = targets.TargetCollector
    anchor_name = targets.anchor_name_from_token
    lookup_target = collector.lookup_target
    collect_missing = collector.collect_missing_counters
    resolved = [None, None]  # the last attr() token lookup_target saw, and the anchor it named

    def lookup(self, anchor_token, source_box, css_token, parse_again):
        if anchor_token[0] == "attr()":  # resolved as lookup_target resolves it
            attr_name, type_, fallback = anchor_token[1]
            value = source_box.element.get(attr_name, fallback)
            token = (("string", value) if type_ == "string" else
                     ("url", targets.get_url_tuple(value, source_box.style.base_url)) if type_ == "url" else None)
            resolved[:] = [anchor_token, anchor_name(token) if token else None]
        return lookup_target(self, anchor_token, source_box, css_token, parse_again)

    def name_of(anchor_token):
        if anchor_token[0] == "attr()" and resolved[0] is anchor_token:
            return resolved[1]
        return anchor_name(anchor_token)

    def collect(self, parent_box, css_token, parse_again_function, missing_counters, missing_target_counters):
        if any(missing_counters is wanted for wanted in missing_target_counters.values()):
            missing_counters = []  # the alias, not counters the box prints itself
        return collect_missing(self, parent_box, css_token, parse_again_function, missing_counters,
                               missing_target_counters)

    collector.lookup_target = lookup
    collector.collect_missing_counters = collect
    targets.anchor_name_from_token = name_of


# Every style property that WeasyPrint 70's split_first_line, create_layout, Layout.setup,
# get_font_description, line_size and first_line_metrics read: the result of a line split is a
# function of these, the text, the arguments and the document's fonts.
_LINE_STYLE = (
    "font_family", "font_style", "font_stretch", "font_weight", "font_size", "font_variant_ligatures",
    "font_variant_position", "font_variant_caps", "font_variant_numeric", "font_variant_alternates",
    "font_variant_east_asian", "font_feature_settings", "font_variation_settings", "font_language_override",
    "font_kerning", "lang", "direction", "text_decoration_line", "letter_spacing", "word_spacing", "white_space",
    "hyphens", "hyphenate_character", "hyphenate_limit_chars", "hyphenate_limit_zone", "overflow_wrap",
    "word_break", "tab_size", "line_height")


def style_key(style, names) -> tuple | None:
    """The values of ``names`` in ``style`` as a dict key, or None when they cannot make one.

    Sets (``text-decoration-line``) become frozensets and lists (a font family may come as one)
    tuples, which compare exactly as the values do. A value that still cannot be hashed gives no
    key, so the split is made as WeasyPrint makes it: a repr would be lossy (a ``calc()`` shows
    only its name), and two different values with one repr would share a result."""
    key = _getter(names)(style)
    try:
        hash(key)
    except TypeError:  # a list or a set among the values
        key = tuple(_hashable(value) for value in key)
        try:
            hash(key)
        except TypeError:
            return None
    return key


@functools.lru_cache(maxsize=None)  # a few constant tuples of names
def _getter(names: tuple):
    if len(names) == 1:  # itemgetter of one name gives the value itself, not a tuple
        return lambda style: (style[names[0]],)
    return operator.itemgetter(*names)


def _hashable(value):
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


_LINES: dict = {}  # line splits measured with the system fonts, shared by a worker's documents
_LINES_MAX = 60_000  # entries (about 500 bytes each plus the text: ~30 MB; 5 playbooks make ~10,000); emptied when full
_LINES_CHARS = 8_000_000  # characters of text in the keys (the splits are of every suffix of a text)
_LINES_SIZE = [0]


def _remember_lines():
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    split_first_line = line_break.split_first_line

    def remembered(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
        shared = style.font_config._folder is None  # system fonts only (no @font-face): one memo for all
        memo = _LINES if shared else context.__dict__.setdefault("_negdocs_lines", {})
        values = style_key(style, _LINE_STYLE)  # None: no exact key, so never remembered
        key = (text, max_width, justification_spacing, is_line_start, minimum, values)
        found = memo.get(key) if values is not None else None
        if found is not None:
            return (_copy(found[0]), *found[1:])
        result = split_first_line(text, style, context, max_width, justification_spacing,
                                  is_line_start=is_line_start, minimum=minimum)
        if values is None or "layout" in vars(result[0]):  # Pango objects still held: not a plain value
            return result
        if shared:
            _LINES_SIZE[0] += len(text)
            if len(memo) >= _LINES_MAX or _LINES_SIZE[0] > _LINES_CHARS:
                memo.clear()
                _LINES_SIZE[0] = len(text)
        memo[key] = (_copy(result[0]), *result[1:])
        return result

    remembered.original = split_first_line
    preferred.split_first_line = inline.split_first_line = remembered


def _copy(layout):
    """A released WeasyPrint Layout (text, widths, direction, decoration metrics): a new one alike."""
    twin = object.__new__(type(layout))
    twin.__dict__.update(vars(layout))
    return twin


_FONT_STYLE = ("font_family", "font_style", "font_stretch", "font_weight", "font_size", "font_variant_caps",
               "font_variation_settings")  # what get_font_description reads


def _share_font_descriptions():
    from weasyprint.text import line_break

    describe = line_break.get_font_description  # Layout.setup is its only caller: it copies the result
    descriptions: dict = {}

    def shared(style):
        key = style_key(style, _FONT_STYLE)
        if key is None:
            return describe(style)
        found = descriptions.get(key)
        if found is None:
            if len(descriptions) > 10_000:
                descriptions.clear()
            found = descriptions[key] = describe(style)
        return found

    line_break.get_font_description = shared


# What a document's own styles may say that needs the rules the lean sheet drops, or styles that
# cannot be read from the document itself (a linked or imported stylesheet). Read in the raw text
# first (a word in a comment or a string only costs the lean sheet); CSS with an escape, which can
# spell any of them (``foot\note``, ``list\-item``), is read token by token, as WeasyPrint reads it.
_NEEDS_FULL_SHEET = re.compile(r"footnote|note\s*\(|list-item|@import", re.IGNORECASE)


_NOTE_PSEUDOS = ("footnote-call", "footnote-marker", "note-call", "note-callback", "note-marker")


def needs_full_sheet(root) -> bool:
    """True unless every style of the document is in it and names no footnote, note or list item."""
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag == "link" and "stylesheet" in (element.get("rel") or "").lower():
            return True
        if tag == "style" and _uses_dropped_rules("".join(element.itertext())):
            return True
        if _uses_dropped_rules(element.get("style") or ""):
            return True
    return False


@functools.lru_cache(maxsize=64)  # a site's stylesheet is the same in each of its pages
def _uses_dropped_rules(css: str) -> bool:
    if _NEEDS_FULL_SHEET.search(css):
        return True
    if "\\" not in css:
        return False
    import tinycss2

    return _names_dropped(tinycss2.parse_component_value_list(css))


def _names_dropped(tokens) -> bool:
    for token in tokens:
        kind = token.type
        if kind == "ident" and token.lower_value in ("footnote", "list-item"):
            return True
        if kind == "at-keyword" and token.lower_value == "import":
            return True
        if kind == "function" and (token.lower_name == "note" or _names_dropped(token.arguments)):
            return True
        if kind in ("() block", "[] block", "{} block") and _names_dropped(token.content):
            return True
    return False


def lean_sheet_text(text: str) -> str | None:
    """The user-agent sheet without the footnote and note pseudo-elements, ``::marker`` on ``li``
    only; None when the sheet is not the one this was written against."""
    notes = re.compile(r"^::([a-z-]+) \{[^\n]*\}\n", re.MULTILINE)
    dropped = [m[1] for m in notes.finditer(text) if m[1] != "marker"]
    if sorted(dropped) != list(_NOTE_PSEUDOS) or text.count("\n::marker {") != 1:
        return None
    lean = notes.sub(lambda m: m[0] if m[1] == "marker" else "", text)
    return lean.replace("\n::marker {", "\nli::marker {")


def _lean_user_agent_sheet():
    from weasyprint import CSS, HTML
    from weasyprint import html as html_module

    text = lean_sheet_text(html_module.UA)
    if text is None:
        return
    full = html_module.UA_STYLESHEET
    lean = CSS(string=text, counter_style=html_module.UA_COUNTER_STYLE)
    sheets_for = HTML._ua_stylesheets

    def sheets(self, forms=False):
        found = sheets_for(self, forms)
        if needs_full_sheet(self.etree_element):
            return found
        return [lean if sheet is full else sheet for sheet in found]

    sheets.original = sheets_for
    HTML._ua_stylesheets = sheets


def _merged_leader(handle_leader):
    from weasyprint.layout.leader import leader_index
    from weasyprint.text.line_break import split_first_line

    def handle(context, line, containing_block):
        _, leader_box = leader_index(line)
        if leader_box is None or len(leader_box.children) != 1:
            return handle_leader(context, line, containing_block)  # nothing to place, or its own error
        text_box = leader_box.children[0]
        marker = _LeaderCopy(text_box.width, text_box.position_x, text_box.position_y)
        leader_box.children = (marker,)
        try:
            handle_leader(context, line, containing_block)
        finally:
            copies = leader_box.children  # right to left, each one leader string wide, touching
            if copies == (marker,):  # returned early (no width) or failed: the box as it was
                leader_box.children = (text_box,)
        if copies == (marker,) or not copies:
            return
        left = copies[-1]
        if len(copies) == 1:
            one = text_box.copy()
        else:
            layout, _, _, width, _, _ = split_first_line(text_box.text * len(copies), text_box.style, context, None,
                                                         text_box.justification_spacing)
            one = text_box.copy_with_text(layout.text)
            one.pango_layout = layout
            one.width = width
        one.position_x, one.position_y = left.position_x, left.position_y
        leader_box.children = (one,)

    handle.original = handle_leader
    return handle


class _LeaderCopy:
    """A place handle_leader puts a copy of the leader's text at: where, not the box (patch 1).

    WeasyPrint copies the whole text box for each of ~100 dots a contents line, and patch 1 then
    merges them; these stand in for the copies, so only the merged box is ever made."""

    __slots__ = ("width", "position_x", "position_y")

    def __init__(self, width, position_x, position_y):
        self.width, self.position_x, self.position_y = width, position_x, position_y

    def copy(self):
        return _LeaderCopy(self.width, self.position_x, self.position_y)

    def translate(self, dx=0, dy=0, ignore_floats=False):  # as Box.translate moves a box without children
        self.position_x += dx
        self.position_y += dy

    @staticmethod
    def is_floated():
        return False


class _Zlib:
    """The zlib module as pydyf sees it, with level 9 mapped to the default level."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION if level == 9 else level, *args, **kwargs)


# What resolve_percentages reads (its first 18 are also what it sets on the box, in this order)
_BOX_VALUES = (
    "margin_left", "margin_right", "margin_top", "margin_bottom", "padding_left", "padding_right", "padding_top",
    "padding_bottom", "width", "min_width", "max_width", "height", "min_height", "max_height", "border_top_width",
    "border_right_width", "border_bottom_width", "border_left_width", "border_collapse", "box_sizing")
_USED: dict = {}  # (style values, containing block size, page box?) -> the 18 used values


def _remember_used_values():
    from weasyprint.css.properties import Dimension
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import absolute, block, column, float as floats, grid, inline, page, percent, table

    resolve = percent.resolve_percentages
    read = _getter(_BOX_VALUES)
    used = _BOX_VALUES[:18]
    plain = frozenset((Dimension, str, int, float))  # resolved without reading the style again (no calc())
    any_box, page_box = boxes.Box, boxes.PageBox

    def remembered(box, containing_block):
        values = read(box.style)
        if values[18] == "collapse" or not plain.issuperset(map(type, values)):
            return resolve(box, containing_block)
        if isinstance(containing_block, any_box):
            size = (containing_block.width, containing_block.height)
        else:
            size = tuple(containing_block)
        key = (values, size, isinstance(box, page_box))
        found = _USED.get(key)
        if found is None:
            resolve(box, containing_block)
            if len(_USED) >= 50_000:
                _USED.clear()
            _USED[key] = tuple(getattr(box, name) for name in used)
            return None
        for name, value in zip(used, found):
            setattr(box, name, value)
        return None

    remembered.original = resolve
    for module in (percent, absolute, block, column, floats, grid, inline, page, table):
        module.resolve_percentages = remembered


_WRITING: list = [None]  # {id(object): (object, bytes)} while pydyf writes a PDF (patch 8)


def _serialize_once(pydyf):
    write = pydyf.PDF.write

    def written(self, output, *args, **kwargs):
        outer = _WRITING[0]
        _WRITING[0] = {}
        try:
            return write(self, output, *args, **kwargs)
        finally:
            _WRITING[0] = outer

    written.original = write
    pydyf.PDF.write = written
    for cls in (pydyf.Dictionary, pydyf.Array, pydyf.Stream, pydyf.String):
        cls.data = property(_kept(cls.data.fget))


def _kept(data):
    def kept(self):
        memo = _WRITING[0]
        if memo is None:
            return data(self)
        found = memo.get(id(self))
        if found is None:
            found = memo[id(self)] = (self, data(self))
        return found[1]

    kept.original = data
    return kept


def _page_references(pdf):
    kids = pdf.pages["Kids"]
    cached = getattr(pdf, "_negdocs_page_refs", None)
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf._negdocs_page_refs = cached
    return cached[1]
