"""Writing the PDF: page references, deflate level, one serialization (patches 2, 3 and 8).

2. ``pydyf.PDF.page_references`` is rebuilt as a tuple of every page on each access, and
PDF/UA tagging reads it once per tagged element: a cost in pages x elements. It is cached
until a page is added.

3. pydyf deflates every stream at zlib level 9, which takes five times the CPU of zlib's
default level 6 for about 5% more bytes on our content streams; level 6 is used. The
decoded content is byte for byte the same.

8. pydyf writes a PDF with an identifier (negdocs always gives one, for byte-identical output)
by serializing every object twice: once to write it, once more for the MD5 of the file ID,
deflating each content stream again. While a PDF is written each object's bytes are kept
(with the object, so no other object can take its id) and the second pass reuses them: the
same bytes, made once. Nothing changes an object during the write.
"""

from __future__ import annotations

import zlib


class Zlib:
    """The zlib module as pydyf sees it, with level 9 mapped to the default level."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION if level == 9 else level, *args, **kwargs)


def page_references(pdf):
    kids = pdf.pages["Kids"]
    cached = getattr(pdf, "_negdocs_page_refs", None)
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf._negdocs_page_refs = cached
    return cached[1]


# {id(object): (object, bytes)} while pydyf writes a PDF (patch 8). One write at a time: a global, not
# per thread, as the PDF workers are processes of one thread each.
_WRITING: list = [None]


def serialize_once(pydyf):
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
