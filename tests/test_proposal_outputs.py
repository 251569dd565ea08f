"""What a build of the proposal edition leaves on disk: nothing internal anywhere in it."""

from __future__ import annotations

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
