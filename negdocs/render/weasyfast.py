"""Three costs in WeasyPrint 70 that buy nothing visible, removed in the PDF workers.

Imported by negdocs/render/pdf.py only (the one module that imports WeasyPrint), after
WeasyPrint itself; :func:`install` is idempotent and does nothing on another WeasyPrint
release than the one it was measured on (the output is then WeasyPrint's own, just slower).
Measurements and the per-page text proof: bench/results.md, tests/test_pdf_pages.py.

1. ``leader(".")`` (the dot leaders of the contents) becomes one text box per line.
   WeasyPrint makes one text box per dot, about 100 per contents line and 6,000 per
   playbook, each drawn as its own PDF text object with its own Pango layout: a fifth of
   the CPU of a whole playbook. The merged box holds the same dots at the same positions
   (the copies are contiguous, each one dot wide), so the page looks and reads the same.
2. ``pydyf.PDF.page_references`` is rebuilt as a tuple of every page on each access, and
   PDF/UA tagging reads it once per tagged element: a cost in pages x elements. It is cached
   until a page is added.
3. pydyf deflates every stream at zlib level 9, which takes five times the CPU of zlib's
   default level 6 for about 5% more bytes on our content streams; level 6 is used. The
   decoded content is byte for byte the same.
"""

from __future__ import annotations

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
    pydyf.PDF.page_references = property(_page_references)
    pydyf.zlib = _Zlib()
    _installed = True
    return True


def _merged_leader(handle_leader):
    from weasyprint.layout.leader import leader_index
    from weasyprint.text.line_break import split_first_line

    def handle(context, line, containing_block):
        handle_leader(context, line, containing_block)
        _, leader_box = leader_index(line)
        if leader_box is None or len(leader_box.children) < 2:
            return
        copies = leader_box.children  # right to left, each one leader string wide, touching
        left = copies[-1]
        layout, _, _, width, _, _ = split_first_line(left.text * len(copies), left.style, context, None,
                                                     left.justification_spacing)
        merged = left.copy_with_text(layout.text)
        merged.pango_layout = layout
        merged.width = width
        leader_box.children = (merged,)

    return handle


class _Zlib:
    """The zlib module as pydyf sees it, with level 9 mapped to the default level."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION if level == 9 else level, *args, **kwargs)


def _page_references(pdf):
    kids = pdf.pages["Kids"]
    cached = getattr(pdf, "_negdocs_page_refs", None)
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf._negdocs_page_refs = cached
    return cached[1]
