"""One deal's proposal package: what a deal desk can send (FORMAT.md, output layout).

``proposal/<id>.html``, ``.docx`` and ``.pdf``, and for each recipient a stamped copy in
the same three formats under ``proposal/<id>/<slug>.*``. Everything is made from the
allow-listed view of :func:`negdocs.render.editions.proposal`; a copy's view names its own
recipient only, the unstamped view names none. A guide (no counterparty, no issues) has no
package. The PDFs are printed later, in worker processes: the proposal is laid out once and
each copy is that PDF with its recipient's stamp laid over every page
(:mod:`negdocs.render.stamp`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from negdocs.analyse.fingerprint import is_guide
from negdocs.i18n import writing_in
from negdocs.render import docx, editions

PREFIX = "proposal/"


@dataclass
class Package:
    files: dict[str, bytes] = field(default_factory=dict)  # HTML and Word files, by output name
    html: str = ""  # the unstamped HTML, printed to PDF
    pdf: str = ""  # the unstamped PDF's name
    stamps: str = ""  # HTML of the recipients' stamps, one page each ("" without recipients)
    copies: tuple = ()  # (PDF name, subject, keywords) of each recipient's copy

    @property
    def pdfs(self) -> list[str]:
        return [self.pdf] + [name for name, _, _ in self.copies]


class Proposals:
    """Makes the packages of one build: the Word reference document is read and checked once."""

    def __init__(self, renderer, project):
        self.renderer = renderer
        self.project = project
        self.reference_path, self.reference = docx.template(project.templates, project.root)
        self.digest = hashlib.sha256(b"\0".join([self.reference] + [_version(p).encode()
                                                                   for p in ("python-docx", "pikepdf")])).hexdigest()

    def package(self, loaded) -> Package | None:
        deal = loaded.deal
        if is_guide(deal):
            return None
        with writing_in(self.project.proposal_locale(deal)) as t:  # the counterparty's language (never the deal's)
            return self._package(loaded, t)

    def _package(self, loaded, t) -> Package:
        deal, deal_id = loaded.deal, loaded.id
        settings = self.project.settings
        site_title = editions.site_texts(settings, t)["site_title"]
        out = Package(html=f"{PREFIX}{deal_id}.html", pdf=f"{PREFIX}{deal_id}.pdf")
        copies = []
        stamps = []
        for recipient in [None, *editions.recipients(deal, deal_id)]:
            view = editions.proposal(deal, deal_id, settings, recipient)
            stem = f"{PREFIX}{deal_id}" + (f"/{recipient['slug']}" if recipient else "")
            page = self.renderer.render("proposal.html", (loaded.source.display, 1), lang=t, **view, site=settings,
                                        logo=self.project.logo, site_title=site_title)
            out.files[f"{stem}.html"] = page.encode("utf-8")
            out.files[f"{stem}.docx"] = docx.render(view, self.reference, settings.paper)
            if recipient:
                copies.append((f"{stem}.pdf", view["meta"]["subject"], view["meta"]["keywords"]))
                stamps.append(recipient["line"])
        if copies:
            out.stamps = self.renderer.render("proposal-stamp.html", (loaded.source.display, 1), lang=t, stamps=stamps,
                                              site=settings, site_title=site_title)
            out.copies = tuple(copies)
        return out


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover
        return "?"
