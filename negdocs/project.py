"""The project: its root folder, ``negdocs.yaml``, ``playbooks/``, ``templates/`` and packs."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from negdocs.errors import NegdocsError, Problem, display_path, short
from negdocs.load.model import LocaleCode
from negdocs.load.loader import read_source
from negdocs.load.matrix import Matrix, check_matrix, exact_numbers

CONFIG_NAME = "negdocs.yaml"
DEFAULT_PLAYBOOKS = "playbooks"
SUFFIXES = (".yaml", ".yml")


class ChecksConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ignore: list[str] = Field(default_factory=list, description="Warning rules silenced for every deal.")


class Settings(BaseModel):
    """``negdocs.yaml``: branding and project-wide settings (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    site_title: str = Field("Negotiation playbooks", description="Title of the site and its index page.")
    logo: str | None = Field(None, description="Logo image file, relative to the project root (SVG or PNG).")
    accent: str = Field("#1f4e79", pattern=r"^#[0-9a-fA-F]{6}$", description="Accent colour as #rrggbb.")
    paper: Literal["A4", "Letter"] = Field("A4", description="PDF paper size: A4 or Letter.")
    confidentiality: str = Field("Confidential: internal use only", description="Label on every page of the internal edition.")
    checks: ChecksConfig = Field(default_factory=ChecksConfig, description="`ignore`: warning rules silenced project-wide.")
    locale: LocaleCode = Field("en", description="Default language of every playbook and proposal: en, de, fr or es.")
    approvals: Matrix | None = Field(None, description="The approval matrix: who must sign off which deals "
                                     "(`base_currency`, `rates`, `rules`).")


def _rgb(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def luminance(rgb: list[int]) -> float:
    """WCAG relative luminance of an sRGB colour given as three 0-255 channels."""
    linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (c / 255 for c in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((luminance(_rgb(a)), luminance(_rgb(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def accent_css(accent: str) -> str:
    """The accent (#rrggbb) as CSS variables that keep WCAG AA contrast whatever colour a
    project picks: --accent-text is the accent darkened just enough for text on white and on
    the light grey background (4.5:1); --on-accent is the text colour on an accent background."""
    rgb = _rgb(accent)
    text = next("#%02x%02x%02x" % tuple(dark) for f in range(10, -1, -1)
                if luminance(dark := [int(round(c * f / 10)) for c in rgb]) <= 0.16)
    return f"--accent: {accent}; --accent-text: {text}; --on-accent: {'#fff' if luminance(rgb) <= 0.18 else '#000'};"


LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
LOGO_MAX_BYTES = 512 * 1024


def inside(root: Path, path: Path) -> Path | None:
    """``path`` resolved (links followed), or None when it lies outside ``root``."""
    resolved = path.resolve()
    return resolved if resolved.is_relative_to(root.resolve()) else None


def _logo(root: Path, name: str, source) -> str:
    """The logo as a data: URI, so HTML and PDF embed it without fetching anything."""
    import base64

    line = source.line(("logo",))

    def fail(message: str):
        raise NegdocsError(Problem(source.display, line, f"logo: {short(name)} {message}", "schema"))

    suffix = Path(name).suffix.lower() if "\0" not in name else ""
    if suffix not in LOGO_TYPES:
        fail("is not an SVG, PNG or JPEG file (.svg, .png, .jpg)")
    try:
        path = inside(root, root / name)
        if path is None:
            fail("is outside the project (or a link to a file outside it); the logo must be a file inside it")
        if not path.is_file():
            fail("does not exist")
        if path.stat().st_size > LOGO_MAX_BYTES:
            fail(f"is {path.stat().st_size:,} bytes; the limit is {LOGO_MAX_BYTES:,}")
        data = path.read_bytes()
    except (OSError, ValueError) as exc:
        fail(f"cannot be read: {getattr(exc, 'strerror', None) or 'not a usable file name'}")
    if len(data) > LOGO_MAX_BYTES:
        fail(f"is over {LOGO_MAX_BYTES:,} bytes, the limit")
    problem = _logo_problem(data, suffix)
    if problem:
        fail(problem)
    return f"data:{LOGO_TYPES[suffix]};base64,{base64.b64encode(data).decode('ascii')}"


_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}
_INLINE_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")  # not SVG: it could refer out
_URL_RE = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.I)


def _logo_problem(data: bytes, suffix: str) -> str | None:
    """Why a logo cannot be embedded as it is, or None. An SVG must be self-contained: a
    reference to anything outside it would be fetched by a browser or refused by the PDF."""
    if suffix in _MAGIC:
        return None if data.startswith(_MAGIC[suffix]) else f"is not a {suffix[1:].upper()} image (its first bytes say otherwise)"
    from xml.etree import ElementTree

    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        return "holds a DOCTYPE or ENTITY declaration; save the SVG without one"
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"is not a well-formed SVG file (line {exc.position[0]}: {str(exc).split(':')[0]})"
    if tree.tag.rsplit("}", 1)[-1] != "svg":
        return "is not an SVG file (its root element is not <svg>)"
    for element in tree.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignObject"):
            return f"holds a <{tag}> element; a logo is a plain image: remove it"
        texts = [(k.rsplit("}", 1)[-1], v) for k, v in element.attrib.items()]
        if tag == "style" and element.text:
            texts.append(("style", element.text))
        for key, value in texts:
            if key.lower().startswith("on"):
                return f"holds an event handler ({short(key)}); a logo is a plain image: remove it"
            refs = [value.strip()] if key == "href" else _URL_RE.findall(value)
            if key == "style" and "@import" in value:
                refs.append("@import")
            for ref in refs:
                if ref and not ref.startswith("#") and not ref.lower().startswith(_INLINE_IMAGES):
                    shown = ref if not ref.lower().startswith("data:") else ref.split(";")[0].split(",")[0] + ",..."
                    return (f"refers to {short(shown)} outside the SVG; a logo must be self-contained (negdocs fetches "
                            "nothing): embed or remove the reference")
    return None


@dataclass
class Project:
    root: Path
    settings: Settings = field(default_factory=Settings)
    logo: str | None = None  # data: URI
    lines: dict = field(default_factory=dict)  # line of each negdocs.yaml value
    _repository: object = field(default=None, repr=False)
    locale_override: str | None = None  # `negdocs build --locale`, for one build

    @property
    def locale(self) -> str:
        """The project's default language: ``--locale``, else negdocs.yaml's ``locale``, else ``en``."""
        return self.locale_override or self.settings.locale

    def deal_locale(self, deal) -> str:
        """Language of a deal's internal playbook: its own ``locale`` wins over the project default."""
        return deal.locale or self.locale

    def proposal_locale(self, deal) -> str:
        """Language of a deal's proposal: ``counterparty.locale``, else the project default (never
        the deal's own ``locale``, which is our team's language)."""
        return (deal.counterparty.locale if deal.counterparty else None) or self.locale

    @classmethod
    def load(cls, root: Path | None = None) -> "Project":
        root = (root or Path.cwd()).resolve()
        config = root / CONFIG_NAME
        if not config.is_file():
            return cls(root)
        source = read_source(config, display_path(config, root), empty_ok=True, root=root)
        data = dict(source.data)
        if "approvals" in data:  # exact decimals from the YAML text, before any comparison
            data["approvals"] = exact_numbers(data["approvals"], source.numbers, ("approvals",))
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:
            from negdocs.load.validate import Collector, schema_problem  # one translation of pydantic errors

            out = Collector(source)
            for error in exc.errors(include_url=False):
                schema_problem(out, error, Settings)
            raise NegdocsError(out.problems) from exc
        from negdocs.analyse.checks import WARNINGS
        from negdocs.load.validate import suggest

        unknown = [(n, r) for n, r in enumerate(settings.checks.ignore) if r not in WARNINGS]
        problems = [Problem(source.display, source.line(("checks", "ignore", n)), f"checks.ignore[{n}]: unknown "
                            f"rule {short(r)}{suggest(r, WARNINGS)}; `negdocs rules` lists the warnings", "schema")
                    for n, r in unknown]
        if settings.approvals is not None:
            from negdocs.analyse.strategy import pack_files

            strategies = {p.name.rsplit(".", 1)[0] for p in pack_files(root)}
            problems += check_matrix(settings.approvals, strategies, source.line, source.display)
        if problems:
            raise NegdocsError(problems)
        project = cls(root, settings, lines=source.lines)
        if settings.logo:
            project.logo = _logo(root, settings.logo, source)
        return project

    def warnings(self) -> list[Problem]:
        """Settings that work but serve readers badly: an accent colour too light for text."""
        ratio = contrast(self.settings.accent, "#ffffff")
        if ratio >= 4.5:
            return []
        return [Problem(CONFIG_NAME, self.config_line("accent"), f"accent: {self.settings.accent} has a contrast of "
                        f"{ratio:.1f}:1 on white, below the 4.5:1 WCAG AA needs for text; links and highlights use a darker "
                        "shade of it, choose a darker accent to keep the brand colour exact", "contrast", "warning")]

    @property
    def matrix(self) -> Matrix | None:
        """The approval matrix of ``negdocs.yaml``, or None when it has none."""
        return self.settings.approvals

    @property
    def repository(self):
        """The git repository around the project (:class:`negdocs.git.signoffs.Repository`), made when first asked."""
        if self._repository is None:
            from negdocs.git.signoffs import Repository

            self._repository = Repository(self.root)
        return self._repository

    def approved_terms(self, path: Path):
        """For one deal file: approval -> (commit label, Deal) of the version it was made on, from git."""
        return lambda approval: self.repository.approved(path, approval.fingerprint)

    def config_line(self, key: str) -> int:
        return self.lines.get((key,), 1)

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def display(self, path: Path) -> str:
        return display_path(path, self.root)

    def discover(self, paths: list[Path] | tuple = ()) -> list[Path]:
        """Deal files under ``paths`` (default ``playbooks/``), sorted, each once."""
        paths = list(paths) or [self.root / DEFAULT_PLAYBOOKS]
        found: list[Path] = []
        for path in paths:
            path = path if path.is_absolute() else Path.cwd() / path
            if path.is_dir():
                found += [p for p in sorted(path.rglob("*")) if p.suffix in SUFFIXES and p.is_file()
                          and not any(part.startswith(".") for part in p.relative_to(path).parts)]
            elif path.is_file():
                found.append(path)
            else:
                raise NegdocsError(Problem(self.display(path), 0, "no such file or folder", "usage"))
        # each file once, named as written: a link's own name, so one that leads out is seen as such
        unique: dict[Path, Path] = {}
        for p in found:
            unique.setdefault(p.resolve(), Path(os.path.abspath(p)))
        if not unique:
            raise NegdocsError(Problem(", ".join(self.display(p) for p in paths), 0, "no deal files (*.yaml, *.yml) found", "usage"))
        return list(unique.values())
