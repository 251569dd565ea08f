"""The proposal as a Word document, from the same allow-listed view as the HTML and PDF.

python-docx writes it into a copy of the reference document ``proposal.docx`` (the
project's ``templates/proposal.docx`` when there is one, else the built-in), whose styles it
uses: headings are Word heading styles (the navigation pane and a table of contents work),
the options, opening terms, dates and plan are real tables, the running title, the DRAFT
mark and a recipient's stamp sit in the header and footer of every page. The output is
deterministic: fixed zip member order and timestamps, core-properties dates from
SOURCE_DATE_EPOCH or none.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from negdocs.analyse import reference
from negdocs.errors import NegdocsError, Problem, display_path
from negdocs.load.archive import checked_zip
from negdocs.render import markdown

TEMPLATE = "proposal.docx"
TEMPLATE_MAX = 10 * 1024 * 1024  # bytes of the reference document
EXPANDED_MAX = 50 * 1024 * 1024  # bytes its members may expand to
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
PAPER = {"A4": (210, 297), "Letter": (215.9, 279.4)}  # mm


def template(project_templates: Path, root: Path) -> tuple[Path, bytes]:
    """The reference document and its bytes, checked: a size limit, a zip that expands to
    at most EXPANDED_MAX, no macros and no relationship to anything outside the file (Word
    would fetch it when a counterparty opens the proposal)."""
    from negdocs.render.render import builtin_templates

    path = project_templates / TEMPLATE
    if not path.is_file():
        path = builtin_templates() / TEMPLATE
    shown = display_path(path, root)

    def fail(message: str):
        raise NegdocsError(Problem(shown, 1, message, "template"))

    resolved = path.resolve()
    if path.parent == project_templates and not resolved.is_relative_to(root.resolve()):
        fail("resolves outside the project; the Word template must be a file inside it")
    if resolved.stat().st_size > TEMPLATE_MAX:
        fail(f"is {resolved.stat().st_size:,} bytes; the limit is {TEMPLATE_MAX:,}")
    data = resolved.read_bytes()
    with checked_zip(data, shown, EXPANDED_MAX) as archive:
        for name in archive.namelist():
            if name.lower().endswith(".rels"):
                rels = archive.read(name).decode("utf-8", "replace")
                if re.search(r"TargetMode\s*=\s*[\"']External", rels):
                    fail(f"{name} links to a resource outside the document, which Word would fetch when the proposal "
                         "is opened; remove the link (an attached template, a linked image or font)")
            if "vbaproject" in name.lower() or "activex" in name.lower():
                fail(f"holds macros or controls ({name}); a proposal carries none: save the template as a plain .docx")
    return path, data


def render(view: dict, reference: bytes, paper: str) -> bytes:
    """One proposal (or a recipient's copy: ``view['recipient']``) as .docx bytes, its fixed
    words and dates in the language in effect (:func:`negdocs.i18n.current`), which is also
    the document's language (core properties and the default run language)."""
    import docx
    from docx.shared import Mm

    from negdocs.i18n import current

    t = current()
    _ = t._
    long_date = t.date

    doc = docx.Document(io.BytesIO(reference))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    section = doc.sections[0]
    section.page_width, section.page_height = (Mm(v) for v in PAPER[paper])
    writer = _Writer(doc)
    running = view["title"] + (" · " + _("proposal for {counterparty}", counterparty=view["counterparty"])
                               if view["counterparty"] else "")
    stamp = view["recipient"]["line"] if view["recipient"] else None
    for header in (section.header, section.first_page_header, section.even_page_header):
        writer.fill(header, [(running, "")] + ([("DRAFT", "b")] if view["draft"] else []))
    for footer in (section.footer, section.first_page_footer, section.even_page_footer):
        writer.fill(footer, ([(stamp, "")] if stamp else []) + [(_("Page") + " ", "PAGE")])
    if view["draft"]:
        writer.para([("DRAFT", "b")])
    writer.para([(_("Proposal for {counterparty}", counterparty=view["counterparty"]) if view["counterparty"]
                  else _("Proposal"), "")])
    writer.heading(view["title"], 1)
    if view["valid_until"]:
        writer.para([(_("This proposal is valid until {date}.", date=long_date(view["valid_until"])), "b")])
    for label, value in ((_("Prepared for:"), view["counterparty"]), (_("Contact:"), view["owner"]),
                         (_("Proposed signature:"), long_date(view["close_by"]))):
        if value:
            writer.para([(f"{label} ", "b"), (value, "")])
    if view["intro"]:
        writer.heading(_("Introduction"), 2)
        writer.markdown(view["intro"])
    options = view["options"]
    if options:
        writer.heading(_("Options"), 2)
        writer.para([(_("The options below are offered together; each is a complete package, and we are glad to go with "
                        "whichever suits you best."), "")])
        rows = [[name, *values] for name, _, values in options["rows"]]
        if any(options["notes"]):
            rows.append([_("Why choose it"), *options["notes"]])
        writer.table([_("Term"), *options["names"]], rows)
    elif view["openings"]:
        writer.heading(_("Our proposal"), 2)
        writer.table([_("Term"), _("Our proposal")], [list(row) for row in view["openings"]])
    if view["also"]:
        writer.heading(_("Also to agree"), 2)
        writer.para([(_("We would also like to agree on these terms together:"), "")])
        for name in view["also"]:
            writer.para([(name, "")], "List Bullet")
    if view["standards"]:
        writer.heading(_("The standards we rely on"), 2)
        for s in view["standards"]:
            writer.para([(f"{s['kind'].capitalize()}: ", "b"), (s["summary"], "")]
                        + ([(" " + _("Source: {source}", source=s["source"]), "i")] if s["source"] else []), "List Bullet")
    if view["deadlines"]:
        writer.heading(_("Dates and why they matter"), 2)
        writer.table([_("Date"), _("What"), _("Why")], [[long_date(d["date"]), d["what"], d["why"] or ""] for d in view["deadlines"]])
    if view["implementation"]:
        writer.heading(_("Joint implementation plan"), 2)
        writer.table([_("Task"), _("Owner"), _("Due"), _("Measure of success")],
                     [[t["task"], t["owner"] or "", long_date(t["due"]), t["metric"] or ""] for t in view["implementation"]])
    if view["escalation"]:
        writer.heading(_("If we get stuck"), 2)
        for e in view["escalation"]:
            writer.para([(_("{step}, by {date}", step=e["step"], date=long_date(e["by"])) if e["by"] else e["step"], "")],
                        "List Number")
    _properties(doc, view["meta"])
    out = io.BytesIO()
    doc.save(out)
    return normalise(out.getvalue())


class _Writer:
    """Paragraphs, headings and tables in the reference document's styles (a style the
    template lacks falls back to the default paragraph style)."""

    def __init__(self, doc):
        self.doc = doc
        self.styles = {s.name for s in doc.styles}

    def style(self, name: str) -> str | None:
        return name if name in self.styles else None

    def para(self, runs, style: str | None = None, container=None):
        paragraph = (container or self.doc).add_paragraph(style=self.style(style) if style else None)
        for text, how in runs:
            self.run(paragraph, text, how)
        return paragraph

    def run(self, paragraph, text: str, how: str):
        if how == "PAGE":  # a page-number field Word fills in
            paragraph.add_run(_xml_text(text))
            for instr in ("PAGE", None, "NUMPAGES"):
                if instr is None:
                    paragraph.add_run(" of ")
                    continue
                field = paragraph._p.makeelement(_w("fldSimple"), {_w("instr"): instr})
                field.append(paragraph.add_run("1")._r)
                paragraph._p.append(field)
            return
        for n, line in enumerate(_xml_text(text).split("\n")):
            if n:
                paragraph.add_run().add_break()
            run = paragraph.add_run(line)
            run.bold = "b" in how or None
            run.italic = "i" in how or None
            run.font.strike = "s" in how or None
            if "c" in how:
                run.font.name = "Courier New"

    def heading(self, text: str, level: int):
        if self.style(f"Heading {level}"):
            return self.doc.add_heading(_xml_text(text), level)
        return self.para([(text, "b")])

    def fill(self, part, runs):
        """A header or footer with one paragraph per run, replacing what the template had."""
        part.is_linked_to_previous = False
        for paragraph in list(part.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)
        for text, how in runs:
            self.para([(text, how)], container=part)

    def table(self, head: list[str], rows: list[list[str]]):
        table = self.doc.add_table(rows=1 + len(rows), cols=len(head))
        if self.style("Table Grid"):
            table.style = "Table Grid"
        for r, values in enumerate([head, *rows]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = ""
                self.run(cell.paragraphs[0], str(value), "b" if r == 0 or c == 0 else "")
        header = table.rows[0]._tr.get_or_add_trPr()  # the head row repeats on every page and reads as a header
        header.append(header.makeelement(_w("tblHeader"), {}))
        return table

    def markdown(self, text: str):
        styles = {"p": None, "quote": "Quote", "code": None}
        for kind, level, runs in markdown.blocks(text):
            if kind == "h":
                self.heading("".join(t for t, _ in runs), min(level, 9))
            elif kind in ("bullet", "number"):
                name = ("List Bullet" if kind == "bullet" else "List Number") + (f" {level}" if level > 1 else "")
                self.para(runs, name if self.style(name) else ("List Bullet" if kind == "bullet" else "List Number"))
            else:
                self.para(runs, styles[kind])


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _xml_text(text: str) -> str:
    """Text XML can hold: characters XML 1.0 forbids are dropped."""
    return _NOT_XML.sub("", text)


CORE_MAX = 255  # characters of a core property: python-docx refuses more (and Word's dialogs show no more)


def _fit(text: str, limit: int = CORE_MAX) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was longer (a long title)."""
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _keywords(text: str) -> str:
    """The keywords, cut like :func:`_fit` but keeping a copy's reference, their last item, whole."""
    head, sep, last = text.rpartition(", ")
    if len(text) <= CORE_MAX or not last.startswith(reference.LABEL + " "):
        return _fit(text)
    return _fit(head, CORE_MAX - len(sep) - len(last)) + sep + last


LANGUAGE_TAGS = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES"}


def _properties(doc, meta: dict) -> None:
    """Core properties from the view's metadata only (and the document's language); nothing of
    the template's remains. The language is also set on the default run properties, which is
    what Word's proofing and screen readers follow."""
    from docx.oxml.ns import qn

    from negdocs.i18n import current

    locale = current().code
    props = doc.core_properties
    for name in ("category", "comments", "content_status", "identifier", "last_modified_by", "version"):
        setattr(props, name, "")
    props.language = LANGUAGE_TAGS.get(locale, locale)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = rpr.makeelement(qn("w:lang"), {})
                rpr.append(lang)
            lang.set(qn("w:val"), LANGUAGE_TAGS.get(locale, locale))
    props.title, props.author, props.subject = (_fit(_xml_text(meta[k])) for k in ("title", "author", "subject"))
    props.keywords = _keywords(_xml_text(meta["keywords"]))
    props.revision = 1
    element = props._element
    for tag in ("created", "modified", "lastPrinted"):
        for old in [e for e in element if e.tag.endswith("}" + tag)]:
            element.remove(old)
    when = _epoch()
    if when is not None:
        props.created = props.modified = when


def _epoch() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None) if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):
        return None


def normalise(data: bytes) -> bytes:
    """The same zip with a fixed member order ([Content_Types].xml first) and fixed
    timestamps and attributes, so two builds give byte-identical files."""
    when = _epoch()
    stamp = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say
    if when is not None and 1980 <= when.year <= 2107:
        stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
