"""What each edition may see, built before any template runs.

The internal edition sees the whole deal with its analysis. The proposal edition is built
from an allow-list of shared fields only (see :func:`proposal`), never from the full deal
with parts removed.
"""

from __future__ import annotations

from negdocs.analyse.analysis import Analysis
from negdocs import phrases
from negdocs.render.charts import chart
from negdocs.dates import long_date
from negdocs.money import format_value
from negdocs.errors import Problem
from negdocs.load.model import Deal
from negdocs.project import Settings
from negdocs.render.scripts import blanks, fill
from negdocs.analyse.strategy import Pack

EDITIONS = ("internal", "proposal")


def internal(deal: Deal, deal_id: str, pack: Pack, analysis: Analysis, findings: list[Problem],
             script_lines: list[int], settings: Settings, source: str, provenance: dict) -> dict:
    """Template context of the internal playbook."""
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
        "pause_script": pause.replace("{date}", long_date(deal.close_by) or phrases.NO_DATE),
        "label": settings.confidentiality,
        "source": source,
        "provenance": provenance,
        "meta": {
            "title": deal.title,
            "author": deal.owner or "",
            "subject": f"{deal.context} negotiation playbook",
            "keywords": ", ".join(filter(None, [deal.context, pack.name, deal.counterparty.name if deal.counterparty else None])),
        },
    }


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


def proposal(deal: Deal, deal_id: str, settings: Settings) -> dict:
    """Template context of the counterparty edition, built from shared fields only.

    This is an allow-list: each value below is copied from a field FORMAT.md marks shared.
    Nothing else of the deal reaches the proposal templates, so a template cannot leak an
    internal value by mistake.
    """
    cur = deal.currency
    issues = [(i.id, i.name, i.kind) for i in deal.issues]
    rows = [(name, kind, [format_value(o.terms[iid], kind, cur) if iid in o.terms else "" for o in deal.meso])
            for iid, name, kind in issues if any(iid in o.terms for o in deal.meso)]
    options = {"names": [o.name for o in deal.meso], "notes": [o.note or "" for o in deal.meso], "rows": rows} if deal.meso else None
    openings = [(i.name, format_value(i.open, i.kind, cur)) for i in deal.issues if i.open is not None]
    counterparty = deal.counterparty.name if deal.counterparty and deal.counterparty.name else None
    return {
        "edition": "proposal",
        "id": deal_id,
        "title": deal.title,
        "context": deal.context,
        "counterparty": counterparty,
        "owner": deal.owner,
        "close_by": deal.close_by,
        "intro": deal.proposal.intro if deal.proposal else None,
        "options": options,
        "openings": [] if options else openings,
        "standards": [{"id": e.id, "kind": e.kind.replace("-", " "), "summary": e.summary, "source": e.source}
                      for e in deal.evidence if e.shareable],
        "deadlines": [{"date": d.date, "what": d.what, "why": d.why} for d in deal.deadlines],
        "implementation": [{"task": t.task, "owner": t.owner, "due": t.due, "metric": t.metric} for t in deal.implementation],
        "escalation": [{"step": e.step, "by": e.by} for e in deal.escalation if not e.private],
        "meta": {
            "title": f"{deal.title}: proposal" + (f" for {counterparty}" if counterparty else ""),
            "author": deal.owner or "",
            "subject": f"{deal.context} proposal",
            "keywords": ", ".join(filter(None, [deal.context, counterparty])),
        },
    }


def index_entry(edition: str, deal: Deal, deal_id: str) -> dict:
    """One row of an index page; the proposal index sees shared fields only."""
    entry = {"id": deal_id, "title": deal.title, "context": deal.context, "owner": deal.owner, "close_by": deal.close_by,
             "counterparty": deal.counterparty.name if deal.counterparty else None, "guide": is_guide(deal)}
    if edition == "internal":
        entry["status"] = deal.status
    return entry
