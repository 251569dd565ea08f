"""Costs in WeasyPrint 70 that buy nothing visible, removed in the PDF workers.

Imported by negdocs/render/pdf.py only (the one module that imports WeasyPrint), after
WeasyPrint itself; :func:`install` is idempotent and does nothing on another WeasyPrint
release than the one it was measured on (the output is then WeasyPrint's own, just slower).
Measurements and the per-page text proof: bench/results.md, tests/test_pdf_pages.py.

The patches, by the stage of WeasyPrint they touch (each module says why and what it keeps):

- :mod:`.lines`: 1. one box per dot leader, 5. line splits remembered, 6. shared font descriptions;
- :mod:`.cascade`: 4. the contents page laid out twice, not three times, 7. a lean user-agent sheet,
  9. used margins, paddings and sizes remembered, 11. stylesheets parsed once per worker;
- :mod:`.writing`: 2. page references cached, 3. deflate at level 6, 8. each object serialized once;
- :mod:`.keys`: the exact style keys the memos use.
"""

from __future__ import annotations

from .cascade import lean_sheet_text, needs_full_sheet
from .keys import LINE_STYLE, style_key

__all__ = ["LINE_STYLE", "MEASURED_ON", "install", "lean_sheet_text", "needs_full_sheet", "style_key"]

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

    from . import cascade, lines, writing

    if not weasyprint.__version__.startswith(MEASURED_ON) or not hasattr(inline, "handle_leader"):
        return False
    inline.handle_leader = lines.merged_leader(inline.handle_leader)
    cascade.name_attr_anchors()
    lines.remember_lines()
    lines.share_font_descriptions()
    cascade.lean_user_agent_sheet()
    pydyf.PDF.page_references = property(writing.page_references)
    pydyf.zlib = writing.Zlib()
    writing.serialize_once(pydyf)
    cascade.remember_used_values()
    cascade.share_parsed_stylesheets()
    _installed = True
    return True
