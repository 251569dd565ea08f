"""Strategy packs: negotiation guidance as data.

The packs negdocs ships live in ``negdocs/analyse/strategies/<id>.yaml``, each with its
German, French and Spanish translation ``<id>.<locale>.yaml``; a project adds or overrides one
with ``strategies/<id>.yaml`` (and its translations) next to its ``playbooks/``. This module
finds and loads them; a pack's shape is :class:`negdocs.analyse.pack.Pack`, and a translation
must have its English pack's structure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from negdocs.analyse.pack import Pack
from negdocs.errors import NegdocsError, Problem, display_path
from negdocs.i18n import DEFAULT, NAMES, SUPPORTED
from negdocs.load.loader import read_source

BUILTIN_DIR = Path(__file__).parent / "strategies"


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
