"""Strategy packs: negotiation guidance as data.

The packs negdocs ships live in ``negdocs/analyse/strategies/<id>.yaml``, each with its
German, French and Spanish translation ``<id>.<locale>.yaml``; a project adds or overrides one
with ``strategies/<id>.yaml`` (and its translations) next to its ``playbooks/``. A pack is
validated as strictly as a deal, so a template can rely on every section being there, and a
translation must have its English pack's structure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from negdocs.errors import NegdocsError, Problem, display_path
from negdocs.i18n import DEFAULT, NAMES, SUPPORTED
from negdocs.load.loader import read_source
from negdocs.load.model import CONTEXTS, SCRIPT_TEMPLATES

BUILTIN_DIR = Path(__file__).parent / "strategies"
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

    @field_validator("preparation")
    @classmethod
    def _preparation(cls, v):
        return _exact_keys(v, PREPARATION, "preparation")

    @field_validator("steps")
    @classmethod
    def _steps(cls, v):
        return _exact_keys(v, STEPS, "steps")

    @field_validator("contexts")
    @classmethod
    def _contexts(cls, v):
        return _exact_keys(v, CONTEXTS, "contexts")

    @field_validator("culture")
    @classmethod
    def _culture(cls, v):
        return _exact_keys(v, CULTURES, "culture")

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


def pack_files(project_dir: Path | None = None) -> list[Path]:
    """Built-in pack files, then the project's ``strategies/`` (same id overrides), translations included."""
    files = sorted(BUILTIN_DIR.glob("*.yaml"))
    if project_dir is not None and (project_dir / "strategies").is_dir():
        files += sorted((project_dir / "strategies").glob("*.y*ml"))
    return files


class Packs(dict):
    """Strategy id -> the English pack, plus each pack's translations.

    A translation is ``<id>.<locale>.yaml`` beside ``<id>.yaml``, with the same structure.
    A project pack that overrides a shipped one drops the shipped translations (they translate
    another text), so until the project adds its own, its deals in other languages read the
    English pack with a note."""

    def __init__(self):
        super().__init__()
        self.translated: dict[tuple[str, str], Pack] = {}
        self.shown: dict[str, str] = {}  # id -> file of the English pack, as shown to users

    def pack(self, pack_id: str, locale: str) -> tuple[Pack, bool]:
        """The pack in ``locale``, and whether it fell back to English for want of a translation."""
        if locale == DEFAULT:
            return self[pack_id], False
        found = self.translated.get((pack_id, locale))
        return (found, False) if found is not None else (self[pack_id], True)

    def fallback_warning(self, pack_id: str, locale: str) -> Problem:
        shown = self.shown.get(pack_id, f"strategies/{pack_id}.yaml")
        return Problem(shown, 1, f"strategy {pack_id!r} has no {NAMES[locale]} translation "
                       f"({shown.rsplit('.', 1)[0]}.{locale}.yaml); deals in {locale!r} show its English text with a note",
                       "locale", "warning")


def _split_name(path: Path) -> tuple[str, str | None]:
    """``principled.de.yaml`` -> (``principled``, ``de``); ``principled.yaml`` -> (``principled``, None)."""
    stem = path.name.rsplit(".", 1)[0]
    base, dot, locale = stem.rpartition(".")
    return (base, locale) if dot else (stem, None)


def shape_differences(pack: Pack, base: Pack, where: str = "") -> list[str]:
    """Where a translation's structure differs from its English pack: keys, list lengths, and
    the values that are identifiers rather than prose (ids, contexts, steps, rule names, years)."""
    out = []
    if isinstance(base, BaseModel):
        for name, info in type(base).model_fields.items():
            a, b = getattr(pack, name), getattr(base, name)
            here = f"{where}.{name}" if where else name
            fixed = name in ("id", "rules", "year") or getattr(info.annotation, "__origin__", None) is Literal
            if fixed and a != b:
                out.append(f"{here}: {a!r} must stay {b!r} as in the English pack")
            elif not fixed:
                out += shape_differences(a, b, here)
    elif isinstance(base, dict):
        if list(pack) != list(base):
            out.append(f"{where}: keys {sorted(pack)} differ from the English pack's {sorted(base)}")
        else:
            for key in base:
                out += shape_differences(pack[key], base[key], f"{where}.{key}")
    elif isinstance(base, list):
        if len(pack) != len(base):
            out.append(f"{where}: {len(pack)} items; the English pack has {len(base)}")
        else:
            for n, (a, b) in enumerate(zip(pack, base)):
                out += shape_differences(a, b, f"{where}[{n}]")
    return out


def load_packs(project_dir: Path | None = None) -> Packs:
    """Built-in packs, then the project's ``strategies/`` (same id overrides), with translations."""
    problems: list[Problem] = []
    english: dict[str, tuple[Pack, str, bool]] = {}  # id -> (pack, shown, from the project)
    translations: dict[tuple[str, str], tuple[Pack, str, bool, object]] = {}
    for path in pack_files(project_dir):
        shown = display_path(path, project_dir)
        builtin = path.parent == BUILTIN_DIR
        try:
            source = read_source(path, shown, root=project_dir or BUILTIN_DIR)
            pack = Pack.model_validate(source.data)
        except NegdocsError as exc:
            problems += exc.problems
            continue
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                problems.append(Problem(shown, source.line(loc), f"{'.'.join(map(str, loc)) or 'pack'}: {error['msg']}", "strategy"))
            continue
        stem, locale = _split_name(path)
        if locale is not None and locale not in SUPPORTED[1:]:
            problems.append(Problem(shown, 1, f"the file name's language {locale!r} is not one of "
                                    f"{', '.join(SUPPORTED[1:])}; the English pack is {stem}.yaml", "strategy"))
            continue
        if pack.id != stem:
            problems.append(Problem(shown, source.line(("id",)), f"id: {pack.id!r} must match the file name {stem!r}", "strategy"))
            continue
        if locale is None:
            english[pack.id] = (pack, shown, not builtin)
            if not builtin:  # the shipped translations translate another text
                translations = {k: v for k, v in translations.items() if k[0] != pack.id or v[2]}
        else:
            translations[(pack.id, locale)] = (pack, shown, not builtin, source)
    packs = Packs()
    for pack_id, (pack, shown, _) in english.items():
        packs[pack_id] = pack
        packs.shown[pack_id] = shown
    for (pack_id, locale), (pack, shown, _, source) in sorted(translations.items()):
        if pack_id not in packs:
            problems.append(Problem(shown, 1, f"translates {pack_id!r}, but there is no {pack_id}.yaml; add the English "
                                    "pack beside it", "strategy"))
            continue
        for difference in shape_differences(pack, packs[pack_id]):
            problems.append(Problem(shown, source.line(_loc(difference)), difference, "strategy"))
        packs.translated[(pack_id, locale)] = pack
    if problems:
        raise NegdocsError(problems)
    return packs


def _loc(difference: str) -> tuple:
    """``moves[2].when: ...`` -> ``('moves', 2, 'when')``, to find its line."""
    path = difference.split(":", 1)[0].lstrip(".")
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path) if p)
