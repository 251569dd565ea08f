"""What each edition may see, built before any template runs.

The internal edition sees the whole deal with its analysis. The proposal edition is built
from an allow-list of shared fields only (see :func:`proposal`), never from the full deal
with parts removed.
"""

from __future__ import annotations

from negdocs.analyse import reference
from negdocs.analyse.analysis import Analysis
from negdocs import phrases
from negdocs.render.charts import chart
from negdocs.errors import Problem
from negdocs.i18n import Lang, current
from negdocs.render.terms import term
from negdocs.load.model import Deal
from negdocs.load.recipients import slug
from negdocs.project import Settings
from negdocs.render.scripts import blanks, fill
from negdocs.analyse.pack import Pack

EDITIONS = ("internal", "proposal")


def internal(deal: Deal, deal_id: str, pack: Pack, analysis: Analysis, findings: list[Problem],
             script_lines: list[int], settings: Settings, source: str, provenance: dict) -> dict:
    """Template context of the internal playbook, in the language in effect (:func:`negdocs.i18n.current`)."""
    t = current()
    scripts = fill(deal, pack, script_lines)
    charts = {i.id: c for i in deal.issues if (c := chart(deal, i, analysis)) is not None}
    culture = deal.counterparty.culture if deal.counterparty and deal.counterparty.culture else None
    context = pack.contexts[deal.context]
    pause = context.pause_script or pack.pause_script
    return {
        "edition": "internal",
        "id": deal_id,
        "deal": deal,
        "pack": pack,
        "context": context,
        "analysis": analysis,
        "findings": findings,
        "readiness": readiness(findings, pack),
        "scripts": scripts,
        "blank_scripts": blanks(pack, {s.use for s in deal.scripts if s.use}, deal),
        "culture": culture,
        "charts": charts,
        "labels": {e.id: phrases.evidence_label(e) for e in deal.evidence},
        "red_lines": phrases.red_lines(deal),
        "deal_checklist": phrases.checklist_items(deal),
        "tradeables": context.tradeables or pack.tools.tradeables,
        "issue_examples": context.issue_examples or pack.preparation["issues"].examples,
        "tradeables_text": context.tradeables_text or pack.preparation["tradeables"].text,
        "guide": is_guide(deal),
        "step_notes": phrases.step_notes(deal),
        "pause_script": pause.replace("{date}", t.date(deal.close_by) or t.gettext(phrases.NO_DATE)),
        "label": site_texts(settings, t)["label"],
        "source": source,
        "provenance": provenance,
        "meta": {
            "title": deal.title,
            "author": deal.owner or "",
            "subject": t._("{context} negotiation playbook", context=term(t, "context", deal.context)),
            "keywords": ", ".join(filter(None, [deal.context, pack.name, deal.counterparty.name if deal.counterparty else None])),
        },
    }


def site_texts(settings: Settings, t: Lang) -> dict[str, str]:
    """The site title and the confidentiality label: the project's own words when negdocs.yaml
    sets them, else negdocs' defaults in the page's language."""
    given = settings.model_fields_set
    return {"site_title": settings.site_title if "site_title" in given else t._("Negotiation playbooks"),
            "label": settings.confidentiality if "confidentiality" in given else t._("Confidential: internal use only")}


def is_guide(deal: Deal) -> bool:
    """A guide is a file with no counterparty and no issues (FORMAT.md)."""
    return deal.counterparty is None and not deal.issues


def readiness(findings: list[Problem], pack: Pack) -> list[dict]:
    """The findings for a person: one entry per rule, with what it means, why it matters and
    where in the deal file to fix it."""
    out: dict[str, dict] = {}
    for f in findings:
        entry = out.setdefault(f.rule, {"rule": f.rule, "title": phrases.rule_title(f.rule),
                                        "why": pack.rationale.get(f.rule, ""), "points": []})
        entry["points"].append({"text": phrases.finding_text(f.message), "line": f.line})
    return list(out.values())


def proposal(deal: Deal, deal_id: str, settings: Settings, recipient: dict | None = None) -> dict:
    """Template context of the counterparty edition, built from shared fields only.

    This is an allow-list: each value below is copied from a field FORMAT.md marks shared.
    Nothing else of the deal reaches the proposal templates, so a template cannot leak an
    internal value by mistake. The one trace of ``status`` is ``draft`` (FORMAT.md's DRAFT
    exception). ``recipient`` (one of :func:`recipients`) makes the stamped copy for that
    recipient, which names no one else.
    """
    t = current()
    cur = deal.currency
    issues = [(i.id, i.name, i.kind) for i in deal.issues]
    rows = [(name, kind, [t.value(o.terms[iid], kind, cur) if iid in o.terms else "" for o in deal.meso])
            for iid, name, kind in issues if any(iid in o.terms for o in deal.meso)]
    options = {"names": [o.name for o in deal.meso], "notes": [o.note or "" for o in deal.meso], "rows": rows} if deal.meso else None
    openings = [(i.name, t.value(i.open, i.kind, cur)) for i in deal.issues if i.open is not None]
    shown = {name for name, _, _ in rows}
    also = [i.name for i in deal.issues if i.kind == "text" and i.name not in shown]
    counterparty = deal.counterparty.name if deal.counterparty and deal.counterparty.name else None
    subject = t._("{context} proposal", context=term(t, "context", deal.context))
    keywords = [deal.context, counterparty]
    if recipient is not None:
        subject += f" {recipient['line'][0].lower()}{recipient['line'][1:]}"
        keywords.append(f"{reference.LABEL} {recipient['code']}")
    return {
        "edition": "proposal",
        "id": deal_id,
        "title": deal.title,
        "context": deal.context,
        "counterparty": counterparty,
        "owner": deal.owner,
        "close_by": deal.close_by,
        "valid_until": deal.proposal.valid_until if deal.proposal else None,
        "draft": deal.status == "draft",
        "intro": deal.proposal.intro if deal.proposal else None,
        "options": options,
        "openings": [] if options else openings,
        "also": also,
        "standards": [{"id": e.id, "kind": term(t, "evidence", e.kind), "summary": e.summary, "source": e.source}
                      for e in deal.evidence if e.shareable],
        "deadlines": [{"date": d.date, "what": d.what, "why": d.why} for d in deal.deadlines],
        "implementation": [{"task": t.task, "owner": t.owner, "due": t.due, "metric": t.metric} for t in deal.implementation],
        "escalation": [{"step": e.step, "by": e.by} for e in deal.escalation if not e.private],
        "recipient": recipient,
        "meta": {
            "title": t._("{title}: proposal for {counterparty}", title=deal.title, counterparty=counterparty) if counterparty
            else t._("{title}: proposal", title=deal.title),
            "author": deal.owner or "",
            "subject": subject,
            "keywords": ", ".join(filter(None, keywords)),
        },
    }


def recipients(deal: Deal, deal_id: str) -> list[dict]:
    """Each recipient's stamp: slug (names the copy's files), name, org, reference code and
    the line printed on every page. The e-mail address is never printed."""
    out = []
    for r in deal.proposal.recipients if deal.proposal else []:
        made = slug(r.name)
        code = reference.code(deal_id, made, deal)
        who = current()._("Prepared for {name}, {org}", name=r.name, org=r.org) if r.org else \
            current()._("Prepared for {name}", name=r.name)
        line = f"{who} · {reference.LABEL} {code}"
        out.append({"slug": made, "name": r.name, "org": r.org, "code": code, "line": line})
    return out


def index_entry(edition: str, deal: Deal, deal_id: str) -> dict:
    """One row of an index page; the proposal index sees shared fields only."""
    entry = {"id": deal_id, "title": deal.title, "context": deal.context, "owner": deal.owner, "close_by": deal.close_by,
             "counterparty": deal.counterparty.name if deal.counterparty else None, "guide": is_guide(deal)}
    if edition == "internal":
        entry["status"] = deal.status
    return entry
