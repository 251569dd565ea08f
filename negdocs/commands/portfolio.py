"""``negdocs report``: the portfolio, one row per deal (guides left out), as CSV or JSON.

Columns (FORMAT.md): id, title, context, status, owner, counterparty, close_by, currency,
value (in the deal's currency), value_base (in the matrix's base currency, empty when no
rate applies), errors, warnings, approvals (missing, stale, approved or none). A file with
errors still gets its row, with the values that could be read.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

COLUMNS = ("id", "title", "context", "status", "owner", "counterparty", "close_by", "currency", "value", "value_base",
           "errors", "warnings", "approvals")
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")  # a spreadsheet reads a cell starting so as a formula


def collect(paths=(), root: Path | None = None) -> list[dict]:
    """One row per deal under ``paths`` (default playbooks/), sorted by file."""
    from negdocs.analyse.strategy import load_packs
    from negdocs.deals import clashes, load_one, other_ids
    from negdocs.project import Project

    project = Project.load(root)
    packs = load_packs(project.root)
    files = project.discover(list(paths))
    rows: dict[str, dict] = {}
    ids = []
    for path in files:
        one, problems = load_one(project, packs, path, False)
        row = _row(project, one, path, problems)
        if row is None:
            continue
        rows[project.display(path)] = row
        if one is not None:
            ids.append((one.id, one.source.display, one.source.line(("id",))))
    for clash in clashes(ids, other_ids(project, files) if paths else []):
        if clash.path in rows:
            rows[clash.path]["errors"] += 1
    return [rows[k] for k in sorted(rows)]


def _row(project, one, path: Path, problems) -> dict | None:
    from negdocs.analyse.approvals import evaluate
    from negdocs.analyse.fingerprint import is_guide

    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if one is not None:
        deal, verdict, deal_id = one.deal, one.analysis.approvals, one.id
    else:
        deal, source, deal_id = _readable(path, project)
        verdict = evaluate(deal, source, _matrix_for(project, deal)) if deal is not None else None
        if deal is None:
            return _raw_row(source, path, errors, warnings)
    if is_guide(deal):
        return None
    return {"id": deal_id, "title": deal.title, "context": deal.context, "status": deal.status, "owner": deal.owner,
            "counterparty": deal.counterparty.name if deal.counterparty else None,
            "close_by": deal.close_by.isoformat() if deal.close_by else None, "currency": deal.currency,
            "value": verdict.value if verdict else None, "value_base": verdict.value_base if verdict else None,
            "errors": errors, "warnings": warnings, "approvals": verdict.state if verdict and one is not None else None}


def _matrix_for(project, deal):
    """The matrix, when it can value this deal (its currency has a rate)."""
    matrix = project.matrix
    return matrix if matrix is not None and matrix.rate(deal.currency) is not None else None


def _readable(path: Path, project):
    """A file with errors: (Deal, Source, id) when its fields still parse as a deal, else (None, Source|None, None)."""
    from pydantic import ValidationError

    from negdocs.errors import NegdocsError
    from negdocs.load.loader import read_source
    from negdocs.load.model import Deal
    from negdocs.load.validate import deal_id

    try:
        source = read_source(path, project.display(path))
    except NegdocsError:
        return None, None, None
    try:
        deal = Deal.model_validate(source.data)
    except ValidationError:
        return None, source, None
    return deal, source, deal_id(source, deal)


def _raw_row(source, path: Path, errors: int, warnings: int) -> dict | None:
    """What can be read from a file that is not a valid deal: plain text fields of the right type."""
    data = source.data if source is not None else {}
    if source is not None and "counterparty" not in data and "issues" not in data:
        return None  # a guide

    def text(value):
        return value if isinstance(value, str) else None

    counterparty = data.get("counterparty")
    close_by = data.get("close_by")
    stem = path.name.rsplit(".", 1)[0]
    return {"id": text(data.get("id")) or stem, "title": text(data.get("title")), "context": text(data.get("context")),
            "status": text(data.get("status", "draft")), "owner": text(data.get("owner")),
            "counterparty": text(counterparty.get("name")) if isinstance(counterparty, dict) else None,
            "close_by": close_by.isoformat() if hasattr(close_by, "isoformat") else None,
            "currency": text(data.get("currency", "USD")), "value": None, "value_base": None,
            "errors": errors, "warnings": warnings, "approvals": None}


# -- output -------------------------------------------------------------------------------
def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


def render(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        data = [{k: (_number(v) if k in ("value", "value_base") else v) for k, v in row.items()} for row in rows]
        from negdocs.output.escape import json_text

        return json_text(data) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()
