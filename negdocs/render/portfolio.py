"""The portfolio on the internal index page: per deal its value, findings and sign-off state,
and a bar chart of deal value by context and sign-off state, drawn at build time as inline SVG.

Only the internal index gets these: values and sign-offs are internal.
"""

from __future__ import annotations

from decimal import Decimal

from negdocs.i18n import N_
from negdocs.load.model import CONTEXTS
from negdocs.money import format_decimal

STATES = ("approved", "stale", "missing", "none")
STATE_LABELS = {"approved": N_("approved"), "stale": N_("stale sign-off"), "missing": N_("sign-off missing"),
                "none": N_("no sign-off needed")}  # translated where they are shown
COLOURS = {"approved": "#2e6b34", "stale": "#a15c00", "missing": "#b3261e", "none": "#6b7480"}  # 4.5:1 or more on white
WIDTH, LABEL, BAR, ROW = 640, 110, 380, 30


def entry(one) -> dict:
    """What the internal index needs of one deal, as JSON values (kept in the build manifest)."""
    from negdocs.analyse.fingerprint import is_guide

    verdict = one.analysis.approvals
    return {"guide": is_guide(one.deal), "currency": one.deal.currency, "value": str(verdict.value),
            "value_base": str(verdict.value_base) if verdict.value_base is not None else None,
            "base_currency": verdict.base_currency, "approvals": verdict.state,
            "warnings": sum(1 for f in one.findings if not f.is_error), "errors": sum(1 for f in one.findings if f.is_error)}


def _money(value: Decimal, currency: str) -> str:
    return f"{format_decimal(value)} {currency}"


def view(entries: list[dict]) -> dict | None:
    """What the index's deals table adds per deal (by id), its filter choices and the chart;
    None when there are no deals."""
    deals = [e for e in entries if "guide" in e and not e["guide"]]
    if not deals:
        return None
    rows = []
    for e in deals:
        value = Decimal(e["value"])
        base = Decimal(e["value_base"]) if e["value_base"] is not None else None
        shown, converted = _money(value, e["currency"]), None
        if base is not None and e["base_currency"] != e["currency"]:
            shown, converted = _money(base, e["base_currency"]), shown
        rows.append({**e, "shown_value": shown, "converted_from": converted, "sort_value": str(base if base is not None else value),
                     "state_label": STATE_LABELS[e["approvals"]]})
    choices = {
        "context": [c for c in CONTEXTS if any(r["context"] == c for r in rows)],
        "status": sorted({r["status"] for r in rows}),
        "owner": sorted({r["owner"] for r in rows if r["owner"]}, key=str.casefold),
        "approvals": [s for s in STATES if any(r["approvals"] == s for r in rows)],
    }
    return {"rows": {r["id"]: r for r in rows}, "choices": choices, "labels": STATE_LABELS, "chart": chart(rows)}


def chart(rows: list[dict]) -> dict | None:
    """Stacked bars, one per context, of deal value split by sign-off state (in the base currency,
    or the one currency every deal uses)."""
    bases = {r["base_currency"] for r in rows}
    currencies = {r["currency"] for r in rows}
    if len(bases) == 1 and None not in bases:
        currency, key = bases.pop(), "value_base"
    elif len(currencies) == 1:
        currency, key = currencies.pop(), "value"
    else:
        return None
    counted = [r for r in rows if r[key] is not None]
    totals: dict[str, dict[str, Decimal]] = {}
    for r in counted:
        totals.setdefault(r["context"], dict.fromkeys(STATES, Decimal(0)))[r["approvals"]] += Decimal(r[key])
    top = max((sum(t.values()) for t in totals.values()), default=Decimal(0))
    if top <= 0:
        return None
    bars = []
    for n, context in enumerate(c for c in CONTEXTS if c in totals):
        x, segments = Decimal(LABEL), []
        for state in STATES:
            amount = totals[context][state]
            if amount:
                width = amount * BAR / top
                segments.append({"state": state, "x": f"{x:.1f}", "width": f"{max(width, Decimal('0.5')):.1f}",
                                 "colour": COLOURS[state], "amount": _money(amount, currency)})
                x += width
        total = sum(totals[context].values())
        bars.append({"context": context, "y": 10 + n * ROW, "segments": segments, "end": f"{x + 6:.1f}",
                     "total": _money(total, currency)})
    return {"width": WIDTH, "height": 20 + len(bars) * ROW, "bars": bars, "currency": currency, "colours": COLOURS,
            "labels": STATE_LABELS, "states": [s for s in STATES if any(seg["state"] == s for b in bars for seg in b["segments"])],
            "left_out": len(rows) - len(counted)}
