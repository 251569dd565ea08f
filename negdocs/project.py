"""The project: its root folder, ``negdocs.yaml``, ``playbooks/``, ``templates/`` and packs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from negdocs.errors import NegdocsError, Problem, display_path
from negdocs.loader import read_source

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


@dataclass
class Project:
    root: Path
    settings: Settings = field(default_factory=Settings)

    @classmethod
    def load(cls, root: Path | None = None) -> "Project":
        root = (root or Path.cwd()).resolve()
        config = root / CONFIG_NAME
        if not config.is_file():
            return cls(root)
        source = read_source(config, display_path(config, root))
        try:
            settings = Settings.model_validate(source.data)
        except ValidationError as exc:
            from negdocs.validate import Collector, schema_problem  # one translation of pydantic errors

            out = Collector(source)
            for error in exc.errors(include_url=False):
                schema_problem(out, error, Settings)
            raise NegdocsError(out.problems) from exc
        if settings.logo and not (root / settings.logo).resolve().is_relative_to(root):
            raise NegdocsError(Problem(source.display, source.line(("logo",)), "logo: must be a file inside the project", "schema"))
        return cls(root, settings)

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
        unique = list(dict.fromkeys(p.resolve() for p in found))
        if not unique:
            raise NegdocsError(Problem(", ".join(self.display(p) for p in paths), 0, "no deal files (*.yaml, *.yml) found", "usage"))
        return unique
