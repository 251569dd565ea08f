"""Findings in the formats CI systems read: text, json, GitHub workflow commands, SARIF 2.1.0."""

from __future__ import annotations

from negdocs import __version__
from negdocs.errors import Problem
from negdocs.output import escape

FORMATS = ("text", "json", "github", "sarif")


def render(problems: list[Problem], fmt: str) -> str:
    return {"text": text, "json": as_json, "github": github, "sarif": sarif}[fmt](problems)


def line(p: Problem, zero: bool = True) -> str:
    """``file:line: severity rule: message`` on one line, whatever the path and message hold
    (``zero=False``: no ``:0`` for a problem with no line). Every console line goes through here."""
    where = escape.text(p.path) + (f":{p.line}" if p.line or zero else "")
    return f"{where}: {p.severity} {p.rule}: {escape.visible(p.message)}"


def text(problems: list[Problem]) -> str:
    return "".join(f"{line(p)}\n" for p in problems)


def as_json(problems: list[Problem]) -> str:
    return escape.json_text([p.as_dict() for p in problems]) + "\n"


def github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands: pull requests show each finding on its line."""
    lines = []
    for p in problems:
        level = "error" if p.is_error else "warning"
        props = f"file={escape.workflow_property(p.path)},line={p.line},title={escape.workflow_property('negdocs ' + p.rule)}"
        lines.append(f"::{level} {props}::{escape.workflow_data(p.message)}\n")
    return "".join(lines)


def sarif(problems: list[Problem]) -> str:
    """SARIF 2.1.0, for code-scanning dashboards."""
    from negdocs.analyse.checks import ERRORS, WARNINGS

    rules = [{"id": name, "shortDescription": {"text": summary}, "defaultConfiguration": {"level": "error"}}
             for name, summary in ERRORS.items()]
    rules += [{"id": r.name, "shortDescription": {"text": r.summary}, "defaultConfiguration": {"level": "warning"}}
              for r in WARNINGS.values()]
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    results = []
    for p in problems:
        result = {
            "ruleId": p.rule,
            "level": "error" if p.is_error else "warning",
            "message": {"text": p.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": p.path, "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": max(p.line, 1)}}}],
        }
        if p.rule in index:
            result["ruleIndex"] = index[p.rule]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "negdocs", "version": __version__, "informationUri": "https://github.com/negdocs/negdocs",
                                      "rules": rules}},
                  "results": results}],
    }
    return escape.json_text(log) + "\n"
