"""`negdocs report`: one row per deal, guides left out, files with errors included, CSV safe to open."""

from __future__ import annotations

import csv
import io
import json

import yaml

from conftest import copy_examples
from test_approvals import DEAL, MATRIX

COLUMNS = "id,title,context,status,owner,counterparty,close_by,currency,value,value_base,errors,warnings,approvals"


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_examples_one_row_per_deal_guides_left_out(make_project):
    project = make_project()
    copy_examples(project.root)
    result = project.run("report")
    assert result.stdout.splitlines()[0] == COLUMNS
    table = rows(result)
    assert [r["id"] for r in table] == ["staff-engineer-offer", "northwind-cobrand", "contoso-components", "acme-renewal"]
    northwind = table[1]
    assert (northwind["currency"], northwind["value"], northwind["value_base"], northwind["errors"], northwind["warnings"],
            northwind["approvals"], northwind["close_by"]) == ("EUR", "820000", "885600", "0", "0", "approved", "2027-04-30")
    data = json.loads(project.run("report", "--format", "json").stdout)
    assert [sorted(d) for d in data] == [sorted(COLUMNS.split(","))] * 4
    assert data[1]["value"] == 820000 and data[1]["value_base"] == 885600 and data[1]["errors"] == 0


def test_values_are_exact_and_states_follow_the_matrix(make_project):
    euro = dict(DEAL, currency="EUR", issues=[dict(DEAL["issues"][0], open=3.3, target=3, walk_away=2.9), DEAL["issues"][1]])
    project = make_project({"negdocs.yaml": MATRIX.replace("value_over: 1100", "value_over: 3"),
                            "playbooks/a.yaml": yaml.safe_dump(euro)})
    (row,) = rows(project.run("report"))
    assert (row["value"], row["value_base"], row["approvals"], row["warnings"]) == ("3", "3.3", "missing", "2")


def test_no_rate_leaves_value_base_empty(make_project):
    project = make_project({"playbooks/a.yaml": yaml.safe_dump(dict(DEAL, currency="CHF"))})
    (row,) = rows(project.run("report"))
    assert (row["value"], row["value_base"], row["approvals"]) == ("950", "", "none")
    assert json.loads(project.run("report", "--format", "json").stdout)[0]["value_base"] is None


def test_files_with_errors_keep_their_row_with_what_could_be_read(make_project):
    order = dict(DEAL, issues=[dict(DEAL["issues"][0], walk_away=1200), DEAL["issues"][1]], id="order")
    project = make_project({
        "negdocs.yaml": MATRIX,
        "playbooks/order.yaml": yaml.safe_dump(order),  # issue-order: every field still reads
        "playbooks/typo.yaml": yaml.safe_dump(dict(DEAL, titel="x", owner="Dana")),  # schema error
        "playbooks/broken.yaml": "format: negdocs/v1\ntitle: [unclosed\n",  # not YAML
        "playbooks/dupe-a.yaml": yaml.safe_dump(dict(DEAL, id="same")),
        "playbooks/dupe-b.yaml": yaml.safe_dump(dict(DEAL, id="same")),
        "playbooks/guide.yaml": "format: negdocs/v1\ntitle: Guide\ncontext: sales\nowner: 3\n",  # a guide with an error
    })
    table = {r["id"]: r for r in rows(project.run("report"))}
    assert sorted(table) == ["broken", "order", "same", "typo"]
    assert (table["order"]["errors"], table["order"]["value"], table["order"]["value_base"], table["order"]["approvals"]) == \
        ("1", "950", "950", "")
    assert (table["typo"]["errors"], table["typo"]["owner"], table["typo"]["title"], table["typo"]["value"]) == ("1", "Dana", "ACME", "")
    assert (table["broken"]["errors"], table["broken"]["title"]) == ("1", "")
    result = project.run("report", "--format", "json")
    same = [r for r in json.loads(result.stdout) if r["id"] == "same"]
    assert [r["errors"] for r in same] == [1, 1]


def test_csv_cells_never_start_a_formula(make_project):
    hostile = {"title": "=HYPERLINK(\"http://x\",\"y\")", "owner": "+1+2", "counterparty": {"name": "@SUM(A1)"}, "id": "x"}
    project = make_project({"playbooks/a.yaml": yaml.safe_dump(dict(DEAL, **hostile)),
                            "playbooks/b.yaml": yaml.safe_dump(dict(DEAL, id="y", title="-2+3", owner="\tx",
                                                                    counterparty={"name": "\n=1"}))})
    table = rows(project.run("report"))
    cells = [c for r in table for k, c in r.items() if k in ("title", "owner", "counterparty")]
    assert cells == ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+2", "'@SUM(A1)", "'-2+3", "'\tx", "'\n=1"]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in table for c in r.values())


# -- the internal index page -----------------------------------------------------------------------
def test_internal_index_has_the_portfolio_and_the_proposal_index_none_of_it(make_project):
    from negdocs.build import build

    project = make_project()
    copy_examples(project.root)
    result = build(out=project.root / "build", pdf=False, edition="all", root=project.root)
    index = (result.out / "index.html").read_text()
    assert '<td class="col-value num" data-value="2540000">2,540,000 USD<br><span class="muted">2,000,000 GBP</span></td>' in index
    assert index.count('<tr data-context=') == 4  # the guide is left out
    assert '<th scope="col" class="col-value num" data-sort="number">Value</th>' in index
    assert ('aria-label="Deal value by context and sign-off state, in USD: sales 158,000 USD (approved 158,000 USD); '
            'partnership 885,600 USD (approved 885,600 USD);') in index
    proposals = [p for p in (result.out / "proposal").rglob("*.html")]
    assert proposals
    for page in proposals:
        for internal in ("data-approvals", "885,600", "2,540,000", "Sign-offs", "sales-manager", "Rosa Ahmed"):
            assert internal not in page.read_text(), (page.name, internal)


def test_chart_splits_value_by_context_and_state():
    from negdocs.render.portfolio import view

    def e(context, state, value, base="USD", currency="USD"):
        return {"id": context + state, "title": "T", "context": context, "status": "active", "owner": None, "close_by": None,
                "guide": False, "currency": currency, "value": value, "value_base": value, "base_currency": base,
                "approvals": state, "warnings": 0, "errors": 0}

    v = view([e("sales", "approved", "300"), e("sales", "missing", "100"), e("hiring", "none", "400"),
              {**e("partnership", "stale", "5"), "value_base": None}])
    bars = {b["context"]: [(s["state"], s["width"]) for s in b["segments"]] for b in v["chart"]["bars"]}
    assert bars == {"sales": [("approved", "285.0"), ("missing", "95.0")], "hiring": [("none", "380.0")]}
    assert v["chart"]["left_out"] == 1
    assert v["choices"]["approvals"] == ["approved", "stale", "missing", "none"]
    assert view([e("sales", "none", "1", None, "USD"), e("hiring", "none", "1", None, "EUR")])["chart"] is None


def test_a_manifest_record_without_the_portfolio_fields_is_rebuilt(make_project):
    """An output folder from before the portfolio: its records are not reused as they are."""
    from negdocs.build import build

    project = make_project()
    copy_examples(project.root)
    build(out=project.root / "build", pdf=False, root=project.root)
    manifest = project.root / "build" / ".negdocs-build.json"
    data = json.loads(manifest.read_text())
    record = data["deals"]["playbooks/sales/acme-renewal.yaml"]
    del record["entries"]["internal"]["approvals"]
    manifest.write_text(json.dumps(data))
    again = build(out=project.root / "build", pdf=False, root=project.root)
    assert again.rebuilt == ["playbooks/sales/acme-renewal.yaml"]
