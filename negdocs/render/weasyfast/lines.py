"""Text: line splits, font descriptions and dot leaders (patches 1, 5 and 6).

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

1. ``leader(".")`` (the dot leaders of the contents) becomes one text box per line.
WeasyPrint makes one text box per dot, about 100 per contents line and 6,000 per
playbook, each drawn as its own PDF text object with its own Pango layout: a fifth of
the CPU of a whole playbook. The merged box holds the same dots at the same positions
(the copies are contiguous, each one dot wide), so the page looks and reads the same. A
string whose copies kern or join into a ligature where they meet (``leader("VA")``,
``leader("f")``) would be narrower merged: its line keeps WeasyPrint's separate copies.
The copies themselves are never made: WeasyPrint's placement runs on stand-ins that hold only
a position (a fiftieth of a playbook's CPU went into copying the box).
"""

from __future__ import annotations

from .keys import FONT_STYLE, LINE_STYLE, kept, style_key


_LINES: dict = {}  # line splits measured with the system fonts, shared by a worker's documents
_LINES_MAX = 60_000  # entries (about 500 bytes each plus the text: ~30 MB; 5 playbooks make ~10,000); emptied when full
_LINES_CHARS = 8_000_000  # characters of text in the keys (the splits are of every suffix of a text)
_LINES_SIZE = [0]


def remember_lines():
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    split_first_line = line_break.split_first_line

    def remembered(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
        shared = style.font_config._folder is None  # system fonts only (no @font-face): one memo for all
        values = style_key(style, LINE_STYLE)
        # no exact key, or an SVG image drawn outside a document (nowhere to keep it): WeasyPrint's split
        if values is None or (not shared and context is None):
            return split_first_line(text, style, context, max_width, justification_spacing,
                                    is_line_start=is_line_start, minimum=minimum)
        memo = _LINES if shared else context.__dict__.setdefault("_negdocs_lines", {})
        key = (text, max_width, justification_spacing, is_line_start, minimum, values)
        found = memo.get(key)
        if found is not None:
            return (_copy(found[0]), *found[1:])
        result = split_first_line(text, style, context, max_width, justification_spacing,
                                  is_line_start=is_line_start, minimum=minimum)
        if "layout" in vars(result[0]):  # Pango objects still held: not a plain value
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
    line_break.split_first_line = remembered  # SVG text (charts' labels) imports it from there when drawn


def _copy(layout):
    """A released WeasyPrint Layout (text, widths, direction, decoration metrics): a new one alike."""
    twin = object.__new__(type(layout))
    twin.__dict__.update(vars(layout))
    return twin


def share_font_descriptions():
    from weasyprint.text import line_break

    describe = line_break.get_font_description  # Layout.setup is its only caller: it copies the result
    descriptions: dict = {}

    def shared(style):
        key = style_key(style, FONT_STYLE)
        if key is None:
            return describe(style)
        found = descriptions.get(key)
        return found if found is not None else kept(descriptions, key, describe(style), 10_000)

    line_break.get_font_description = shared


def merged_leader(handle_leader):
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
        if len(copies) > 1:
            layout, _, _, width, _, _ = split_first_line(text_box.text * len(copies), text_box.style, context, None,
                                                         text_box.justification_spacing)
            if abs(width - len(copies) * text_box.width) <= _JOIN_TOLERANCE:
                one = text_box.copy_with_text(layout.text)
                one.pango_layout = layout
                one.width = width
                one.position_x, one.position_y = left.position_x, left.position_y
                leader_box.children = (one,)
                return
        # one copy, or a string that kerns or joins into a ligature with the next copy (``VA``, ``f``):
        # merged it would be shorter than the copies, so the copies WeasyPrint would have made
        leader_box.children = tuple(_placed(text_box, copy) for copy in copies)

    handle.original = handle_leader
    return handle


_JOIN_TOLERANCE = 0.01  # px: merged and separate copies of the same glyphs agree to Pango's 1/1024 px


def _placed(text_box, place):
    box = text_box.copy()
    box.position_x, box.position_y = place.position_x, place.position_y
    return box


class _LeaderCopy:
    """A place handle_leader puts a copy of the leader's text at: where, not the box (patch 1).

    WeasyPrint copies the whole text box for each of ~100 dots a contents line, and patch 1 then
    merges them; these stand in for the copies, so real copies are made only when the merged run
    would differ (one copy, or copies that kern or join where they meet)."""

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
