"""Style values as dict keys: what the memos of the other patches are keyed by.

A memo is only as exact as its key. A key holds every style property the remembered
function reads, as the values themselves (sets as frozensets, lists as tuples), never a repr:
two values with one repr (a ``calc()`` shows only its name) must not share a result.
"""

from __future__ import annotations

import functools
import operator


# Every style property that WeasyPrint 70's split_first_line, create_layout, Layout.setup,
# get_font_description, line_size and first_line_metrics read: the result of a line split is a
# function of these, the text, the arguments and the document's fonts.
LINE_STYLE = (
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
    key = getter(names)(style)
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
def getter(names: tuple):
    if len(names) == 1:  # itemgetter of one name gives the value itself, not a tuple
        return lambda style: (style[names[0]],)
    return operator.itemgetter(*names)


def kept(memo: dict, key, value, limit: int):
    """``memo[key] = value``, the memo emptied first when it holds ``limit`` entries; ``value``."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value


def _hashable(value):
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


FONT_STYLE = ("font_family", "font_style", "font_stretch", "font_weight", "font_size", "font_variant_caps",
               "font_variation_settings")  # what get_font_description reads
