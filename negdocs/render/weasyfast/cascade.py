"""Styles and boxes: stylesheets, target counters and used values (patches 4, 7, 9 and 11).

4. The contents page was laid out three times per playbook. ``target-counter(attr(href), page)``
is recorded under the anchor ``None`` (WeasyPrint names the anchor from the unresolved
``attr()`` token), and the list of the target's missing counters replaces the box's own
(a rebound variable), so the entry looks as if it printed ``counter(page)``: it is parsed
again whenever the page's counters change, once when the targets are known and once more
when the ``pages`` total is set after the first pass. With the anchor named and the alias
dropped, the entry is updated when its target is laid out and the page is made twice: the
same numbers, from the same targets' counters.

7. The user-agent stylesheet gives every element six pseudo-element styles it never shows:
``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker``,
``::note-callback`` (used only by ``float: footnote`` and ``position: note()``) and ``::marker``
(used only by ``display: list-item``, which only ``li`` has in that sheet). Each was cascaded
and computed for each of a playbook's ~1,300 elements. A document whose own styles never name
footnotes, notes or list items, hold no CSS escape (a backslash), and link or import no
stylesheet gets the same sheet with those rules dropped and ``::marker`` written
``li::marker``; any other document, the full one.

9. The used values of a box's margins, paddings, sizes and borders (``resolve_percentages``) were
worked out again for each box on each layout pass: 13 lookups through ``percentage`` and the
border and box-sizing rules, ~5,000 times per playbook. They are a function of the style values
it reads (plain lengths and keywords), the containing block's size and whether the box is a
page, so they are remembered under those; a ``calc()`` value, collapsed borders (which depend
on the box) or values that are not plain are resolved by WeasyPrint as before.

11. Each document parsed its ``<style>`` elements (negdocs.css and print.css, the same text in
every playbook) and compiled their selectors again: ~20 ms a playbook. A stylesheet given as text
is parsed once per worker and its compiled matcher (which keeps no state between elements) is
shared, keyed by the text, the base URL and the media type; its ``@page`` rules are added to the
document's list as parsing adds them. Parsed again, as WeasyPrint does, when the text has an
at-rule whose parsing touches more than the sheet, or an at-rule name with an escape (``@font-face`` the document's
fonts, ``@import`` a fetch, ``@layer``, ``@counter-style``, ``@color-profile`` the document's
tables), or when parsing logged a warning (so each document reports it).
"""

from __future__ import annotations

import functools
import logging
import re

from .keys import getter, kept

_SHEETS: dict = {}  # (css text, base URL, media type) -> (base URL, matcher, @page rules), per worker
_SHEETS_MAX = 64
_SHEET_SIDE_EFFECTS = re.compile(r"@(font-face|import|layer|counter-style|color-profile)", re.IGNORECASE)
_OTHER_SOURCES = ("guess", "filename", "url", "file_obj", "matcher", "layer")  # parsed as WeasyPrint does
_ESCAPED_AT_RULE = re.compile(r"@[-\w]*\\")  # an at-rule name with an escape may spell any of them


def name_attr_anchors():
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


def lean_user_agent_sheet():
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


# What resolve_percentages reads (its first 18 are also what it sets on the box, in this order)
_BOX_VALUES = (
    "margin_left", "margin_right", "margin_top", "margin_bottom", "padding_left", "padding_right", "padding_top",
    "padding_bottom", "width", "min_width", "max_width", "height", "min_height", "max_height", "border_top_width",
    "border_right_width", "border_bottom_width", "border_left_width", "border_collapse", "box_sizing")
_USED: dict = {}  # (style values, containing block size, page box?) -> the 18 used values


def remember_used_values():
    from weasyprint.css.properties import Dimension
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import absolute, block, column, float as floats, grid, inline, page, percent, table

    resolve = percent.resolve_percentages
    read = getter(_BOX_VALUES)
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
            kept(_USED, key, tuple(getattr(box, name) for name in used), 50_000)
            return None
        for name, value in zip(used, found):
            setattr(box, name, value)
        return None

    remembered.original = resolve
    for module in (percent, absolute, block, column, floats, grid, inline, page, table):
        module.resolve_percentages = remembered


def share_parsed_stylesheets():
    from weasyprint import CSS

    parse = CSS.__init__
    log = logging.getLogger("weasyprint")

    def shared(self, *args, **options):
        string = options.get("string")
        if (args or not isinstance(string, str) or any(options.get(name) is not None for name in _OTHER_SOURCES)
                or _SHEET_SIDE_EFFECTS.search(string) or _ESCAPED_AT_RULE.search(string)):
            return parse(self, *args, **options)
        page_rules, layers = options.get("page_rules"), options.get("layers")
        key = (string, str(options.get("base_url")), options.get("media_type", "print"))
        found = _SHEETS.get(key)
        if found is not None:
            self.base_url, self.matcher, added = found
            self.page_rules = [] if page_rules is None else page_rules
            self.page_rules.extend(added)
            self.layers = [] if layers is None else layers
            return
        rules_before = len(page_rules) if page_rules is not None else 0
        logged = _Counted()
        log.addHandler(logged)
        try:
            parse(self, **options)
        finally:
            log.removeHandler(logged)
        if not (logged.count or self.layers):
            kept(_SHEETS, key, (self.base_url, self.matcher, tuple(self.page_rules[rules_before:])), _SHEETS_MAX)

    shared.original = parse
    CSS.__init__ = shared


class _Counted(logging.Handler):
    """Counts the records logged while a stylesheet is parsed."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += 1
