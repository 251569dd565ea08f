"""Pydantic models of the deal-definition format (FORMAT.md, version 1).

The field descriptions are the format reference: the JSON Schema (``negdocs schema``) and
editor completion come from them. Rules that span fields (references, order of values,
script slots) live in :mod:`negdocs.load.validate`, where they can point at the right line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt

from negdocs import FORMAT_VERSION
from negdocs.errors import short
from negdocs.i18n import check_locale
from negdocs.load import recipients
from negdocs.load.currencies import ISO_4217

# Patterns are matched whole (``fullmatch``): ``$`` alone would accept a trailing newline.
# The ``^...$`` form is kept for pydantic and JSON Schema, whose ``$`` is the end of the text.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME_RE = re.compile(r"\d{4}-\d\d?-\d\d?([Tt]|[ \t]+)\d\d?:\d\d:\d\d(\.\d*)?([ \t]*(Z|[-+]\d\d?(:\d\d)?))?")


def is_slug(text: str) -> bool:
    """A valid id: lowercase letters, digits and hyphens, starting with a letter or digit."""
    return isinstance(text, str) and SLUG_RE.fullmatch(text) is not None


def _date(value):
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _DATE_TIME_RE.fullmatch(value)):
        raise ValueError(f"{short(str(value))} is not a valid date: it has a time; dates are YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{short(value)} is not a valid date (YYYY-MM-DD): {exc}") from exc
    raise ValueError(f"{short(value)} is not a valid date; write YYYY-MM-DD")


def _currency(value):
    if isinstance(value, str) and value in ISO_4217:
        return value
    hint = f" (did you mean {value.upper()!r}?)" if isinstance(value, str) and value.upper() in ISO_4217 else ""
    raise ValueError(f"{short(value)} is not an ISO 4217 currency code such as USD, EUR or GBP{hint}")


LocaleCode = Annotated[Literal["en", "de", "fr", "es"], BeforeValidator(check_locale)]
Slug = Annotated[str, Field(pattern=SLUG_RE.pattern, max_length=80, json_schema_extra={"examples": ["price"]})]
Date = Annotated[dt.date, BeforeValidator(_date), Field(json_schema_extra={"format": "date"})]
Currency = Annotated[str, BeforeValidator(_currency), Field(pattern=r"^[A-Z]{3}$")]
MAX_NUMBER = 10**15


_NUMERIC_TEXT = re.compile(r"[-+]?(\d[\d_,]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def _number(value):
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()):
        raise ValueError(_numeric_text(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{short(value)} is not a number; write digits only, such as 120000 or 12.5")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{short(value)} is not a finite number")
    if value < 0:
        raise ValueError(f"{short(value)} is negative; values are never negative")
    if value > MAX_NUMBER:
        raise ValueError(f"{short(value)} is too large; values stay below {MAX_NUMBER:,}")
    return value


def _numeric_text(value: str) -> str:
    """Why a number written as text is text, and what to write instead."""
    try:
        number = float(value.replace("_", "").replace(",", ""))
    except ValueError:  # pragma: no cover - the pattern admits only what float() reads
        number = 0.0
    if number != number or abs(number) >= MAX_NUMBER:
        return f"{short(value)} is too large; values stay below {MAX_NUMBER:,}"
    if "," in value:
        return f"{short(value)} is text because of its commas; write the number without separators, such as 120000"
    if "e" in value.lower():
        return f"{short(value)} is text: YAML reads a number with an exponent as text; write it in digits, such as 120000 or 12.5"
    return f"{short(value)} is quoted, so it is text; remove the quotes"


Number = Annotated[Union[int, float], BeforeValidator(_number), Field(ge=0)]
Markdown = Annotated[str, Field(json_schema_extra={"contentMediaType": "text/markdown"})]
Level = Literal["low", "medium", "high"]
Ids = list[Slug]

CONTEXTS = ("sales", "partnership", "procurement", "hiring")
NUMERIC_KINDS = ("money", "days", "months", "percent", "count")
SCRIPT_TEMPLATES = ("floor", "deadline", "governance", "contingency", "escalation")


class Strict(BaseModel):
    """Base: unknown keys are errors; values are validated on assignment too."""

    model_config = ConfigDict(extra="forbid", validate_default=False, frozen=True)


class Counterparty(Strict):
    name: str | None = Field(None, description="Who is across the table. Shared: appears in the proposal.")
    relationship: Literal["one-off", "repeated"] | None = Field(None, description="Whether we will deal with them again. Internal.")
    reputation_sensitive: StrictBool | None = Field(None, description="True when how we treat them affects our reputation. Internal.")
    culture: Literal["direct", "indirect", "high-power-distance"] | None = Field(
        None, description="Their negotiation culture; picks the culture notes and the face-saving checks. Internal.")
    their_batna: str | None = Field(None, description="Our estimate of their best alternative. Internal.")
    locale: LocaleCode | None = Field(None, description="Language of the proposal: `en`, `de`, `fr` or `es`; default: "
                                      "`locale` of negdocs.yaml, else `en` (never the deal's own). Shared.")


class Batna(Strict):
    summary: str | None = Field(None, description="Our best alternative to this deal, in a sentence. Internal.")
    value: Number | None = Field(None, description="The alternative's worth in the deal's currency; for a buyer, what the alternative costs. Internal.")
    time: str | None = Field(None, description="How long the alternative takes to realise. Internal.")
    risk: Level | None = Field(None, description="Risk of the alternative. Internal.")
    political_cost: Level | None = Field(None, description="Internal political cost of taking the alternative. Internal.")
    evidence: Ids = Field(default_factory=list, description="Evidence ids that back the alternative (no evidence: bluffing risk). Internal.")
    strengthen: list[str] = Field(default_factory=list, description="Steps that would make the alternative stronger before talks. Internal.")


class Issue(Strict):
    id: Slug = Field(description="Slug naming the issue; referenced from meso terms and scripts. Shared.")
    name: str = Field(description="What the issue is called at the table. Shared.")
    kind: Literal["money", "days", "months", "percent", "count", "text"] = Field(description="Unit of the issue's values; `text` issues use `positions`. Shared.")
    better: Literal["higher", "lower"] | None = Field(None, description="Which direction is better for us; required for numeric kinds. Shared.")
    open: Number | None = Field(None, description="Our first offer. Shared.")
    target: Number | None = Field(None, description="What we aim to settle at. Internal.")
    floor: Number | None = Field(None, description="The floor we state aloud in a script, backed by `basis`. Internal: never in the proposal.")
    walk_away: Number | None = Field(None, description="Our reservation point: beyond it we take the BATNA. Internal.")
    their_walk_away: Number | None = Field(None, description="Our estimate of their reservation point. Internal.")
    weight: Annotated[StrictInt, Field(ge=1, le=5)] = Field(3, description="Priority 1-5 (default 3); weights MESO values. Internal.")
    tradeable: StrictBool = Field(False, description="True when we can give on this issue to get elsewhere. Internal.")
    basis: Ids = Field(default_factory=list, description="Evidence ids that justify `open` and `floor`. Internal.")
    positions: list[str] = Field(default_factory=list, description="Text issues: ordered ladder from preferred to walk-away. Internal.")


class Power(Strict):
    source: Literal["alternatives", "authority", "information", "network", "time", "resources", "reputation", "coalition"] = Field(
        description="Kind of leverage. Internal.")
    summary: str | None = Field(None, description="What the leverage is. Internal.")
    real: StrictBool = Field(True, description="False when the leverage is only perceived. Internal.")
    evidence: Ids = Field(default_factory=list, description="Evidence ids that make the leverage real. Internal.")


class Person(Strict):
    name: str = Field(description="Person on the counterparty's side. Internal.")
    role: str | None = Field(None, description="Their role. Internal.")
    decision_rights: list[str] = Field(default_factory=list, description="What they decide. Internal.")
    veto: StrictBool = Field(False, description="True when they can block the deal. Internal.")
    concerns: list[str] = Field(default_factory=list, description="What they worry about. Internal.")


class Evidence(Strict):
    id: Slug = Field(description="Slug referenced from `basis`, `batna`, `power` and `deadlines`.")
    kind: Literal["benchmark", "cost-driver", "legal-standard", "precedent", "capacity", "policy", "other"] = Field(description="Kind of evidence.")
    summary: str = Field(description="What the evidence shows.")
    label: str | None = Field(None, description="Short name a script uses to cite the item, such as `2026 price survey` "
                              "(default: a short form of `summary`). Same visibility as the item.")
    source: str | None = Field(None, description="Where it comes from: text or URL (never fetched).")
    shareable: StrictBool = Field(False, description="True when the counterparty may see it (default false); only shareable evidence reaches the proposal and the floor script.")


class Deadline(Strict):
    date: Date = Field(description="When it expires (YYYY-MM-DD). Shared.")
    what: str = Field(description="What expires. Shared.")
    why: str | None = Field(None, description="The real constraint behind it, said aloud. Shared.")
    kind: Literal["capacity", "budget", "fiscal", "legal", "other"] = Field("other", description="Kind of constraint. Shared.")
    evidence: Ids = Field(default_factory=list, description="Evidence ids proving the deadline is real. Internal.")


class Meso(Strict):
    name: str = Field(description="Name of the offer. Shared.")
    terms: dict[str, Union[Number, str]] = Field(
        description="Issue id -> value; every numeric issue must be set; a text issue's term is one of its positions. Shared.")
    note: str | None = Field(None, description="What makes this option attractive. Shared.")


class Concession(Strict):
    item: str = Field(description="What the concession is about. Internal.")
    give: str | None = Field(None, description="What we give. Internal.")
    get: str | None = Field(None, description="What we get in return. Internal.")
    value: str | None = Field(None, description="Value to us or to them. Internal.")
    trigger: str | None = Field(None, description="When we offer it. Internal.")


class Script(Strict):
    say: str | None = Field(None, description="A free line to say. Internal.")
    use: Literal["floor", "deadline", "governance", "contingency", "escalation"] | None = Field(
        None, description="One of the strategy's fill-in templates. Internal.")
    issue: Slug | None = Field(None, description="`floor`: the issue id.")
    ask: str | None = Field(None, description="`floor`: what they ask of us.")
    give: str | None = Field(None, description="`floor`: what we need in return.")
    deadline: StrictInt | None = Field(None, description="`deadline`: 0-based index into `deadlines`.")
    term: str | None = Field(None, description="`governance`: the term we can accept.")
    verification: str | None = Field(None, description="`governance`: the verification or governance it needs.")
    alternative: str | None = Field(None, description="`governance`: our alternative plan otherwise.")
    risk: str | None = Field(None, description="`contingency`: the risk.")
    remedy: str | None = Field(None, description="`contingency`: the contingent remedy.")
    escalation: StrictInt | None = Field(None, description="`escalation`: 0-based index into `escalation`.")


class Task(Strict):
    task: str = Field(description="What must happen after signature. Shared.")
    owner: str | None = Field(None, description="Who owns it. Shared.")
    due: Date | None = Field(None, description="When it is due (YYYY-MM-DD). Shared.")
    metric: str | None = Field(None, description="How success is measured. Shared.")


class Escalation(Strict):
    step: str = Field(description="An escalation step to take before any power play. Shared unless private.")
    by: Date | None = Field(None, description="When (YYYY-MM-DD). Shared unless private.")
    private: StrictBool = Field(False, description="True for a private sponsor preview: never in the proposal.")


PlainLine = Annotated[str, AfterValidator(recipients.plain_line), Field(max_length=recipients.NAME_MAX)]
Email = Annotated[str, AfterValidator(recipients.email), Field(max_length=recipients.EMAIL_MAX)]


class Recipient(Strict):
    name: PlainLine = Field(description="Who receives a stamped copy, as printed on it (\"Prepared for NAME\"); its slug "
                                        "names the copy's files. Shared with this recipient only.")
    email: Email | None = Field(None, description="The recipient's e-mail address. Shared with this recipient only.")
    org: PlainLine | None = Field(None, description="The recipient's organisation, printed after the name. "
                                                    "Shared with this recipient only.")


class Proposal(Strict):
    intro: Markdown | None = Field(None, description="Opening text of the counterparty edition. Shared.")
    valid_until: Date | None = Field(None, description="The proposal is printed as valid until this date (YYYY-MM-DD); "
                                                       "`proposal-expired` warns once it has passed. Shared.")
    recipients: list[Recipient] = Field(default_factory=list, description="Who receives a stamped copy of the proposal "
                                        "(`name` required, `email`, `org`); each copy names only its own recipient.")


FINGERPRINT_RE = re.compile(r"^[0-9a-fA-F]{12}$")


def _fingerprint(value):
    if isinstance(value, str) and FINGERPRINT_RE.match(value):
        return value.lower()
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    hint = " (quote it: YAML reads unquoted digits as a number)" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
    raise ValueError(f"{shown} is not a fingerprint: 12 hexadecimal characters{hint}, as `negdocs approve` writes it")


def _signer(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a name; write who signed off, such as Dana Lee")
    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in value):
        raise ValueError("the name holds a control character or a line break; write it on one line")
    return value


class Approval(Strict):
    role: Slug = Field(description="The role that signed off; a `role` of a rule in negdocs.yaml's `approvals.rules`. Internal.")
    by: Annotated[str, BeforeValidator(_signer), Field(max_length=200)] = Field(description="Who signed off (a name on one line). Internal.")
    on: Date = Field(description="When (YYYY-MM-DD). Internal.")
    fingerprint: Annotated[str, BeforeValidator(_fingerprint), Field(pattern=FINGERPRINT_RE.pattern)] = Field(
        description="The fingerprint of the deal's economic terms that was approved (12 hex characters, written by "
                    "`negdocs approve`); a change of the terms makes the sign-off stale. Internal.")


class Checks(Strict):
    ignore: list[str] = Field(default_factory=list, description="Warning rule names silenced for this deal. Internal.")


class Deal(Strict):
    """One deal plan: a negotiation and everything we prepared for it."""

    model_config = ConfigDict(
        extra="forbid", frozen=True,
        json_schema_extra={"$id": "https://negdocs.dev/schema/negdocs.schema.json"},
        title="negdocs deal definition (negdocs/v1)",
    )

    format: Literal["negdocs/v1"] = Field(description=f"Format version; `{FORMAT_VERSION}`.")
    id: Slug | None = Field(None, description="Slug; defaults to the file name without `.yaml`; unique across the project. Shared.")
    title: str = Field(description="Document heading. Shared.")
    context: Literal["sales", "partnership", "procurement", "hiring"] = Field(description="Picks the context playbook. Shared.")
    strategy: Slug = Field("power-based", description="Strategy pack id: `power-based` (default), `principled`, or one the project adds. Internal.")
    status: Literal["draft", "active", "closed"] = Field("draft", description="Default `draft`. Internal.")
    owner: str | None = Field(None, description="Who runs the negotiation. Shared.")
    locale: LocaleCode | None = Field(None, description="Language of the internal playbook: `en`, `de`, `fr` or `es`; "
                                      "default: `locale` of negdocs.yaml, else `en`. Shared.")
    currency: Currency = Field("USD", description="ISO 4217 code (default USD); formats every money value. Shared.")
    close_by: Date | None = Field(None, description="Target signature date (YYYY-MM-DD). Shared.")
    stakes: Level | None = Field(None, description="What pressing the advantage could gain. Internal.")
    summary: Markdown | None = Field(None, description="The situation in a paragraph (Markdown). Internal.")
    counterparty: Counterparty | None = Field(None, description="Who is across the table: `name` shared, the rest internal.")
    batna: Batna | None = Field(None, description="Our best alternative to a negotiated agreement. Internal.")
    issues: list[Issue] = Field(default_factory=list, description="Everything that can be traded or enforced.")
    power: list[Power] = Field(default_factory=list, description="Our sources of leverage. Internal.")
    people: list[Person] = Field(default_factory=list, description="The counterparty map. Internal.")
    evidence: list[Evidence] = Field(default_factory=list, description="The evidence pack; items with `shareable: true` may reach the proposal.")
    deadlines: list[Deadline] = Field(default_factory=list, description="Calendar constraints we will state. Shared (evidence internal).")
    meso: list[Meso] = Field(default_factory=list, description="Multiple equivalent simultaneous offers. Shared.")
    concessions: list[Concession] = Field(default_factory=list, description="The concession log. Internal.")
    scripts: list[Script] = Field(default_factory=list, description="Lines to say, filled from this file. Internal.")
    implementation: list[Task] = Field(default_factory=list, description="Owners, dates and metrics after signature. Shared.")
    escalation: list[Escalation] = Field(default_factory=list, description="Steps before any power play. Shared unless `private: true`.")
    proposal: Proposal | None = Field(None, description="Counterparty edition settings: `intro` (Markdown), `valid_until`, "
                                                  "`recipients`. Shared.")
    review: dict[str, Markdown] = Field(default_factory=dict, description="Post-negotiation prompt -> answer, filled after close. Internal.")
    notes: Markdown | None = Field(None, description="Anything else (Markdown). Internal.")
    red_lines: list[str] = Field(default_factory=list, description="What we never say or show in the room; printed in the "
                                 "playbook's \"Never say, never show\" box. Internal.")
    approvals: list[Approval] = Field(default_factory=list, description="Sign-offs of the approval matrix in negdocs.yaml, "
                                      "one per role, written by `negdocs approve`. Internal.")
    checks: Checks | None = Field(None, description="`ignore`: warning rule names silenced for this deal. Internal.")

    def issue(self, issue_id: str) -> Issue | None:
        return next((i for i in self.issues if i.id == issue_id), None)

    def evidence_item(self, evidence_id: str) -> Evidence | None:
        return next((e for e in self.evidence if e.id == evidence_id), None)
