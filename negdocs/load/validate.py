"""Source -> Deal: schema validation and the cross-field rules that are errors.

Every problem of a file is collected (never just the first); each points at the line of
the field that causes it. Rule names are those of FORMAT.md: ``schema``, ``reference``,
``duplicate-id``, ``issue-order`` and ``script``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from collections.abc import Iterable

from pydantic import BaseModel, ValidationError

from negdocs.errors import Problem, short
from negdocs.load import recipients
from negdocs.load.loader import Source, dotted
from negdocs.load.model import NUMERIC_KINDS, Deal, is_slug
from negdocs.money import format_value

ORDER = ("open", "target", "floor", "walk_away")
NUMERIC_ONLY = ("better", "open", "target", "floor", "walk_away", "their_walk_away")
SLOTS = {
    "floor": ("issue", "ask", "give"),
    "deadline": ("deadline",),
    "governance": ("term", "verification", "alternative"),
    "contingency": ("risk", "remedy"),
    "escalation": ("escalation",),
}
ALL_SLOTS = {slot for slots in SLOTS.values() for slot in slots}
# Rendering Markdown costs far more time and memory per character than anything else in a
# build (a list item is a dozen objects), so a deal's Markdown is capped well below the file size.
MAX_MARKDOWN = 100_000


MAX_SUGGESTIONS = 100  # "did you mean" per file: each costs a comparison with every choice


def suggest(word: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    if len(str(word)) > 200 or len(choices) > 2000:  # nobody mistypes that; and it would cost too much
        return ""
    match = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f" (did you mean {short(match[0])}?)" if match else ""


class Collector:
    """Collects problems for one source, resolving locations to lines."""

    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []
        self.suggestions = 0

    def suggest(self, word: str, choices: Iterable[str]) -> str:
        """:func:`suggest`, for the first :data:`MAX_SUGGESTIONS` unknown names of the file only:
        a file of 25,000 dangling references must not cost 25,000 searches."""
        self.suggestions += 1
        return suggest(word, choices) if self.suggestions <= MAX_SUGGESTIONS else ""

    def add(self, loc: tuple, message: str, rule: str = "schema", severity: str = "error"):
        where = f"{dotted(loc)}: " if loc else ""
        self.problems.append(Problem(self.source.display, self.source.line(loc), where + message, rule, severity))


def validate(source: Source, strategies: Iterable[str], warning_rules: Iterable[str]) -> tuple[Deal | None, list[Problem]]:
    """Validate one loaded source; return the deal (None when invalid) and all problems."""
    out = Collector(source)
    try:
        deal = Deal.model_validate(source.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            schema_problem(out, error)
        return None, out.problems
    _check_id(out, deal)
    _check_strategy(out, deal, set(strategies))
    _check_ignore(out, deal, set(warning_rules))
    _check_issues(out, deal)
    _check_references(out, deal)
    _check_meso(out, deal)
    _check_scripts(out, deal)
    _check_markdown(out, deal)
    recipients.check(out, deal)
    return (deal if not out.problems else None), out.problems


def deal_id(source: Source, deal: Deal | None = None) -> str:
    if deal is not None and deal.id:
        return deal.id
    name = source.path.name
    for suffix in (".yaml", ".yml"):
        name = name.removesuffix(suffix)
    return name


# -- schema errors --------------------------------------------------------------------------
def _model_at(loc: tuple, root: type[BaseModel] = Deal) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = _inner_model(field.annotation) if field else None
    return model


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def schema_problem(out: Collector, error: dict, root: type[BaseModel] = Deal):
    loc = _data_loc(out.source.data, tuple(error["loc"]))
    if error["type"] not in ("extra_forbidden", "missing") and any(p.message.startswith(dotted(loc) + ":")
                                                                     for p in out.problems):
        return  # one problem per location (a union reports each branch)
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], root)
        known = list(model.model_fields) if model else []
        out.add(loc[:-1], f"unknown key {short(loc[-1])}{out.suggest(loc[-1], known)}")
        out.problems[-1] = _at_line(out.problems[-1], out.source.line(loc))
    elif kind == "missing":
        out.add(loc[:-1], f"required key {short(loc[-1])} is missing")
    elif kind == "literal_error":
        if loc == ("format",):
            out.add(loc, f"{short(value)} is not a supported format version; supported: negdocs/v1")
        else:
            expected = error["ctx"]["expected"].replace("'", "")
            out.add(loc, f"{short(value)} is not allowed; use one of: {expected}{out.suggest(value, expected.replace(' or ', ', ').split(', '))}")
    elif kind == "string_pattern_mismatch":
        if "pattern" in error.get("ctx", {}) and "a-z0-9" not in error["ctx"]["pattern"]:
            out.add(loc, f"{short(value)} does not match {error['ctx']['pattern']}")
            return
        out.add(loc, f"{short(value)} is not a valid id: use lowercase letters, digits and hyphens, starting with a letter or digit")
    elif kind == "value_error":
        out.add(loc, error["msg"].removeprefix("Value error, "))
    elif kind in ("model_type", "dict_type"):
        out.add(loc, f"expected a mapping (key: value lines), got {_describe(value)}")
    elif kind == "list_type":
        out.add(loc, f"expected a list, got {_describe(value)}")
    elif kind == "string_type" and isinstance(value, (bool, int, float, dt.date)):
        # YAML read an unquoted value as another type: 1:30 is 90 (base 60), 0x1F is 31, yes is true
        what = "a date" if isinstance(value, dt.date) else "true or false" if isinstance(value, bool) else "a number"
        out.add(loc, f"expected text, got {what} ({_describe(value.isoformat() if isinstance(value, dt.date) else value)}): "
                "YAML reads unquoted numbers, dates, times like 1:30 and yes/no/on/off as other types; put the text in quotes")
    else:
        message = error["msg"]
        out.add(loc, f"{message[0].lower()}{message[1:]}, got {_describe(value)}")


def _data_loc(data, loc: tuple) -> tuple:
    """The part of a pydantic location that exists in the data (drops union branch names);
    a last key that is missing from the data is kept, since the message names it."""
    kept = []
    for n, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(data, dict) and n == len(loc) - 1:
            pass
        else:
            break
        kept.append(part)
    return tuple(kept)


def _at_line(problem: Problem, line: int) -> Problem:
    return Problem(problem.path, line, problem.message, problem.rule, problem.severity)


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- cross-field rules ----------------------------------------------------------------------
RESERVED_IDS = {"index"}  # index.html is the site index


def _check_id(out: Collector, deal: Deal):
    if deal_id(out.source, deal) in RESERVED_IDS:
        out.add(("id",) if deal.id else (), f"the id {deal_id(out.source, deal)!r} is reserved for the site index; "
                "choose another (rename the file or add an `id:`)")
    if deal.id is None and not is_slug(deal_id(out.source)):
        out.add((), f"the file name {short(out.source.path.name)} is not a valid id; rename the file or add an `id:` "
                "(lowercase letters, digits and hyphens)")


def _check_strategy(out: Collector, deal: Deal, strategies: set[str]):
    if deal.strategy not in strategies:
        out.add(("strategy",), f"unknown strategy {deal.strategy!r}{out.suggest(deal.strategy, strategies)}; "
                f"available: {', '.join(sorted(strategies))}")


def _check_ignore(out: Collector, deal: Deal, rules: set[str]):
    for n, name in enumerate(deal.checks.ignore if deal.checks else []):
        if name not in rules:
            out.add(("checks", "ignore", n), f"unknown rule {short(name)}{out.suggest(name, rules)}; errors cannot be ignored, "
                    "`negdocs rules` lists the warnings")


def _duplicates(out: Collector, items, section: str):
    seen: dict[str, int] = {}
    for n, item in enumerate(items):
        if item.id in seen:
            first = out.source.line((section, seen[item.id], "id"))
            out.add((section, n, "id"), f"duplicate id {item.id!r} (first at line {first})", rule="duplicate-id")
        else:
            seen[item.id] = n


def _check_issues(out: Collector, deal: Deal):
    _duplicates(out, deal.issues, "issues")
    _duplicates(out, deal.evidence, "evidence")
    for n, issue in enumerate(deal.issues):
        loc = ("issues", n)
        if issue.kind == "text":
            for name in NUMERIC_ONLY:
                if getattr(issue, name) is not None:
                    out.add(loc + (name,), "not allowed on a text issue; use `positions` (ordered from preferred to walk-away)")
            continue
        if issue.positions:
            out.add(loc + ("positions",), f"only text issues have positions; this issue is {issue.kind}")
        if issue.better is None:
            out.add(loc, f"`better: higher` or `better: lower` is required for a {issue.kind} issue")
        if issue.kind == "percent":
            for name in ORDER + ("their_walk_away",):
                value = getattr(issue, name)
                if value is not None and value > 100:
                    out.add(loc + (name,), f"{value} is not a percentage; percent values lie in 0-100")
        if issue.better is None:
            continue
        previous = None
        for name in ORDER:
            value = getattr(issue, name)
            if value is None:
                continue
            if previous is not None and _better(value, previous[1], issue.better):
                shown = format_value(previous[1], issue.kind, deal.currency)
                out.add(loc + (name,), f"must not be better than {previous[0]} ({shown}) for better: {issue.better}",
                        rule="issue-order")
            previous = (name, value)


def _better(a, b, better: str) -> bool:
    return a > b if better == "higher" else a < b


def _check_references(out: Collector, deal: Deal):
    evidence = {e.id for e in deal.evidence}
    lists = [(("batna", "evidence"), deal.batna.evidence if deal.batna else [])]
    lists += [(("issues", n, "basis"), i.basis) for n, i in enumerate(deal.issues)]
    lists += [(("power", n, "evidence"), p.evidence) for n, p in enumerate(deal.power)]
    lists += [(("deadlines", n, "evidence"), d.evidence) for n, d in enumerate(deal.deadlines)]
    for loc, ids in lists:
        for k, ref in enumerate(ids):
            if ref not in evidence:
                out.add(loc + (k,), f"unknown evidence {short(ref)}{out.suggest(ref, evidence)}", rule="reference")


def _check_meso(out: Collector, deal: Deal):
    issues = {i.id: i for i in deal.issues}
    numeric = [i.id for i in deal.issues if i.kind in NUMERIC_KINDS]
    for n, option in enumerate(deal.meso):
        loc = ("meso", n, "terms")
        for key, value in option.terms.items():
            issue = issues.get(key)
            if issue is None:
                out.add(loc + (key,), f"unknown issue {short(key)}{out.suggest(key, issues)}", rule="reference")
            elif issue.kind == "text":
                if not issue.positions:
                    out.add(loc + (key,), f"{short(key)} has no `positions`; list them on the issue to offer {short(value)}")
                elif not isinstance(value, str) or value not in issue.positions:
                    out.add(loc + (key,), f"{short(value)} is not one of the positions of {short(key)}: {short(', '.join(issue.positions), 200)}")
            elif isinstance(value, str):
                out.add(loc + (key,), f"{short(value)} is not a number; {short(key)} is a {issue.kind} issue")
            elif issue.kind == "percent" and value > 100:
                out.add(loc + (key,), f"{value} is not a percentage; percent values lie in 0-100")
        missing = [i for i in numeric if i not in option.terms]
        if missing:
            out.add(loc, f"option {short(option.name)} does not set {', '.join(missing)}; every numeric issue needs a term")


def _check_scripts(out: Collector, deal: Deal):
    issues = {i.id: i for i in deal.issues}
    for n, script in enumerate(deal.scripts):
        loc = ("scripts", n)
        given = {slot for slot in ALL_SLOTS if getattr(script, slot) is not None}
        if (script.say is None) == (script.use is None):
            out.add(loc, "a script has either `say:` (a free line) or `use:` (a template), not both or neither", rule="script")
            continue
        if script.say is not None:
            for slot in sorted(given):
                out.add(loc + (slot,), "slots belong to `use:` templates, not to `say:` lines", rule="script")
            continue
        wanted = SLOTS[script.use]
        for slot in wanted:
            if slot not in given:
                out.add(loc, f"the {script.use} template needs the slot {slot!r}", rule="script")
        for slot in sorted(given - set(wanted)):
            out.add(loc + (slot,), f"{slot!r} is not a slot of the {script.use} template (slots: {', '.join(wanted)})", rule="script")
        if script.use == "floor" and script.issue is not None:
            issue = issues.get(script.issue)
            if issue is None:
                out.add(loc + ("issue",), f"unknown issue {short(script.issue)}{out.suggest(script.issue, issues)}", rule="reference")
            elif issue.floor is None:
                out.add(loc + ("issue",), f"issue {short(script.issue)} has no floor; add `floor` to it or use another template",
                        rule="script")
        for slot, items, needs in (("deadline", deal.deadlines, "why"), ("escalation", deal.escalation, "by")):
            index = getattr(script, slot)
            if script.use != slot or index is None:
                continue
            if not 0 <= index < len(items):
                size = f"0 to {len(items) - 1}" if items else "none: the file has no " + slot + ("s" if slot == "deadline" else " steps")
                out.add(loc + (slot,), f"{slot} index {index} does not exist (valid: {size})", rule="reference")
            elif getattr(items[index], needs) is None:
                out.add(loc + (slot,), f"{slot} {index} has no `{needs}`, which the {slot} script says aloud; add it",
                        rule="script")


def _check_markdown(out: Collector, deal: Deal):
    fields = [(("summary",), deal.summary), (("notes",), deal.notes),
              (("proposal", "intro"), deal.proposal.intro if deal.proposal else None)]
    fields += [(("review", prompt), answer) for prompt, answer in deal.review.items()]
    seen: set[str] = set()  # the same text (an alias) renders once
    total = 0
    for loc, text in fields:
        if not text or text in seen:
            continue
        seen.add(text)
        total += len(text)
        if total > MAX_MARKDOWN:
            out.add(loc, f"the deal's Markdown (summary, notes, review, proposal.intro) reaches {total:,} characters "
                    f"here; the limit is {MAX_MARKDOWN:,} in all: shorten it, or link to a longer document")
            return
