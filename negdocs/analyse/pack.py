"""The shape of a strategy pack: every section a playbook draws on, validated as strictly as a
deal (unknown keys refused, each context, step and script template present), so a template can
rely on every section being there. Loading, overrides and translations: :mod:`negdocs.analyse.strategy`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from negdocs.load.model import CONTEXTS, SCRIPT_TEMPLATES

STEPS = ("setup", "first-move", "midgame", "close", "implementation")
PREPARATION = ("batna", "reservation", "issues", "tradeables", "counterparty", "evidence")
CULTURES = ("direct", "indirect", "high-power-distance")
DIRECTIONS = ("higher", "lower")
PLACEHOLDERS = {
    "floor": ("issue", "floor", "basis", "ask", "give"),
    "deadline": ("date", "what", "why"),
    "governance": ("term", "verification", "alternative"),
    "contingency": ("risk", "remedy"),
    "escalation": ("step", "by"),
}
DO_NOT_USE_RULES = ("relationship-over-gain", "perceived-power", "face-culture")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(_Part):
    name: str
    text: str
    cite: str | None = None


class Titled(_Part):
    title: str
    text: str
    examples: list[str] = []


class Step(_Part):
    title: str
    do: str
    principle: str
    cite: str | None = None


class Line(_Part):
    speaker: str
    line: str


class Context(_Part):
    title: str
    focus: str
    moves: list[Named] = Field(min_length=1)
    mini_script: list[Line] = []  # an illustration: shown in a box marked "Example"
    watch_out: str
    # Optional context-specific replacements for the pack-wide lists and texts.
    issue_examples: list[str] = []  # replaces preparation.issues.examples
    tradeables: list[str] = []  # replaces tools.tradeables
    tradeables_text: str | None = None  # replaces preparation.tradeables.text
    pause_script: str | None = None  # replaces pause_script


class ScriptVariant(_Part):
    text: str
    title: str | None = None


class ScriptTemplate(_Part):
    title: str
    when: str
    text: str
    # Wording for a direction (`higher`, `lower`), a context (`hiring`) or both (`hiring-lower`).
    variants: dict[str, ScriptVariant] = {}


class Example(_Part):
    title: str
    context: Literal["sales", "partnership", "procurement", "hiring"]
    situation: str
    move: str
    reaction: str
    resolution: str
    safeguard: str


class Pitfall(_Part):
    name: str
    risk: str
    avoid: str
    rules: list[str] = []


class WorksheetRow(_Part):
    name: str
    prompt: str


class Tools(_Part):
    concession_log: str
    meso_grid: str
    tradeables: list[str] = Field(min_length=1)
    anchor_worksheet: list[WorksheetRow] = Field(min_length=1)


class Move(_Part):
    move: str
    when: Literal["setup", "first-move", "midgame", "close", "implementation"]
    say: str
    signal: str
    safeguard: str


class EthicsNote(_Part):
    title: str
    text: str


class Review(_Part):
    prompts: list[str] = Field(min_length=1)
    improvements: list[str] = Field(min_length=1)
    institutionalize: str


class Checklist(_Part):
    do: list[str] = Field(min_length=1)
    avoid: list[str] = Field(min_length=1)


class Reference(_Part):
    authors: str
    year: int
    title: str
    publisher: str


def _exact_keys(value: dict, keys: tuple, what: str) -> dict:
    if set(value) != set(keys):
        missing, extra = set(keys) - set(value), set(value) - set(keys)
        raise ValueError(f"{what} must have exactly {', '.join(keys)}"
                         + (f"; missing {', '.join(sorted(missing))}" if missing else "")
                         + (f"; unknown {', '.join(sorted(extra))}" if extra else ""))
    return {key: value[key] for key in keys}  # canonical order


_SECTION_KEYS = {"preparation": PREPARATION, "steps": STEPS, "contexts": CONTEXTS, "culture": CULTURES}


class Pack(_Part):
    """A strategy pack: every section a playbook draws on."""

    id: str
    name: str
    tagline: str
    definition: str
    when_to_use: str
    frameworks: list[Named] = Field(min_length=1)
    adjacent: list[Named] = Field(min_length=1)
    preparation: dict[str, Titled]
    steps: dict[str, Step]
    do_not_use: dict[str, str] = Field(min_length=1)
    contexts: dict[str, Context]
    scripts: dict[str, ScriptTemplate]
    examples: list[Example] = Field(min_length=1)
    pitfalls: list[Pitfall] = Field(min_length=1)
    tools: Tools
    moves: list[Move] = Field(min_length=1)
    ethics: list[EthicsNote] = Field(min_length=1)
    culture: dict[str, str]
    pause_script: str
    review: Review
    checklist: Checklist
    rationale: dict[str, str]
    references: list[Reference] = Field(min_length=1)

    @field_validator("preparation", "steps", "contexts", "culture")
    @classmethod
    def _sections(cls, v, info):
        return _exact_keys(v, _SECTION_KEYS[info.field_name], info.field_name)

    @field_validator("scripts")
    @classmethod
    def _scripts(cls, v):
        v = _exact_keys(v, SCRIPT_TEMPLATES, "scripts")
        keys = {*DIRECTIONS, *CONTEXTS, *(f"{c}-{d}" for c in CONTEXTS for d in DIRECTIONS)}
        for name, template in v.items():
            for where, text in [("text", template.text), *((f"variants.{k}.text", t.text) for k, t in template.variants.items())]:
                found = _PLACEHOLDER_RE.findall(text)
                if sorted(found) != sorted(PLACEHOLDERS[name]):
                    raise ValueError(f"scripts.{name}.{where} must use each of {{{'}, {'.join(PLACEHOLDERS[name])}}} once; "
                                     f"found {found}")
            unknown = sorted(set(template.variants) - keys)
            if unknown:
                raise ValueError(f"scripts.{name}.variants: unknown key {unknown[0]!r}; use a direction (higher, lower), "
                                 "a context, or both joined by '-' such as hiring-lower")
        return v

    @model_validator(mode="after")
    def _rules(self):
        from negdocs.analyse.checks import V1, WARNINGS

        # the first release's rules must be explained; later rules may be (so older packs stay valid)
        missing, unknown = set(V1) - set(self.rationale), set(self.rationale) - set(WARNINGS)
        if missing or unknown:
            raise ValueError("rationale must explain " + ", ".join(V1) + " and may explain " + ", ".join(set(WARNINGS) - set(V1))
                             + (f"; missing {', '.join(sorted(missing))}" if missing else "")
                             + (f"; unknown {', '.join(sorted(unknown))}" if unknown else ""))
        if self.id == "power-based":  # the playbook explains each of these rules when it fires
            _exact_keys(self.do_not_use, DO_NOT_USE_RULES, "do_not_use")
        for pitfall in self.pitfalls:
            unknown = set(pitfall.rules) - set(WARNINGS)
            if unknown:
                raise ValueError(f"pitfall {pitfall.name!r} names unknown rules {sorted(unknown)}")
        return self
