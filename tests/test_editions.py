"""What each edition's templates are given, checked directly (fast, and without a build): the
proposal's allow-list, index rows, the internal playbook's context and its readiness list."""

from __future__ import annotations

import datetime as dt
import json


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

def test_proposal_view_is_the_allow_list():
    view = editions.proposal(deal(edit(BASE, {"proposal": {"intro": "Hello"}, "evidence.0.source": "Survey 2026",
                                              "escalation.1": {"step": "Joint review", "by": "2027-01-25"},
                                              "meso.0.note": "Cheapest"})), "acme", Settings())
    assert view == {
        "edition": "proposal", "id": "acme", "title": "ACME renewal", "context": "sales", "counterparty": "ACME",
        "owner": "Dana Lee", "close_by": D(2027, 1, 31), "intro": "Hello",
        "valid_until": None, "draft": True, "also": [], "recipient": None,  # BASE has no status: a draft
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
    data = edit(BASE, {"meso": [], "currency": "EUR", "evidence.0.kind": "cost-driver", "evidence.1.kind": "legal-standard"},
                ["counterparty", "owner"])
    view = editions.proposal(deal(data), "acme", Settings())
    assert (view["options"], view["openings"]) == (None, [("Price", "135,000 EUR"), ("Payment terms", "30 days")])
    assert [s["kind"] for s in view["standards"]] == ["cost driver", "legal standard", "capacity"]
    assert (view["counterparty"], view["owner"], view["intro"]) == (None, None, None)
    assert view["meta"] == {"title": "ACME renewal: proposal", "author": "", "subject": "sales proposal", "keywords": "sales"}
    partial = edit(BASE, {"issues.2": {"id": "scope", "name": "Scope", "kind": "text", "positions": ["all", "core"]},
                          "meso.0.terms.scope": "core"})
    rows = editions.proposal(deal(edit(partial, {"currency": "GBP"})), "acme", Settings())["options"]["rows"]
    assert rows[0] == ("Price", "money", ["124,000 GBP", "126,000 GBP"])
    assert rows[2] == ("Scope", "text", ["core", ""])  # an issue some options leave out; issues none sets are not rows
    assert len(rows) == 3


def test_index_entries():
    full = deal(edit(BASE, {"status": "active"}))
    row = {"id": "acme", "title": "ACME renewal", "context": "sales", "owner": "Dana Lee", "close_by": D(2027, 1, 31),
           "counterparty": "ACME", "guide": False}
    assert editions.index_entry("internal", full, "acme") == {**row, "status": "active"}
    assert editions.index_entry("proposal", full, "acme") == row
    assert editions.index_entry("internal", deal(SPARSE), "t") == {"id": "t", "title": "T", "context": "hiring", "owner": None,
                                                                   "close_by": None, "counterparty": None, "guide": False,
                                                                   "status": "draft"}
    guide = {"format": "negdocs/v1", "title": "G", "context": "sales"}
    assert editions.index_entry("proposal", deal(guide), "g")["guide"] is True


def test_internal_view():
    from negdocs import phrases

    data = edit(BASE, {"counterparty.culture": "indirect"})
    d = deal(data)
    pack = load_packs()["power-based"]
    context = pack.contexts["sales"]
    analysis = analyse(d, pack)
    view = editions.internal(d, "acme", pack, analysis, [], [3, 9], Settings(confidentiality="Secret"), "playbooks/acme.yaml",
                             {"sha256": "x"})
    assert (view["edition"], view["id"], view["deal"], view["pack"], view["analysis"]) == ("internal", "acme", d, pack, analysis)
    assert (view["culture"], view["label"], view["source"], view["provenance"], view["findings"], view["readiness"]) == (
        "indirect", "Secret", "playbooks/acme.yaml", {"sha256": "x"}, [], [])
    assert view["context"] == context and view["guide"] is False
    assert view["meta"] == {"title": "ACME renewal", "author": "Dana Lee", "subject": "sales negotiation playbook",
                            "keywords": f"sales, {pack.name}, ACME"}
    assert view["pause_script"] == (context.pause_script or pack.pause_script).replace("{date}", "31 January 2027")
    assert [s.line for s in view["scripts"]] == [3, 9]
    assert sorted(b.use for b in view["blank_scripts"]) == ["contingency", "deadline", "escalation", "governance"]
    assert list(view["charts"]) == ["price", "payment"]
    assert view["labels"] == {e.id: phrases.evidence_label(e) for e in d.evidence}
    assert (view["red_lines"], view["deal_checklist"], view["step_notes"]) == (
        phrases.red_lines(d), phrases.checklist_items(d), phrases.step_notes(d))
    assert view["tradeables"] == (context.tradeables or pack.tools.tradeables)
    assert view["issue_examples"] == (context.issue_examples or pack.preparation["issues"].examples)
    assert view["tradeables_text"] == (context.tradeables_text or pack.preparation["tradeables"].text)
    guide = deal({"format": "negdocs/v1", "title": "T", "context": "hiring"})
    bare = editions.internal(guide, "t", pack, analyse(guide, pack), [], [], Settings(), "t.yaml", {})
    assert (bare["culture"], bare["meta"]["author"], bare["meta"]["keywords"], bare["guide"], bare["charts"]) == (
        None, "", f"hiring, {pack.name}", True, {})
    assert bare["pause_script"] == (pack.contexts["hiring"].pause_script or pack.pause_script).replace("{date}", phrases.NO_DATE)


def test_is_guide():
    assert editions.is_guide(deal({"format": "negdocs/v1", "title": "T", "context": "hiring"})) is True
    assert editions.is_guide(deal(SPARSE)) is False  # issues
    assert editions.is_guide(deal({"format": "negdocs/v1", "title": "T", "context": "hiring", "counterparty": {"name": "X"}})) is False


def test_readiness_groups_findings_by_rule_in_order():
    from negdocs.errors import Problem
    from negdocs import phrases

    pack = load_packs()["power-based"]
    findings = [Problem("d.yaml", 7, "issues[0].open: 'Price' has an anchor but no `basis`", "anchor-without-basis", "warning"),
                Problem("d.yaml", 3, "stakes: low stakes", "relationship-over-gain", "warning"),
                Problem("d.yaml", 9, "issues[1].open: 'Term' has an anchor but no `basis`", "anchor-without-basis", "warning")]
    assert editions.readiness(findings, pack) == [
        {"rule": "anchor-without-basis", "title": phrases.rule_title("anchor-without-basis"),
         "why": pack.rationale.get("anchor-without-basis", ""),
         "points": [{"text": "'Price' has an anchor but no basis.", "line": 7}, {"text": "'Term' has an anchor but no basis.", "line": 9}]},
        {"rule": "relationship-over-gain", "title": phrases.rule_title("relationship-over-gain"),
         "why": pack.rationale.get("relationship-over-gain", ""), "points": [{"text": "Low stakes.", "line": 3}]},
    ]
    assert pack.rationale.get("anchor-without-basis")  # the pack explains the rule
    assert editions.readiness([], pack) == []


def test_a_recipient_s_view_names_that_recipient_only_and_lists_text_issues_to_agree():
    data = edit(BASE, {"status": "active", "issues.2": {"id": "scope", "name": "Scope", "kind": "text", "positions": ["a", "b"]},
                       "proposal": {"valid_until": "2027-01-20",
                                    "recipients": [{"name": "Jo Park", "email": "jo@acme.example", "org": "ACME"},
                                                   {"name": "Sam Lee"}]}})
    jo, sam = editions.recipients(deal(data), "acme")
    assert (jo["slug"], jo["name"], jo["org"], sam["slug"], sam["org"]) == ("jo-park", "Jo Park", "ACME", "sam-lee", None)
    assert jo["line"] == f"Prepared for Jo Park, ACME · Reference {jo['code']}" and sam["line"].startswith("Prepared for Sam Lee · ")
    view = editions.proposal(deal(data), "acme", Settings(), jo)
    assert (view["valid_until"], view["draft"], view["also"], view["recipient"]) == (D(2027, 1, 20), False, ["Scope"], jo)
    assert view["meta"]["subject"] == f"sales proposal prepared for Jo Park, ACME · Reference {jo['code']}"
    assert "Sam Lee" not in json.dumps(view, default=str) and "jo@acme.example" not in json.dumps(view, default=str)
    assert editions.proposal(deal(data), "acme", Settings())["recipient"] is None


def test_internal_view_falls_back_to_the_pack_where_a_context_says_nothing():
    pack = load_packs()["power-based"]
    bare_context = pack.contexts["sales"].model_copy(update={"issue_examples": [], "tradeables": [], "tradeables_text": None,
                                                             "pause_script": None})
    plain = pack.model_copy(update={"contexts": {**pack.contexts, "sales": bare_context}})
    d = deal(BASE)
    view = editions.internal(d, "acme", plain, analyse(d, plain), [], [], Settings(), "a.yaml", {})
    assert view["issue_examples"] == pack.preparation["issues"].examples and view["issue_examples"]
    assert view["tradeables"] == pack.tools.tradeables and view["tradeables"]
    assert view["tradeables_text"] == pack.preparation["tradeables"].text and view["tradeables_text"]
    assert view["pause_script"] == pack.pause_script.replace("{date}", "31 January 2027")


def test_readiness_of_a_rule_the_pack_does_not_explain():
    from negdocs.errors import Problem

    (entry,) = editions.readiness([Problem("d.yaml", 2, "a message", "made-up-rule", "warning")], load_packs()["power-based"])
    assert (entry["rule"], entry["why"], entry["points"]) == ("made-up-rule", "", [{"text": "A message.", "line": 2}])


def test_site_texts_are_the_projects_words_when_set_else_defaults_in_the_pages_language():
    from negdocs.i18n import lang

    german = lang("de")
    assert editions.site_texts(Settings(), german) == {
        "site_title": "Verhandlungsleitfäden", "label": "Vertraulich: nur für den internen Gebrauch"}
    # set in negdocs.yaml, even to the English default's words: kept as written
    own = Settings(site_title="Negotiation playbooks", confidentiality="Confidential: internal use only")
    assert editions.site_texts(own, german) == {"site_title": "Negotiation playbooks",
                                                 "label": "Confidential: internal use only"}
    assert editions.site_texts(Settings(site_title="Deal desk"), german) == {
        "site_title": "Deal desk", "label": "Vertraulich: nur für den internen Gebrauch"}
    assert editions.site_texts(Settings(confidentiality="Board only"), german)["label"] == "Board only"
