"""What each edition's templates are given, checked directly (fast, and without a build): the
proposal's allow-list, index rows, the internal playbook's sections and its notes per step."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from negdocs.analyse.analysis import analyse
from negdocs.analyse.strategy import load_packs
from negdocs.load.model import Deal
from negdocs.project import Settings
from negdocs.render import editions
from test_checks import BASE, edit

D = dt.date


def deal(data: dict) -> Deal:
    return Deal.model_validate(json.loads(json.dumps(data, default=str)))


SPARSE = {"format": "negdocs/v1", "title": "T", "context": "hiring",
          "issues": [{"id": "p", "name": "P", "kind": "money", "better": "higher", "open": 5}]}

RICH = edit(BASE, {
    "people": [{"name": "Kim", "role": "CFO", "veto": True, "concerns": ["budget", "risk"]}, {"name": "Lee", "veto": True},
               {"name": "Max", "role": "CTO"}],
    "issues.1.tradeable": True, "concessions.0.trigger": "they ask for a pilot",
    "concessions.1": {"item": "Training", "give": "two days"}, "concessions.2": {"item": "Nothing"},
    "deadlines.1": {"date": "2027-01-20", "what": "Budget", "evidence": ["capacity"]},
    "implementation.1": {"task": "Review"}, "implementation.2": {"task": "Audit", "owner": "QA"},
    "escalation.1": {"step": "CEO call"},
})


def test_step_notes_of_a_full_deal():
    assert editions.step_notes(deal(RICH)) == {
        "setup": ["Open with ACME by agreeing the process and the issues on the table (Price, Payment terms).",
                  "Our alternative is real: Globex rollout.",
                  "Kim (CFO) can veto: address budget, risk early.",
                  "Lee (no role given) can veto: address their concerns early."],
        "first-move": ["Open Price at 135,000 USD, citing: Median is 131k.", "Open Payment terms at 30 days, citing: Terms cap at 60 days."],
        "midgame": ["Present the 2 MESO options together: Lower price, Longer terms.",
                    "If they ask for a pilot: give 30-day pilot, get paid pilot credited to year one.",
                    "If asked: give two days (no get recorded yet).",
                    "Deadline 15 January 2027: Q1 pricing, because slots are allocated on the 15th.",
                    "Deadline 20 January 2027: Budget."],
        "close": ["Converge on one text and sign by 31 January 2027.", "Tradeable to close the last gap: Payment terms."],
        "implementation": ["Kick-off (CSM, due 10 February 2027); measured by go-live in 30 days.", "Review.", "Audit (QA).",
                           "Escalation: Sponsor call by 20 January 2027.", "Escalation: CEO call."],
    }


def test_step_notes_of_a_sparse_deal():
    assert editions.step_notes(deal(SPARSE)) == {"setup": [], "first-move": ["Open P at 5 USD."], "midgame": [], "close": [],
                                                "implementation": []}
    no_issues = edit(BASE, {"issues": [], "meso": [], "scripts": [], "batna.summary": "Globex rollout."})
    assert editions.step_notes(deal(no_issues))["setup"] == ["Open with ACME by agreeing the process and the issues on the table.",
                                                             "Our alternative is real: Globex rollout."]
    nameless = edit(BASE, {"counterparty": {"relationship": "one-off"}, "issues.0.basis": ["loi"]})
    notes = editions.step_notes(deal(nameless))
    assert notes["setup"] == ["Our alternative is real: Globex rollout."]
    assert notes["first-move"][0] == "Open Price at 135,000 USD, citing: Globex letter of intent."


def test_sections_in_reading_order():
    pack = load_packs()["power-based"]
    anchors = ["summary", "readiness", "preparation", "steps", "context", "meso", "concessions", "anchors", "scripts", "moves",
               "pitfalls", "ethics", "implementation", "review", "checklist", "references"]
    without = editions.sections(deal(BASE), pack)
    assert [a for a, _ in without] == anchors
    assert without[4] == ("context", f"{pack.contexts['sales'].title} playbook")
    assert [t for _, t in without][:4] == ["At a glance", "Readiness", "Preparation", "The five steps for this deal"]
    assert [t for _, t in without][5:] == ["MESO grid", "Concession log", "Anchor worksheet", "Scripts", "Quick reference: moves",
                                          "Pitfalls and safeguards", "Ethics and culture", "Implementation and escalation", "Review",
                                          "Checklist", "References"]
    with_notes = editions.sections(deal(edit(BASE, {"notes": "n"})), pack)
    assert with_notes == without[:14] + [("notes", "Notes")] + without[14:]


def test_proposal_view_is_the_allow_list():
    view = editions.proposal(deal(edit(BASE, {"proposal": {"intro": "Hello"}, "evidence.0.source": "Survey 2026",
                                              "escalation.1": {"step": "Joint review", "by": "2027-01-25"},
                                              "meso.0.note": "Cheapest"})), "acme", Settings())
    assert view == {
        "edition": "proposal", "id": "acme", "title": "ACME renewal", "context": "sales", "counterparty": "ACME",
        "owner": "Dana Lee", "close_by": D(2027, 1, 31), "intro": "Hello",
        "options": {"names": ["Lower price", "Longer terms"], "notes": ["Cheapest", ""],
                    "rows": [("Price", "money", ["124,000 USD", "126,000 USD"]), ("Payment terms", "days", ["50 days", "56 days"])]},
        "openings": [],
        "standards": [{"id": "survey", "kind": "benchmark", "summary": "Median is 131k.", "source": "Survey 2026"},
                      {"id": "policy", "kind": "policy", "summary": "Terms cap at 60 days.", "source": None},
                      {"id": "capacity", "kind": "capacity", "summary": "Two Q1 slots left.", "source": None}],
        "deadlines": [{"date": D(2027, 1, 15), "what": "Q1 pricing", "why": "slots are allocated on the 15th"}],
        "implementation": [{"task": "Kick-off", "owner": "CSM", "due": D(2027, 2, 10), "metric": "go-live in 30 days"}],
        "escalation": [{"step": "Joint review", "by": D(2027, 1, 25)}],  # the private step is left out
        "meta": {"title": "ACME renewal: proposal for ACME", "author": "Dana Lee", "subject": "sales proposal", "keywords": "sales, ACME"},
    }


def test_proposal_without_meso_shows_openings_and_without_counterparty_says_less():
    data = edit(BASE, {"meso": [], "evidence.0.kind": "cost-driver", "evidence.1.kind": "legal-standard"}, ["counterparty", "owner"])
    view = editions.proposal(deal(data), "acme", Settings())
    assert (view["options"], view["openings"]) == (None, [("Price", "135,000 USD"), ("Payment terms", "30 days")])
    assert [s["kind"] for s in view["standards"]] == ["cost driver", "legal standard", "capacity"]
    assert (view["counterparty"], view["owner"], view["intro"]) == (None, None, None)
    assert view["meta"] == {"title": "ACME renewal: proposal", "author": "", "subject": "sales proposal", "keywords": "sales"}
    partial = edit(BASE, {"issues.2": {"id": "scope", "name": "Scope", "kind": "text", "positions": ["all", "core"]},
                          "meso.0.terms.scope": "core"})
    rows = editions.proposal(deal(partial), "acme", Settings())["options"]["rows"]
    assert rows[2] == ("Scope", "text", ["core", ""])  # an issue some options leave out; issues none sets are not rows
    assert len(rows) == 3


def test_index_entries():
    full = deal(edit(BASE, {"status": "active"}))
    row = {"id": "acme", "title": "ACME renewal", "context": "sales", "owner": "Dana Lee", "close_by": D(2027, 1, 31),
           "counterparty": "ACME"}
    assert editions.index_entry("internal", full, "acme") == {**row, "status": "active"}
    assert editions.index_entry("proposal", full, "acme") == row
    assert editions.index_entry("internal", deal(SPARSE), "t") == {"id": "t", "title": "T", "context": "hiring", "owner": None,
                                                                   "close_by": None, "counterparty": None, "status": "draft"}


def test_internal_view():
    data = edit(BASE, {"counterparty.culture": "indirect"})
    d = deal(data)
    pack = load_packs()["power-based"]
    analysis = analyse(d)
    view = editions.internal(d, "acme", pack, analysis, [], [3, 9], Settings(confidentiality="Secret"), "playbooks/acme.yaml",
                             {"sha256": "x"})
    assert (view["edition"], view["id"], view["deal"], view["pack"], view["analysis"]) == ("internal", "acme", d, pack, analysis)
    assert (view["culture"], view["label"], view["source"], view["provenance"], view["findings"]) == (
        "indirect", "Secret", "playbooks/acme.yaml", {"sha256": "x"}, [])
    assert view["context"] == pack.contexts["sales"]
    assert view["meta"] == {"title": "ACME renewal", "author": "Dana Lee", "subject": "sales negotiation playbook",
                            "keywords": f"sales, {pack.name}, ACME"}
    assert view["pause_script"] == pack.pause_script.replace("{date}", "31 January 2027")
    assert [s.line for s in view["scripts"]] == [3, 9]
    assert sorted(b.use for b in view["blank_scripts"]) == ["contingency", "deadline", "escalation", "governance"]
    assert list(view["charts"]) == ["price", "payment"]
    assert view["sections"] == editions.sections(d, pack) and view["step_notes"] == editions.step_notes(d)
    bare = editions.internal(deal(SPARSE), "t", pack, analyse(deal(SPARSE)), [], [], Settings(), "t.yaml", {})
    assert (bare["culture"], bare["pause_script"], bare["meta"]["author"], bare["meta"]["keywords"]) == (
        None, pack.pause_script.replace("{date}", "[date]"), "", f"hiring, {pack.name}")
    assert bare["charts"] == {}
