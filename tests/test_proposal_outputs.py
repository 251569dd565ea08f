"""What a build of the proposal edition leaves on disk: nothing internal anywhere in it."""

from __future__ import annotations

import re

from negdocs.build import build

# walk_away 745,000 and their estimate 731,000 leave no zone: the no-zopa finding quotes both.
SECRET_FINDING = """\
format: negdocs/v1
title: Renewal
context: sales
counterparty: {name: ACME Corp}
batna: {value: 655000}
issues:
  - {id: fee, name: Fee, kind: money, better: higher, open: 990000, target: 880000, walk_away: 745000, their_walk_away: 731000}
"""
SECRETS = tuple(f(n) for n in (731000, 745000, 655000, 880000) for f in (str, "{:,}".format, lambda n: f"{n // 1000}k")) \
    + ("no zone of agreement", "walk-away")


def _everything(folder) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_proposal_build_keeps_no_finding_text_or_internal_value(make_project):
    project = make_project({"playbooks/renewal.yaml": SECRET_FINDING})
    result = build(root=project.root, out=project.root / "build", pdf=False, edition="proposal")
    assert "no-zopa" in [p.rule for p in result.problems]  # the finding is reported on our side
    text = _everything(project.root / "build")
    assert "Renewal" in text
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is in the proposal build's output folder"


def test_a_proposal_build_over_an_internal_one_drops_what_it_carried(make_project):
    """Deals carried over from an earlier `--edition all` build keep no internal record either,
    and an incremental proposal build still reports their findings in full."""
    project = make_project({"playbooks/renewal.yaml": SECRET_FINDING})
    build(root=project.root, out=project.root / "build", pdf=False, edition="all")
    assert "no zone of agreement" in _everything(project.root / "build")
    build(root=project.root, out=project.root / "build", pdf=False, edition="proposal")
    again = build(root=project.root, out=project.root / "build", pdf=False, edition="proposal")
    assert again.rebuilt == []  # carried over, not rendered
    assert any(p.message.startswith("issues[0].walk_away: no zone of agreement") for p in again.problems)
    text = _everything(project.root / "build")
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is in the proposal build's output folder"


DEAL = """\
format: negdocs/v1
title: Platform renewal
context: sales
status: {status}
owner: Dana Lee
counterparty: {{name: ACME Corp}}
issues:
  - {{id: fee, name: Annual fee, kind: money, better: higher, open: 990000, target: 880000, walk_away: 731000}}
  - {{id: residency, name: Data residency, kind: text, positions: [SECRETPOSITION1, SECRETPOSITION2]}}
  - {{id: publicity, name: Publicity, kind: text, positions: [Case study, Logo only]}}
meso:
  - {{name: Lower fee, terms: {{fee: 950000, publicity: Case study}}}}
  - {{name: Higher fee, terms: {{fee: 990000, publicity: Logo only}}}}
proposal:
  valid_until: 2027-01-22
  intro: "See [our terms](https://example.com/terms) and [the plan](#plan)."
  recipients:
    - {{name: Priya Raman, email: priya@acme.example, org: ACME Corp Procurement}}
    - {{name: José Álvarez, email: jose@acme.example}}
"""
GUIDE = "format: negdocs/v1\ntitle: How we renew\ncontext: sales\n"


def _package(make_project, status="active", *args):
    project = make_project({"playbooks/renewal.yaml": DEAL.format(status=status), "playbooks/guide.yaml": GUIDE,
                            "playbooks/other.yaml": "format: negdocs/v1\ntitle: Other deal\ncontext: sales\n"
                                                    "counterparty: {name: Globex}\n"})
    result = project.run("build", "--edition", "proposal", "--no-pdf", *args)
    assert result.exit_code == 0, result.output
    return project, result


def _read(project, name: str) -> str:
    return (project.root / "build/proposal" / name).read_text(encoding="utf-8")


def test_one_self_contained_package_per_deal_and_nothing_else(make_project):
    project, result = _package(make_project)
    assert project.files() == [".negdocs-build.json"] + [f"proposal/{n}" for n in (
        "other.docx", "other.html", "renewal.docx", "renewal.html", "renewal/jose-alvarez.docx",
        "renewal/jose-alvarez.html", "renewal/priya-raman.docx", "renewal/priya-raman.html")]
    assert result.stderr.count("no proposal") == 1
    assert "negdocs: no proposal for 1 guide (no counterparty and no issues): playbooks/guide.yaml" in result.stderr
    for name in ("renewal.html", "renewal/priya-raman.html", "other.html"):
        html = _read(project, name)
        assert "<script" not in html and "<link" not in html
        assert re.findall(r'\bhref="([^"]*)"', html) == ["https://example.com/terms", "#plan"] * (name != "other.html")
        assert not re.findall(r'\bsrc="(?!data:)', html)  # the logo, when there is one, is inline
        assert "Globex" not in html or name == "other.html"  # no trace of another deal


def test_the_proposal_states_validity_and_text_issues_but_not_their_positions(make_project):
    project, _ = _package(make_project)
    html = _read(project, "renewal.html")
    assert 'This proposal is valid until <time datetime="2027-01-22">22 January 2027</time>.' in html
    also = html.split('id="also-h">Also to agree</h2>', 1)[1].split("</section>", 1)[0]
    assert "<li>Data residency</li>" in also and "Publicity" not in also  # Publicity is in the options already
    assert "SECRETPOSITION" not in html


def test_each_copy_names_its_recipient_only_and_the_package_names_none(make_project):
    from negdocs.analyse import reference

    project, _ = _package(make_project)
    people = {"priya-raman": ("Priya Raman", "ACME Corp Procurement", "priya@acme.example"),
              "jose-alvarez": ("José Álvarez", None, "jose@acme.example")}
    unstamped = _read(project, "renewal.html")
    codes = {slug: reference.find(_read(project, f"renewal/{slug}.html")) for slug in people}
    assert all(len(found) == 1 for found in codes.values())
    for slug, (name, org, email) in people.items():
        html = _read(project, f"renewal/{slug}.html")
        line = f"Prepared for {name}" + (f", {org}" if org else "") + f" · Reference {codes[slug][0]}"
        assert html.count(line) == 1 and f'<meta name="negdocs-reference" content="{codes[slug][0]}">' in html
        assert email not in html  # addresses are never printed
        for other, (other_name, _, other_email) in people.items():
            if other != slug:
                assert other_name not in html and other_email not in html and codes[other][0] not in html
        assert name not in unstamped
    assert reference.find(unstamped) == [] and "Prepared for Priya" not in unstamped
    assert codes["priya-raman"] != codes["jose-alvarez"]


def test_draft_is_marked_and_is_the_only_trace_of_status(make_project):
    project, _ = _package(make_project, "draft")
    html = _read(project, "renewal.html")
    assert '<p class="draft-mark" role="note">DRAFT</p>' in html and '@top-right { content: "DRAFT"' in html
    project, _ = _package(make_project, "active")
    html = _read(project, "renewal.html")
    assert "DRAFT" not in html and "active" not in html.lower().replace("interactive", "")
