"""A page's template context: what the internal playbook and the proposal of one deal show,
every word, number and date of it in the page's language, and where the page comes from."""

from __future__ import annotations

import os

from negdocs import FORMAT_VERSION, __version__
from negdocs.analyse import checks
from negdocs.analyse.analysis import analyse
from negdocs.dates import long_date
from negdocs.deals import Loaded
from negdocs.load.model import Deal
from negdocs.project import Project
from negdocs.render import editions


def renderer_for(project: Project):
    """The project's templates, with what every page shares computed once per build."""
    from negdocs.project import accent_css
    from negdocs.render.render import Renderer

    return Renderer(project.templates, project.root, {"accent_css": accent_css(project.settings.accent)})


def build_date(locale: str = "en") -> str | None:
    """The build date from SOURCE_DATE_EPOCH, or None: output never carries wall-clock time."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return long_date(dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date(), locale) if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):  # not a representable time: no date, as when unset
        return None


def provenance(loaded: Loaded, git: dict, locale: str = "en") -> dict:
    """Where this playbook comes from: content hash, git commit and date, versions; no wall clock."""
    return {"sha256": loaded.source.digest, "negdocs": __version__, "format": FORMAT_VERSION, "built": build_date(locale),
            "commit": git.get("commit"), "file_commit": git.get("file_commit"), "file_date": git.get("file_date"),
            "modified": git.get("modified", False)}


def page_lang(edition: str, deal: Deal, project: Project):
    """The language a page of ``edition`` is written in (see Project.deal_locale, proposal_locale)."""
    from negdocs.i18n import lang

    return lang(project.proposal_locale(deal) if edition == "proposal" else project.deal_locale(deal))


def page_context(edition: str, loaded: Loaded, packs, project: Project, git: dict) -> dict:
    """A page's template context, every word and number of it in the page's language."""
    from negdocs.i18n import writing_in

    t = page_lang(edition, loaded.deal, project)
    with writing_in(t.code):
        site_title = editions.site_texts(project.settings, t)["site_title"]
        if edition == "proposal":
            return {**editions.proposal(loaded.deal, loaded.id, project.settings), "site": project.settings,
                    "logo": project.logo, "site_title": site_title}
        pack, fallback = packs.pack(loaded.deal.strategy, t.code)
        lines = [loaded.source.line(("scripts", n)) for n in range(len(loaded.deal.scripts))]
        analysis, findings = loaded.analysis, loaded.findings
        if t.code != "en":  # the findings' explanations in the playbook's language (the command line keeps English)
            analysis = analyse(loaded.deal, packs.get(loaded.deal.strategy))  # the command line's findings, reworded
            findings = checks.run(loaded.source, loaded.deal, analysis, project.settings.checks.ignore, locale=t.code)
        context = editions.internal(loaded.deal, loaded.id, pack, analysis, findings, lines,
                                    project.settings, loaded.source.display, provenance(loaded, git, t.code))
        recommended = packs.pack("principled", t.code)[0] if "principled" in packs else None
    return {**context, "site": project.settings, "logo": project.logo, "packs": packs, "recommended": recommended,
            "pack_fallback": fallback, "site_title": site_title}
