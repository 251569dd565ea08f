"""What each edition may see, built before any template runs.

The internal edition sees the whole deal with its analysis. The proposal edition is built
from an allow-list of shared fields only (see :func:`proposal`), never from the full deal
with parts removed.
"""

from __future__ import annotations

from negdocs.analyse.analysis import Analysis
from negdocs.render.charts import chart
from negdocs.errors import Problem
from negdocs.i18n import Lang, lang as get_lang
from negdocs.render.terms import TERMS
from negdocs.load.model import Deal
from negdocs.project import Settings
from negdocs.render.scripts import blanks, fill
from negdocs.analyse.strategy import Pack

EDITIONS = ("internal", "proposal")


CONTEXT_NAMES = TERMS["context"]
EVIDENCE_KINDS = TERMS["evidence"]


def internal(deal: Deal, deal_id: str, pack: Pack, analysis: Analysis, findings: list[Problem],
             script_lines: list[int], settings: Settings, source: str, provenance: dict, t: Lang | None = None) -> dict:
    """Template context of the internal playbook, in the language of ``t`` (and of ``pack``)."""
    t = t or get_lang()
    scripts = fill(deal, pack, script_lines, t)
    charts = {i.id: c for i in deal.issues if (c := chart(deal, i, analysis, t)) is not None}
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
        "blank_scripts": blanks(pack, {s.use for s in deal.scripts if s.use}, t),
        "culture": culture,
        "charts": charts,
        "sections": sections(deal, pack, t),
        "step_notes": step_notes(deal, t),
        "pause_script": pack.pause_script.replace("{date}", t.date(deal.close_by) or f"[{t._('date')}]"),
        "label": site_texts(settings, t)["label"],
        "source": source,
        "provenance": provenance,
        "meta": {
            "title": deal.title,
            "author": deal.owner or "",
            "subject": t._("{context} negotiation playbook", context=t.gettext(CONTEXT_NAMES[deal.context])),
            "keywords": ", ".join(filter(None, [deal.context, pack.name, deal.counterparty.name if deal.counterparty else None])),
        },
    }


def site_texts(settings: Settings, t: Lang) -> dict[str, str]:
    """The site title and the confidentiality label: the project's own words when negdocs.yaml
    sets them, else negdocs' defaults in the page's language."""
    given = settings.model_fields_set
    return {"site_title": settings.site_title if "site_title" in given else t._("Negotiation playbooks"),
            "label": settings.confidentiality if "confidentiality" in given else t._("Confidential: internal use only")}


def sections(deal: Deal, pack: Pack, t: Lang | None = None) -> list[tuple[str, str]]:
    """The internal playbook's sections in reading order: (anchor, title)."""
    t = t or get_lang()
    out = [("summary", t._("At a glance")), ("readiness", t._("Readiness")), ("preparation", t._("Preparation")),
           ("steps", t._("The five steps for this deal")),
           ("context", t._("{context} playbook", context=pack.contexts[deal.context].title)),
           ("meso", t._("MESO grid")), ("concessions", t._("Concession log")), ("anchors", t._("Anchor worksheet")),
           ("scripts", t._("Scripts")), ("moves", t._("Quick reference: moves")),
           ("pitfalls", t._("Pitfalls and safeguards")), ("ethics", t._("Ethics and culture")),
           ("implementation", t._("Implementation and escalation")), ("review", t._("Review"))]
    if deal.notes:
        out.append(("notes", t._("Notes")))
    return out + [("checklist", t._("Checklist")), ("references", t._("References"))]


def step_notes(deal: Deal, t: Lang | None = None) -> dict[str, list[str]]:
    """What each of the five steps means for this deal, from its own data, in ``t``'s language."""
    t = t or get_lang()
    cur = deal.currency
    notes: dict[str, list[str]] = {key: [] for key in ("setup", "first-move", "midgame", "close", "implementation")}
    cp = deal.counterparty
    if cp and cp.name:
        if deal.issues:
            notes["setup"].append(t._("Open with {counterparty} by agreeing the process and the issues on the table "
                                      "({issues}).", counterparty=cp.name, issues=t.join(i.name for i in deal.issues)))
        else:
            notes["setup"].append(t._("Open with {counterparty} by agreeing the process and the issues on the table.",
                                      counterparty=cp.name))
    if deal.batna and deal.batna.summary:
        notes["setup"].append(t._("Our alternative is real: {batna}.", batna=deal.batna.summary.rstrip(".")))
    for person in deal.people:
        if person.veto:
            notes["setup"].append(t._("{name} ({role}) can veto: address {concerns} early.", name=person.name,
                                      role=person.role or t._("no role given"),
                                      concerns=t.join(person.concerns) or t._("their concerns")))
    for issue in deal.issues:
        if issue.open is not None:
            basis = [e.summary.rstrip(".") for i in issue.basis if (e := deal.evidence_item(i)) is not None]
            value = t.value(issue.open, issue.kind, cur)
            notes["first-move"].append(t._("Open {issue} at {value}, citing: {basis}.", issue=issue.name, value=value,
                                           basis="; ".join(basis)) if basis
                                       else t._("Open {issue} at {value}.", issue=issue.name, value=value))
    if deal.meso:
        notes["midgame"].append(t.n_("Present the {count} MESO option together: {options}.",
                                     "Present the {count} MESO options together: {options}.", len(deal.meso),
                                     options=t.join(o.name for o in deal.meso)))
    for concession in deal.concessions:
        if concession.give:
            trigger = concession.trigger or t._("asked")
            notes["midgame"].append(t._("If {trigger}: give {give}, get {get}.", trigger=trigger, give=concession.give,
                                        get=concession.get) if concession.get
                                    else t._("If {trigger}: give {give} (no get recorded yet).", trigger=trigger,
                                             give=concession.give))
    for deadline in deal.deadlines:
        date = t.date(deadline.date)
        notes["midgame"].append(t._("Deadline {date}: {what}, because {why}.", date=date, what=deadline.what, why=deadline.why)
                                if deadline.why else t._("Deadline {date}: {what}.", date=date, what=deadline.what))
    if deal.close_by:
        notes["close"].append(t._("Converge on one text and sign by {date}.", date=t.date(deal.close_by)))
    tradeable = [i.name for i in deal.issues if i.tradeable]
    if tradeable:
        notes["close"].append(t._("Tradeable to close the last gap: {issues}.", issues=t.join(tradeable)))
    for task in deal.implementation:
        who = ""
        if task.owner and task.due:
            who = t._(" ({owner}, due {date})", owner=task.owner, date=t.date(task.due))
        elif task.owner:
            who = f" ({task.owner})"
        notes["implementation"].append(t._("{task}{owner}; measured by {metric}.", task=task.task, owner=who, metric=task.metric)
                                       if task.metric else f"{task.task}{who}.")
    for step in deal.escalation:
        notes["implementation"].append(t._("Escalation: {step} by {date}.", step=step.step, date=t.date(step.by)) if step.by
                                       else t._("Escalation: {step}.", step=step.step))
    return notes


def proposal(deal: Deal, deal_id: str, settings: Settings, t: Lang | None = None) -> dict:
    """Template context of the counterparty edition, built from shared fields only.

    This is an allow-list: each value below is copied from a field FORMAT.md marks shared.
    Nothing else of the deal reaches the proposal templates, so a template cannot leak an
    internal value by mistake.
    """
    t = t or get_lang()
    cur = deal.currency
    issues = [(i.id, i.name, i.kind) for i in deal.issues]
    rows = [(name, kind, [t.value(o.terms[iid], kind, cur) if iid in o.terms else "" for o in deal.meso])
            for iid, name, kind in issues if any(iid in o.terms for o in deal.meso)]
    options = {"names": [o.name for o in deal.meso], "notes": [o.note or "" for o in deal.meso], "rows": rows} if deal.meso else None
    openings = [(i.name, t.value(i.open, i.kind, cur)) for i in deal.issues if i.open is not None]
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
        "standards": [{"id": e.id, "kind": t.gettext(EVIDENCE_KINDS[e.kind]), "summary": e.summary, "source": e.source}
                      for e in deal.evidence if e.shareable],
        "deadlines": [{"date": d.date, "what": d.what, "why": d.why} for d in deal.deadlines],
        "implementation": [{"task": t.task, "owner": t.owner, "due": t.due, "metric": t.metric} for t in deal.implementation],
        "escalation": [{"step": e.step, "by": e.by} for e in deal.escalation if not e.private],
        "meta": {
            "title": t._("{title}: proposal for {counterparty}", title=deal.title, counterparty=counterparty) if counterparty
            else t._("{title}: proposal", title=deal.title),
            "author": deal.owner or "",
            "subject": t._("{context} proposal", context=t.gettext(CONTEXT_NAMES[deal.context])),
            "keywords": ", ".join(filter(None, [deal.context, counterparty])),
        },
    }


def index_entry(edition: str, deal: Deal, deal_id: str) -> dict:
    """One row of an index page; the proposal index sees shared fields only."""
    entry = {"id": deal_id, "title": deal.title, "context": deal.context, "owner": deal.owner, "close_by": deal.close_by,
             "counterparty": deal.counterparty.name if deal.counterparty else None}
    if edition == "internal":
        entry["status"] = deal.status
    return entry
