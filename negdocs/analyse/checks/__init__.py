"""The negotiation linter: one small function per warning rule, in a registry.

A rule is ``fn(deal, analysis) -> iterable of (location, message)``; the location is the
path of the field that causes the finding, so it reports that field's line. Register a
rule with :func:`rule`; ``negdocs rules`` lists the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from negdocs.analyse.analysis import Analysis, analyse
from negdocs.errors import Problem
from negdocs.load.loader import Source
from negdocs.load.model import Deal

Finding = tuple[tuple, str]
RuleFn = Callable[[Deal, Analysis], Iterable[Finding]]

ERRORS = {
    "yaml": "the file cannot be read as YAML (syntax, encoding, tags, duplicate keys, limits)",
    "schema": "types, enum values, unknown or missing keys",
    "reference": "a reference to evidence, an issue, a deadline, an escalation step, an approval role or a currency rate does not resolve",
    "duplicate-id": "an id is used twice, in a file or across the project",
    "issue-order": "open, target, floor and walk_away are out of order for the issue's `better` direction",
    "script": "a script's slots are missing, unknown, or need data the file lacks",
}


@dataclass(frozen=True)
class Rule:
    name: str
    summary: str
    fn: RuleFn
    severity: str = "warning"
    project_only: bool = False  # only negdocs.yaml's checks.ignore silences it


PROJECT_ONLY_NOTE = ("(listing this rule in the deal's checks.ignore has no effect: only checks.ignore in negdocs.yaml "
                     "silences approval rules)")


WARNINGS: dict[str, Rule] = {}


def rule(name: str, summary: str, project_only: bool = False) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        WARNINGS[name] = Rule(name, summary, fn, project_only=project_only)
        return fn

    return register


def run(source: Source, deal: Deal, analysis: Analysis | None = None, ignore: Iterable[str] = (),
        strict: bool = False, locale: str = "en") -> list[Problem]:
    """Run every warning rule not ignored by the deal or the project (approval rules: the project only).

    Messages are English for the command line; ``locale`` writes them in the deal's language
    for its playbook (rules write through :func:`negdocs.i18n.current`)."""
    from negdocs.i18n import writing_in

    with writing_in(locale):
        analysis = analysis or analyse(deal)
        by_deal = set(deal.checks.ignore if deal.checks else ())
        severity = "error" if strict else "warning"
        found = []
        for name, entry in WARNINGS.items():
            if name in ignore or (name in by_deal and not entry.project_only):
                continue
            note = f" {PROJECT_ONLY_NOTE}" if name in by_deal else ""
            for loc, message in entry.fn(deal, analysis):
                message += note
                where = _dotted(loc)
                found.append(Problem(source.display, source.line(loc), f"{where}: {message}" if where else message, name,
                                     severity))
    return found


def _dotted(loc) -> str:
    from negdocs.load.validate import dotted

    return dotted(loc)


# Importing the rule modules fills the registry, in the order of FORMAT.md's table.
from negdocs.analyse.checks import preparation, conduct, fit, numbers, validity, governance  # noqa: E402,F401

ORDER = ("anchor-without-basis", "concession-without-get", "deadline-without-evidence", "price-only", "face-threat",
         "timing", "batna-without-evidence", "relationship-over-gain", "perceived-power", "face-culture", "no-zopa",
         "meso-breaks-walk-away", "meso-unbalanced", "walk-away-below-batna",
         "proposal-expired", "script-long", "approval-missing", "approval-stale")
V1 = ORDER[:14]  # the rules of the first release: every strategy pack explains each of them
assert set(ORDER) == set(WARNINGS), "every registered rule has its place in ORDER"
WARNINGS = {name: WARNINGS[name] for name in ORDER}
