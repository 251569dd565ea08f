"""Range charts around the zone of agreement, laid out here so that no label overlaps another
label or a tick.

The scale always runs from worse for us (left) to better for us (right). Our points are
labelled above the axis, our estimate of theirs below it, and MESO options are numbered
circles on a track of their own, explained by a legend. Labels of one side sit in one row,
bottom-aligned (above) or top-aligned (below), spread apart in the order of their values by
isotonic regression, and joined to their ticks by straight leaders; since the order is kept,
leaders never cross, and since every label sits beyond the end of every leader, no label
touches a tick or a leader. A label that does not fit is wrapped at its spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from negdocs import phrases
from negdocs.analyse.analysis import Analysis, numeric
from negdocs.i18n import current
from negdocs.load.model import Deal, Issue

WIDTH, LEFT, RIGHT = 600, 16, 16
FONT = 11  # user units: 9 pt when the chart spans a 174 mm text column (A4), never under 8 pt
LINE = FONT * 1.25
GAP = 6  # between two labels
PAD = 4  # inside a label box
TICK = 7
LEADER = 16  # minimum vertical run of a leader
RADIUS = 8
OURS = tuple((f, phrases.CHART_MARKS[f]) for f in ("walk_away", "floor", "target", "open"))
THEIRS = (("their_walk_away", phrases.CHART_MARKS["their_walk_away"]),)


@dataclass(frozen=True)
class Label:
    side: str  # "ours" above the axis, "theirs" below
    x: float  # where the value sits on the axis
    lines: tuple[str, ...]
    box: tuple[float, float, float, float]  # x, y, width, height
    tick_end: float
    lx: float  # where the leader meets the label
    ly: float

    @property
    def baselines(self) -> tuple[float, ...]:
        return tuple(round(self.box[1] + PAD / 2 + LINE * n + FONT * 0.92, 1) for n in range(len(self.lines)))

    @property
    def middle(self) -> float:
        return round(self.box[0] + self.box[2] / 2, 1)


@dataclass(frozen=True)
class Marker:
    n: int
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    issue: Issue
    labels: tuple[Label, ...]
    meso: tuple[Marker, ...]
    legend: tuple[dict, ...]
    zone: tuple[float, float] | None
    description: str
    axis: float
    meso_axis: float
    zone_bottom: float
    height: float
    width: float = WIDTH
    left: float = LEFT
    right: float = RIGHT
    font: float = FONT
    radius: float = RADIUS
    worse: str = phrases.CHART_WORSE
    better: str = phrases.CHART_BETTER
    better_word: str = "higher"
    zone_text: str = ""
    no_zone: bool = False
    target_outside: bool = False


def text_width(text: str, bold: bool = False) -> float:
    """A generous estimate of the rendered width of ``text`` in DejaVu Sans at FONT."""
    em = 0.0
    for ch in text:
        if ch in " ,.:;'()|!ilj":
            em += 0.34
        elif ch.isupper() or ch.isdigit() or ch in "%&@#mwMW—–→←":
            em += 0.74 if ch in "mwMW%@" else 0.66
        else:
            em += 0.6
    return em * FONT * (1.08 if bold else 1.0)


def box_width(lines: tuple[str, ...]) -> float:
    return max(text_width(line, bold=(n == 0)) for n, line in enumerate(lines)) + 2 * PAD


def wrap_once(lines: tuple[str, ...]) -> tuple[str, ...] | None:
    """Split the widest line that has a space at the space nearest its middle; None when none can."""
    order = sorted(range(len(lines)), key=lambda n: -text_width(lines[n], n == 0))
    for n in order:
        words = lines[n].split(" ")
        if len(words) < 2:
            continue
        best = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))))
        return lines[:n] + (" ".join(words[:best]), " ".join(words[best:])) + lines[n + 1:]
    return None


def spread(centers: list[float], widths: list[float], lo: float, hi: float) -> list[float]:
    """Left edges of boxes kept in order, GAP apart, within [lo, hi], as close to centred on
    ``centers`` as possible (least squares, by pool-adjacent-violators)."""
    offsets, total = [], 0.0
    for w in widths:
        offsets.append(total)
        total += w + GAP
    wanted = [c - w / 2 - o for c, w, o in zip(centers, widths, offsets)]
    blocks: list[list[float]] = []  # [mean, count]
    for value in wanted:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [(blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count), blocks[-1][1] + count]
    fitted = [mean for mean, count in blocks for _ in range(count)]
    top = hi - widths[-1] - offsets[-1]
    return [min(max(y, lo), max(top, lo)) + o for y, o in zip(fitted, offsets)]


def layout_side(points: list[tuple[float, tuple[str, ...]]], side: str, row_edge: float, axis: float,
                width: float = WIDTH) -> tuple[Label, ...]:
    """Labels for one side. ``row_edge``: the labels' common bottom (ours) or top (theirs)."""
    if not points:
        return ()
    points = sorted(points)
    lines = [p[1] for p in points]
    room = width - LEFT - RIGHT
    while sum(box_width(ls) for ls in lines) + GAP * (len(lines) - 1) > room:
        widest = max(range(len(lines)), key=lambda n: box_width(lines[n]))
        wrapped = wrap_once(lines[widest])
        if wrapped is None:
            candidates = [n for n in range(len(lines)) if wrap_once(lines[n]) is not None]
            if not candidates:
                break  # chart() widens the chart instead
            widest = max(candidates, key=lambda n: box_width(lines[n]))
            wrapped = wrap_once(lines[widest])
        lines[widest] = wrapped
    widths = [box_width(ls) for ls in lines]
    lefts = spread([x for x, _ in points], widths, LEFT, width - RIGHT)
    out = []
    for (x, _), ls, w, left in zip(points, lines, widths, lefts):
        h = len(ls) * LINE + PAD
        y = row_edge - h if side == "ours" else row_edge
        lx = round(min(max(x, left + 3), left + w - 3), 1)
        tick_end = axis - TICK if side == "ours" else axis + TICK
        out.append(Label(side, x, ls, (round(left, 1), round(y, 1), round(w, 1), round(h, 1)), tick_end, lx,
                         round(row_edge, 1)))
    return tuple(out)


def swarm(xs: list[tuple[int, float]], track: float) -> tuple[Marker, ...]:
    """Numbered circles at their exact x; close ones stack in rows below the track."""
    rows: list[list[float]] = []
    out = []
    for n, x in sorted(xs, key=lambda item: (item[1], item[0])):
        k = next((k for k, row in enumerate(rows) if all(abs(x - other) >= 2 * RADIUS + 2 for other in row)), len(rows))
        if k == len(rows):
            rows.append([])
        rows[k].append(x)
        out.append(Marker(n, x, round(track + k * (2 * RADIUS + 3), 1)))
    return tuple(sorted(out, key=lambda m: m.n))


def _merge(points: list[tuple[float, str, str]]) -> list[tuple[float, tuple[str, ...]]]:
    """Points at the same place share one label: ``Floor / Walk-away``."""
    merged: dict[float, list] = {}
    for x, name, text in points:
        merged.setdefault(round(x, 1), [[], text])[0].append(name)
    return [(x, (" / ".join(names), text)) for x, (names, text) in merged.items()]


def chart(deal: Deal, issue: Issue, analysis: Analysis) -> Chart | None:
    """A chart for one numeric issue with at least two values; None otherwise."""
    if not numeric(issue):
        return None
    cur = deal.currency
    t = current()  # labels and numbers in the language in effect
    ours = [(getattr(issue, f), t.gettext(name)) for f, name in OURS if getattr(issue, f) is not None]
    theirs = [(getattr(issue, f), t.gettext(name)) for f, name in THEIRS if getattr(issue, f) is not None]
    options = [(n, o.name, o.terms[issue.id]) for n, o in enumerate(deal.meso, 1)
               if isinstance(o.terms.get(issue.id), (int, float)) and not isinstance(o.terms.get(issue.id), bool)]
    values = [v for v, _ in ours + theirs] + [v for _, _, v in options]
    if len(values) < 2:
        return None
    zone = analysis.zones.get(issue.id)
    return _draw(issue, cur, ours, theirs, options, zone)


def _draw(issue: Issue, cur: str, ours, theirs, options, zone) -> Chart:
    values = [v for v, _ in ours + theirs] + [v for _, _, v in options]
    low, high = min(values), max(values)
    span = (high - low) or (abs(high) * 0.1 or 1)
    low, high = low - span * 0.07, high + span * 0.07
    width = WIDTH
    fmt = lambda v: current().value(v, issue.kind, cur)  # noqa: E731

    def x_of(value: float) -> float:
        share = (value - low) / (high - low)
        if issue.better == "lower":
            share = 1 - share
        return round(LEFT + (width - LEFT - RIGHT) * share, 1)

    def place(w: float):
        nonlocal width
        width = w
        top_pts = _merge([(x_of(v), name, fmt(v)) for v, name in ours])
        low_pts = _merge([(x_of(v), name, fmt(v)) for v, name in theirs])
        return top_pts, low_pts

    top_pts, low_pts = place(WIDTH)
    while True:  # widen only when even fully wrapped labels cannot fit (absurdly long values)
        need = max((sum(box_width(_narrowest(ls)) for _, ls in pts) + GAP * (len(pts) - 1) + LEFT + RIGHT
                    for pts in (top_pts, low_pts) if pts), default=0)
        if need <= width:
            break
        top_pts, low_pts = place(need + 1)
    upper = layout_side(top_pts, "ours", 0, 0, width)
    tallest = max((lab.box[3] for lab in upper), default=0)
    row_bottom = 2 * FONT + 6 + tallest
    axis = row_bottom + LEADER + TICK
    upper = layout_side(top_pts, "ours", row_bottom, axis, width)
    lower = layout_side(low_pts, "theirs", axis + TICK + LEADER, axis, width)
    below = max((lab.box[1] + lab.box[3] for lab in lower), default=axis + TICK)
    track = below + 6 + RADIUS
    markers = swarm([(n, x_of(v)) for n, _, v in options], track) if options else ()
    bottom = max((m.y for m in markers), default=below - RADIUS) + RADIUS
    band = None
    zone_text, no_zone, outside = "", False, False
    if zone is not None and zone.exists:
        a, b = sorted((x_of(zone.low), x_of(zone.high)))
        if b - a < 3:
            a, b = a - 1.5, b + 1.5
        band = (round(a, 1), round(b, 1))
        first, last = (zone.low, zone.high) if issue.better == "higher" else (zone.high, zone.low)
        zone_text = current()._("{low} to {high}", low=fmt(first), high=fmt(last))
        outside = issue.target is not None and not (zone.low <= issue.target <= zone.high)
    elif zone is not None:
        no_zone = True
    better = "higher" if issue.better == "higher" else "lower"
    description = phrases.chart_description(issue.name, better, [(name, fmt(v)) for v, name in ours + theirs],
                                            zone_text if band else None, no_zone, outside,
                                            [(n, name, fmt(v)) for n, name, v in options])
    return Chart(issue, upper + lower, markers, tuple({"n": n, "name": name, "text": fmt(v)} for n, name, v in options),
                 band, description, axis, track, bottom if options else below, round(bottom + 8, 1),
                 width=round(width, 1), worse=current().gettext(phrases.CHART_WORSE),
                 better=current().gettext(phrases.CHART_BETTER), better_word=better, zone_text=zone_text, no_zone=no_zone,
                 target_outside=outside)


def _narrowest(lines: tuple[str, ...]) -> tuple[str, ...]:
    while (wrapped := wrap_once(lines)) is not None:
        lines = wrapped
    return lines
