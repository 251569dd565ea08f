"""The internal playbook: every section, bound to the deal, falling back to the pack."""

from __future__ import annotations

import re

import pytest

from negdocs.analyse.strategy import CONTEXTS, PLACEHOLDERS, STEPS, load_packs

SECTIONS = ["At a glance", "Readiness", "Preparation", "The five steps for this deal", "playbook", "MESO grid",
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
    assert "Concessions: 0 of 1 are paired with a get" in html
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
    assert principled.scripts["floor"].title in html
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
