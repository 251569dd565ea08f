"""Write templates/proposal.docx, the built-in Word reference document of the proposal.

It is python-docx's own default document (its styles: Heading 1-9, Table Grid, List Bullet,
List Number, Quote...) without its preview thumbnail and with empty core properties. A
project restyles the Word proposal by saving its own reference document as
templates/proposal.docx. Run: .venv/bin/python scripts/make-proposal-docx.py
"""

import io
from pathlib import Path

import docx

from negdocs.render.docx import _properties, normalise

doc = docx.Document()
package = doc.part.package
for rid, rel in list(package.rels.items()):
    if rel.reltype.endswith("/thumbnail"):
        del package.rels[rid]
_properties(doc, {"title": "", "author": "", "subject": "", "keywords": ""})
out = io.BytesIO()
doc.save(out)
target = Path(__file__).resolve().parent.parent / "templates" / "proposal.docx"
target.write_bytes(normalise(out.getvalue()))
print(f"wrote {target}")
