"""Incremental builds: a key per output made of everything it depends on.

The manifest in the output folder records, per deal file, the key of each output it
produced. A deal whose key is unchanged is not parsed or rendered again; its files are
carried over from the previous build. The key covers the deal file's bytes, its git
provenance, the templates each edition uses (found by following extends/include/import),
the strategy packs, ``negdocs.yaml``, SOURCE_DATE_EPOCH and the negdocs and WeasyPrint
versions, so an incremental build is byte-identical to a clean one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import jinja2
from jinja2 import meta

from negdocs import FORMAT_VERSION, __version__
from negdocs.output.writer import MARKER

MANIFEST_VERSION = 3  # 3: internal index entries carry value, findings and sign-off state


def sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def template_closure(env: jinja2.Environment, name: str) -> dict[str, str]:
    """``name`` and every template it extends, includes or imports, with their sources."""
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source, _, _ = env.loader.get_source(env, current)
        seen[current] = source
        todo += [ref for ref in meta.find_referenced_templates(env.parse(source)) if ref]
    return seen


class Keys:
    """Computes output keys for one build."""

    def __init__(self, project, pack_files: list[Path], env: jinja2.Environment, pdf: bool):
        settings = (project.root / "negdocs.yaml").read_bytes() if (project.root / "negdocs.yaml").is_file() else b""
        packs = [p.read_bytes() for p in sorted(pack_files)]
        weasy = _weasyprint_version() if pdf else "-"
        self.common = sha(__version__, FORMAT_VERSION, weasy, settings, os.environ.get("SOURCE_DATE_EPOCH", ""),
                          project.logo or "", *packs)
        self.env = env
        self._templates: dict[str, str] = {}

    def template(self, name: str) -> str:
        if name not in self._templates:
            try:
                closure = template_closure(self.env, name)
            except jinja2.TemplateError:
                return sha(name)  # the render reports the error at its template line
            self._templates[name] = sha(*(f"{k}\0{v}" for k, v in sorted(closure.items())))
        return self._templates[name]

    def deal(self, digest: str, git: dict) -> str:
        return sha(self.common, digest, json.dumps(git, sort_keys=True))

    def page(self, deal_key: str, edition: str) -> str:
        return sha(deal_key, edition, self.template(f"{edition}.html"))


def _weasyprint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover
        return "?"


def load_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("manifest") == MANIFEST_VERSION else {}
