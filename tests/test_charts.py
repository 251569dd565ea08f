"""Range charts: laid out so that no label overlaps another label, a tick or a leader, with
the zone of agreement, the direction and the sides fixed. Hypothesis tries clusters of
close values (five markers within 2% of the range and worse)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negdocs.analyse.analysis import analyse
from negdocs.load.model import Deal
from negdocs.render import charts

A4_COLUMN_PT = 174 / 25.4 * 72  # the text column of an A4 page with 18 mm margins


def build(better: str, values: list[float], theirs: float | None, meso: list[float], kind: str = "money",
          currency: str = "USD"):
    ordered = sorted(values, reverse=(better == "higher"))  # open, target, floor, walk_away in the better order
    issue = {"id": "x", "name": "Price", "kind": kind, "better": better}
    issue.update(zip(("open", "target", "floor", "walk_away"), ordered))
    if theirs is not None:
        issue["their_walk_away"] = theirs
    data = {"format": "negdocs/v1", "title": "T", "context": "sales", "currency": currency, "issues": [issue],
            "meso": [{"name": f"Option {n}", "terms": {"x": v}} for n, v in enumerate(meso, 1)]}
    deal = Deal.model_validate(data)
    return charts.chart(deal, deal.issues[0], analyse(deal))


def overlaps(a, b, gap=0.0) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw + gap and bx < ax + aw + gap and ay < by + bh and by < ay + ah


def inside(box, x, y) -> bool:
    bx, by, bw, bh = box
    return bx < x < bx + bw and by < y < by + bh


def segment_hits(box, x1, y1, x2, y2) -> bool:
    return any(inside(box, x1 + (x2 - x1) * t / 60, y1 + (y2 - y1) * t / 60) for t in range(61))


def assert_clean(c) -> None:
    labels = c.labels
    for n, a in enumerate(labels):
        assert 0 <= a.box[0] and a.box[0] + a.box[2] <= c.width + 0.1, f"label outside the chart: {a}"
        for b in labels[n + 1:]:
            assert not overlaps(a.box, b.box), f"labels overlap: {a.lines} {b.lines}"
        for other in labels:
            assert not segment_hits(a.box, other.x, c.axis, other.x, other.tick_end), f"{a.lines} covers the tick of {other.lines}"
            assert not segment_hits(a.box, other.x, other.tick_end, other.lx, other.ly), f"{a.lines} covers the leader of {other.lines}"
        for m in c.meso:
            assert not overlaps(a.box, (m.x - c.radius, m.y - c.radius, 2 * c.radius, 2 * c.radius)), "a label covers a MESO marker"
    for side in ("ours", "theirs"):
        row = sorted((lab for lab in labels if lab.side == side), key=lambda lab: lab.x)
        # leaders keep the order of the values, so they never cross
        assert [lab.lx for lab in row] == sorted(lab.lx for lab in row)
    for n, a in enumerate(c.meso):
        for b in c.meso[n + 1:]:
            assert (a.x - b.x) ** 2 + (a.y - b.y) ** 2 >= (2 * c.radius) ** 2 - 0.01, "MESO markers overlap"


values = st.floats(min_value=1, max_value=5_000_000, allow_nan=False)
spread = st.floats(min_value=0, max_value=0.02)


@settings(max_examples=150, deadline=None)
@given(better=st.sampled_from(["higher", "lower"]), base=values, offsets=st.lists(spread, min_size=2, max_size=4),
       theirs=st.one_of(st.none(), spread), meso=st.lists(spread, max_size=5), kind=st.sampled_from(["money", "days", "count"]))
def test_clusters_of_close_values_never_overlap(better, base, offsets, theirs, meso, kind):
    c = build(better, [round(base * (1 + o), 2) for o in offsets], None if theirs is None else round(base * (1 + theirs), 2),
              [round(base * (1 + m), 2) for m in meso], kind)
    assert c is not None
    assert_clean(c)
    assert c.font * A4_COLUMN_PT / c.width >= 8, "chart text under 8 pt in print"


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(min_value=0, max_value=1e15, allow_nan=False), min_size=2, max_size=4),
       currency=st.sampled_from(["USD", "JPY"]))
def test_huge_values_still_never_overlap(values, currency):
    assert_clean(build("higher", values, values[0], values[:3], "money", currency))


@pytest.mark.parametrize("better", ["higher", "lower"])
def test_better_for_us_is_always_to_the_right_and_sides_are_fixed(better):
    c = build(better, [100, 120, 140, 160], 130, [150])
    ours = {lab.lines[0]: lab for lab in c.labels if lab.side == "ours"}
    (theirs,) = [lab for lab in c.labels if lab.side == "theirs"]
    assert ours["Open"].x > ours["Target"].x > ours["Floor"].x > ours["Walk-away"].x
    assert all(lab.box[1] + lab.box[3] < c.axis for lab in ours.values())  # ours above the axis
    assert theirs.box[1] > c.axis and theirs.lines[0].startswith("Their")  # theirs below
    assert c.meso and c.meso[0].y > theirs.box[1] + theirs.box[3]  # MESO markers on their own track
    assert c.zone is not None and c.zone[0] < c.zone[1]


def test_target_outside_the_zone_is_said():
    assert build("higher", [100, 120, 140, 160], 130, []).target_outside  # target 140 > their walk-away 130
    assert not build("higher", [100, 120, 125, 160], 130, []).target_outside


def test_equal_values_share_one_label():
    c = build("higher", [100, 100, 140, 160], None, [])
    assert [lab.lines[0] for lab in c.labels] == ["Walk-away / Floor", "Target", "Open"]
