"""What each edition may see, built before any template runs.

The internal edition sees the whole deal with its analysis. The proposal edition is built
from an allow-list of shared fields only (see :func:`proposal`), never from the full deal
with parts removed.
"""

from __future__ import annotations

from negdocs.analyse import reference
from negdocs.analyse.analysis import Analysis
from negdocs.render.charts import chart
from negdocs.dates import long_date
from negdocs.money import format_value
from negdocs.errors import Problem
from negdocs.load.model import Deal
from negdocs.load.recipients import slug
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
    return {
        "edition": "internal",
        "id": deal_id,
        "deal": deal,
        "pack": pack,
        "context": pack.contexts[deal.context],
        "analysis": analysis,
        "findings": findings,
        "scripts": scripts,
        "blank_scripts": blanks(pack, {s.use for s in deal.scripts if s.use}),
        "culture": culture,
        "charts": charts,
        "sections": sections(deal, pack),
        "step_notes": step_notes(deal),
        "pause_script": pack.pause_script.replace("{date}", long_date(deal.close_by) or "[date]"),
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


def sections(deal: Deal, pack: Pack) -> list[tuple[str, str]]:
    """The internal playbook's sections in reading order: (anchor, title)."""
    out = [("summary", "At a glance"), ("readiness", "Readiness"), ("preparation", "Preparation"),
           ("steps", "The five steps for this deal"), ("context", f"{pack.contexts[deal.context].title} playbook"),
           ("meso", "MESO grid"), ("concessions", "Concession log"), ("anchors", "Anchor worksheet"),
           ("scripts", "Scripts"), ("moves", "Quick reference: moves"), ("pitfalls", "Pitfalls and safeguards"),
           ("ethics", "Ethics and culture"), ("implementation", "Implementation and escalation"), ("review", "Review")]
    if deal.notes:
        out.append(("notes", "Notes"))
    return out + [("checklist", "Checklist"), ("references", "References")]


def step_notes(deal: Deal) -> dict[str, list[str]]:
    """What each of the five steps means for this deal, from its own data."""
    cur = deal.currency
    notes: dict[str, list[str]] = {key: [] for key in ("setup", "first-move", "midgame", "close", "implementation")}
    cp = deal.counterparty
    if cp and cp.name:
        notes["setup"].append(f"Open with {cp.name} by agreeing the process and the issues on the table"
                              + (f" ({', '.join(i.name for i in deal.issues)})." if deal.issues else "."))
    if deal.batna and deal.batna.summary:
        notes["setup"].append(f"Our alternative is real: {deal.batna.summary.rstrip('.')}.")
    for person in deal.people:
        if person.veto:
            notes["setup"].append(f"{person.name} ({person.role or 'no role given'}) can veto: address {', '.join(person.concerns) or 'their concerns'} early.")
    for issue in deal.issues:
        if issue.open is not None:
            basis = [e.summary.rstrip(".") for i in issue.basis if (e := deal.evidence_item(i)) is not None]
            notes["first-move"].append(f"Open {issue.name} at {format_value(issue.open, issue.kind, cur)}"
                                       + (f", citing: {'; '.join(basis)}." if basis else "."))
    if deal.meso:
        notes["midgame"].append(f"Present the {len(deal.meso)} MESO options together: {', '.join(o.name for o in deal.meso)}.")
    for concession in deal.concessions:
        if concession.give:
            notes["midgame"].append(f"If {concession.trigger or 'asked'}: give {concession.give}"
                                    + (f", get {concession.get}." if concession.get else " (no get recorded yet)."))
    for deadline in deal.deadlines:
        notes["midgame"].append(f"Deadline {long_date(deadline.date)}: {deadline.what}" + (f", because {deadline.why}." if deadline.why else "."))
    if deal.close_by:
        notes["close"].append(f"Converge on one text and sign by {long_date(deal.close_by)}.")
    tradeable = [i.name for i in deal.issues if i.tradeable]
    if tradeable:
        notes["close"].append(f"Tradeable to close the last gap: {', '.join(tradeable)}.")
    for task in deal.implementation:
        notes["implementation"].append(f"{task.task}" + (f" ({task.owner}" + (f", due {long_date(task.due)}" if task.due else "") + ")" if task.owner else "")
                                       + (f"; measured by {task.metric}." if task.metric else "."))
    for step in deal.escalation:
        notes["implementation"].append(f"Escalation: {step.step}" + (f" by {long_date(step.by)}" if step.by else "") + ".")
    return notes


def proposal(deal: Deal, deal_id: str, settings: Settings, recipient: dict | None = None) -> dict:
    """Template context of the counterparty edition, built from shared fields only.

    This is an allow-list: each value below is copied from a field FORMAT.md marks shared.
    Nothing else of the deal reaches the proposal templates, so a template cannot leak an
    internal value by mistake. The one trace of ``status`` is ``draft`` (FORMAT.md's DRAFT
    exception). ``recipient`` (one of :func:`recipients`) makes the stamped copy for that
    recipient, which names no one else.
    """
    cur = deal.currency
    issues = [(i.id, i.name, i.kind) for i in deal.issues]
    rows = [(name, kind, [format_value(o.terms[iid], kind, cur) if iid in o.terms else "" for o in deal.meso])
            for iid, name, kind in issues if any(iid in o.terms for o in deal.meso)]
    options = {"names": [o.name for o in deal.meso], "notes": [o.note or "" for o in deal.meso], "rows": rows} if deal.meso else None
    openings = [(i.name, format_value(i.open, i.kind, cur)) for i in deal.issues if i.open is not None]
    shown = {name for name, _, _ in rows}
    also = [i.name for i in deal.issues if i.kind == "text" and i.name not in shown]
    counterparty = deal.counterparty.name if deal.counterparty and deal.counterparty.name else None
    subject = f"{deal.context} proposal"
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
        "standards": [{"id": e.id, "kind": e.kind.replace("-", " "), "summary": e.summary, "source": e.source}
                      for e in deal.evidence if e.shareable],
        "deadlines": [{"date": d.date, "what": d.what, "why": d.why} for d in deal.deadlines],
        "implementation": [{"task": t.task, "owner": t.owner, "due": t.due, "metric": t.metric} for t in deal.implementation],
        "escalation": [{"step": e.step, "by": e.by} for e in deal.escalation if not e.private],
        "recipient": recipient,
        "meta": {
            "title": f"{deal.title}: proposal" + (f" for {counterparty}" if counterparty else ""),
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
        line = f"Prepared for {r.name}" + (f", {r.org}" if r.org else "") + f" · {reference.LABEL} {code}"
        out.append({"slug": made, "name": r.name, "org": r.org, "code": code, "line": line})
    return out


def index_entry(edition: str, deal: Deal, deal_id: str) -> dict:
    """One row of an index page; the proposal index sees shared fields only."""
    entry = {"id": deal_id, "title": deal.title, "context": deal.context, "owner": deal.owner, "close_by": deal.close_by,
             "counterparty": deal.counterparty.name if deal.counterparty else None}
    if edition == "internal":
        entry["status"] = deal.status
    return entry
