"""The internal playbook: every section, bound to the deal, falling back to the pack."""

from __future__ import annotations

import re

import pytest

from negdocs.analyse.pack import PLACEHOLDERS, STEPS
from negdocs.analyse.strategy import load_packs
from negdocs.load.model import CONTEXTS

SECTIONS = ["At a glance", "Readiness", "Preparation", "The five steps", "playbook", "MESO grid",
            "Concession log", "Anchor worksheet", "Scripts", "Quick reference: moves", "Pitfalls and safeguards",
            "Ethics and culture", "Implementation and escalation", "Review", "Checklist", "References"]


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


@pytest.mark.parametrize("pack", sorted(load_packs()))
def test_every_pack_is_complete(pack):
    p = load_packs()[pack]
    assert list(p.contexts) == list(CONTEXTS)
    assert list(p.steps) == list(STEPS)
    assert list(p.scripts) == list(PLACEHOLDERS)
    assert {e.context for e in p.examples} == set(CONTEXTS)
    assert len(p.pitfalls) >= 6 and len(p.moves) >= 6 and p.references
    assert all(p.contexts[c].moves for c in CONTEXTS)


def test_power_based_pack_has_the_seven_pitfalls_and_three_conditions():
    p = load_packs()["power-based"]
    assert len(p.pitfalls) == 7
    assert list(p.do_not_use) == ["relationship-over-gain", "perceived-power", "face-culture"]


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_guide_renders_the_generic_playbook_for_its_context(make_project, context):
    project = make_project({"playbooks/guide.yaml": f"format: negdocs/v1\ntitle: Our {context} guide\ncontext: {context}\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/guide.html").read_text()
    pack = load_packs()["power-based"]
    found = headings(html)
    assert [s for s in SECTIONS if not any(s in h for h in found)] == []
    assert pack.contexts[context].title in html
    assert html.count('class="script blank"') == 5  # all five templates, blanks shown
    assert "[issue]" in html and "[date]" in html


def test_a_partly_filled_deal_still_renders_coherently(make_project):
    project = make_project({"playbooks/half.yaml": """
        format: negdocs/v1
        title: Half a plan
        context: procurement
        issues:
          - {id: price, name: Unit price, kind: money, better: lower, open: 9, walk_away: 12}
        concessions:
          - {item: Volume, give: bigger first order}
        """})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0
    assert "concession-without-get" in result.stderr and "anchor-without-basis" in result.stderr
    html = (project.root / "build/half.html").read_text()
    assert [s for s in SECTIONS if not any(s in h for h in headings(html))] == []
    assert "9 USD" in html and "12 USD" in html
    assert "<strong>Concessions:</strong> 0 of 1 are paired with a get" in html
    assert "None" not in re.sub(r"<[^>]+>", "", html)


def test_do_not_use_recommends_principled_with_the_reason(make_project):
    project = make_project({"playbooks/d.yaml": """
        format: negdocs/v1
        title: Small favour
        context: partnership
        stakes: low
        counterparty: {name: Old friend Ltd, relationship: repeated, reputation_sensitive: true}
        """})
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/d.html").read_text()
    assert "Recommendation: use the Principled negotiation strategy." in html
    assert "relationship is repeated and reputation-sensitive while the stakes are low" in html


def test_principled_strategy_renders_the_principled_playbook(make_project):
    project = make_project({"playbooks/p.yaml": "format: negdocs/v1\ntitle: P\ncontext: hiring\nstrategy: principled\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/p.html").read_text()
    principled = load_packs()["principled"]
    assert principled.name in html and principled.contexts["hiring"].title in html
    assert "grounded in a standard" in html  # the floor template, in the hiring wording (our ceiling)
    assert principled.scripts["deadline"].title in html
    assert "Recommendation" not in html


def test_project_can_add_and_override_a_pack(make_project):
    import yaml

    from negdocs.analyse.strategy import BUILTIN_DIR

    data = yaml.safe_load((BUILTIN_DIR / "principled.yaml").read_text())
    data.update(id="acme-way", name="The ACME way")
    project = make_project({"strategies/acme-way.yaml": yaml.safe_dump(data),
                            "playbooks/a.yaml": "format: negdocs/v1\ntitle: A\ncontext: sales\nstrategy: acme-way\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    assert "The ACME way" in (project.root / "build/a.html").read_text()
    del data["checklist"]
    project.write("strategies/acme-way.yaml", yaml.safe_dump(data))
    result = project.run("check")
    assert result.exit_code == 1
    assert "strategies/acme-way.yaml:1: error strategy: checklist: Field required" in result.stderr
    data = yaml.safe_load((BUILTIN_DIR / "principled.yaml").read_text())
    data.update(id="acme-way", name="The ACME way")
    del data["steps"]["close"], data["preparation"]["batna"], data["contexts"]["hiring"]
    data["culture"]["blunt"] = "x"
    project.write("strategies/acme-way.yaml", yaml.safe_dump(data))
    messages = [line.split(": error strategy: ", 1)[1] for line in project.run("check").stderr.splitlines()
                if ": error strategy: " in line]
    assert sorted(messages) == sorted([
        "culture: Value error, culture must have exactly direct, indirect, high-power-distance; unknown blunt",
        "steps: Value error, steps must have exactly setup, first-move, midgame, close, implementation; missing close",
        "preparation: Value error, preparation must have exactly batna, reservation, issues, tradeables, counterparty, "
        "evidence; missing batna",
        "contexts: Value error, contexts must have exactly sales, partnership, procurement, hiring; missing hiring"])


def test_filled_scripts_use_the_deals_data(make_project):
    from conftest import EXAMPLES, copy_examples

    html = None
    import shutil

    project = make_project()
    copy_examples(project.root)
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/acme-renewal.html").read_text()
    filled = re.findall(r'<strong class="slot">(.*?)</strong>', html)
    assert len(filled) >= 12
    assert not re.search(r"\{[a-z_]+\}", re.sub(r"<style>.*?</style>", "", html, flags=re.S))


def test_closed_deal_shows_plan_against_outcome(make_project):
    prompt = load_packs()["power-based"].review.prompts[0]
    project = make_project({"playbooks/c.yaml": f"""
        format: negdocs/v1
        title: Closed deal
        context: sales
        status: closed
        issues:
          - {{id: price, name: Price, kind: money, better: higher, open: 135000, target: 128000, walk_away: 115000, basis: [s]}}
        evidence:
          - {{id: s, kind: benchmark, summary: Survey}}
        review:
          "{prompt}": "The **survey** carried the price."
          Signed at: 126,500 USD
        """})
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/c.html").read_text()
    section = html.split('id="review-plan"', 1)[1]
    assert "128,000 USD" in section and "115,000 USD" in section
    assert f'<dt>{prompt}</dt><dd><div class="md"><p>The <strong>survey</strong> carried the price.</p>' in section
    assert "<dt>Signed at</dt>" in section and "Not answered yet." in section


HALF = """
    format: negdocs/v1
    title: Half a plan
    context: hiring
    counterparty: {name: Sam}
    issues:
      - {id: base-pay, name: Base pay, kind: money, better: lower, open: 90, floor: 100, walk_away: 110, basis: [band, quote]}
    evidence:
      - {id: band, kind: policy, summary: The published band for the level is 80 to 120., shareable: true}
      - {id: quote, kind: other, summary: Contractor quote for six months., label: the contractor quote}
    escalation:
      - {step: Private call with the VP, private: true}
    red_lines: [The other finalist]
    concessions:
      - {item: Start date, give: A later start, get: The pilot is paid, trigger: They ask}
    scripts:
      - {use: floor, issue: base-pay, ask: a higher base, give: a later start}
    """


def _section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_red_lines_are_on_the_first_content_page_and_internal_evidence_is_tagged(make_project):
    project = make_project({"playbooks/half.yaml": HALF})
    assert project.run("build", "--no-pdf").exit_code == 0
    html = (project.root / "build/half.html").read_text()
    summary = _section(html, "summary")
    box = summary.split('class="red-lines"', 1)[1].split("</aside>", 1)[0]
    assert "Never say, never show" in box and "The other finalist" in box
    assert "the contractor quote" in box and "Private call with the VP" in box
    assert summary.index('class="red-lines"') < summary.index("The numbers that matter")
    evidence = _section(html, "prep-evidence")
    row = evidence.split('id="ev-quote"', 1)[1].split("</tr>", 1)[0]
    assert "tag-internal" in row and "internal" in row
    assert "tag-internal" not in evidence.split('id="ev-band"', 1)[1].split("</tr>", 1)[0]
    checklist = _section(html, "checklist")
    assert "Base pay: hold our ceiling of 100 USD." in checklist and "The other finalist" in checklist


def test_a_deal_playbook_reads_as_text_for_people(make_project):
    project = make_project({"playbooks/half.yaml": HALF})
    result = project.run("build", "--no-pdf")
    assert "anchor-without-basis" not in result.stderr
    html = (project.root / "build/half.html").read_text()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)>.*?</\1>", "", html, flags=re.S))
    assert "<code>base-pay</code>" not in html and "<code>quote</code>" not in html  # no internal ids beside names
    assert "Checked: clear" not in text and "benchmark Y" not in text
    assert "a date we agree now" in html.split('id="scripts-pause"')[1]  # no close_by: no [date] placeholder
    assert "give A later start, get The pilot" not in text
    assert "We give: a later start. We get: the pilot is paid." in text.replace("  ", " ") or "We give: A later start" in text
    assert "invoice" not in text.lower() and "case study" not in text.lower()  # no sales text in a hiring playbook
    assert "Our ceiling" in text or "our ceiling" in text
    assert "our floor" not in _section(html, "scripts")


def test_readiness_explains_findings_instead_of_listing_rule_output(make_project):
    from negdocs import phrases

    project = make_project({"playbooks/half.yaml": HALF.replace("basis: [band, quote]", "basis: []")})
    assert project.run("build", "--no-pdf").exit_code == 0
    readiness = _section((project.root / "build/half.html").read_text(), "readiness")
    assert phrases.RULE_TITLES["anchor-without-basis"] in readiness
    assert "Why it matters:" in readiness and "Deal file, line" in readiness
    assert "issues[0]" not in readiness and "<code>anchor-without-basis</code>" not in readiness


def test_pack_example_figures_sit_in_a_box_marked_example(make_project):
    project = make_project({"playbooks/g.yaml": "format: negdocs/v1\ntitle: G\ncontext: sales\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    context = _section((project.root / "build/g.html").read_text(), "context")
    assert "120k" in context
    for line in re.findall(r"<p><b class=\"speaker\">.*?</p>", context):
        before = context[:context.index(line)]
        assert before.rfind('<aside class="example"') > before.rfind("</aside>"), line


def test_the_index_is_one_table_with_pdf_links_and_guides_apart(make_project):
    project = make_project({"playbooks/half.yaml": HALF, "playbooks/g.yaml": "format: negdocs/v1\ntitle: A guide\ncontext: sales\n"})
    assert project.run("build", "--no-pdf").exit_code == 0
    index = (project.root / "build/index.html").read_text()
    assert index.count("<table") == 1 and "Half a plan" in index.split("</table>")[0]
    assert "A guide" in index.split('id="guides-h"')[1] and "A guide" not in index.split("</table>")[0]
    assert ".pdf" not in index  # no PDF was built


def test_red_lines_name_at_most_twelve_internal_items():
    from negdocs import phrases
    from negdocs.load.model import Deal

    deal = Deal.model_validate({"format": "negdocs/v1", "title": "T", "context": "sales",
                                "evidence": [{"id": f"e{n}", "kind": "other", "summary": f"Item {n}."} for n in range(20)]})
    (line,) = [text for kind, text in phrases.red_lines(deal) if kind == "show"]
    assert "Item 11" in line and "Item 12" not in line and line.endswith("and 8 more in the evidence pack.")
