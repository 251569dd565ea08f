"""Recipients' copies of a printed proposal: its pages with each recipient's stamp laid over.

The proposal is laid out and printed once; the stamps of all its recipients are printed
once too, one small transparent page each (``proposal-stamp.html``). Each copy is the
proposal with its recipient's stamp page drawn over every page as a Form XObject, inside an
``/Artifact`` marked-content sequence: the tagged structure (PDF/UA) stays as it was, and
the stamp is still text that a reader, a search and ``negdocs trace`` can extract. This
costs a fraction of a second layout (see bench/results.md).
"""

from __future__ import annotations

import io


def stamp(base: bytes, stamps: bytes, copies: tuple[tuple[str, str, str], ...]) -> list[tuple[str, bytes]]:
    """``copies``: (output name, subject, keywords) per page of ``stamps``, in order."""
    import pikepdf

    out = []
    with pikepdf.open(io.BytesIO(stamps)) as sheet:
        if len(sheet.pages) != len(copies):
            raise ValueError(f"proposal-stamp.html printed {len(sheet.pages)} pages for {len(copies)} recipients; "
                             "it must print one page per recipient")
        for n, (key, subject, keywords) in enumerate(copies):
            with pikepdf.open(io.BytesIO(base)) as pdf:
                form = pdf.copy_foreign(sheet.pages[n].as_form_xobject())
                for page in pdf.pages:
                    name = page.add_resource(form, pikepdf.Name.XObject, name=_free(page, "/NegdocsStamp"))
                    # The page's own drawing is closed in q/Q so its last transformation cannot move the stamp.
                    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
                    page.contents_add(pdf.make_stream(b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq "
                                                      + name.unparse() + b" Do Q\nEMC\n"))
                with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                    meta["dc:description"] = subject
                    meta["pdf:Keywords"] = keywords
                data = io.BytesIO()
                pdf.save(data, deterministic_id=True)
                out.append((key, data.getvalue()))
    return out


def _free(page, name: str):
    """A resource name the page does not use yet (not a random one: output is deterministic)."""
    import pikepdf

    used = page.obj.get("/Resources", {}).get("/XObject", {})
    n = 0
    while f"{name}{n or ''}" in used:
        n += 1
    return pikepdf.Name(f"{name}{n or ''}")
