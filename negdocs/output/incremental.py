"""Incremental builds: a key per output made of everything it depends on.

The manifest in the output folder records, per deal file, the key of each output it
produced. A deal whose key is unchanged is not parsed or rendered again; its files are
carried over from the previous build. The key covers the deal file's bytes, its git
provenance, the templates each edition uses (found by following extends/include/import),
the strategy packs, ``negdocs.yaml``, the language (``--locale``) and the catalogs,
SOURCE_DATE_EPOCH, the negdocs and WeasyPrint versions and, for a deal with
``proposal.valid_until``, today's date, so an incremental build is byte-identical to a clean
one and reports the same findings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import jinja2
from jinja2 import meta

from negdocs import FORMAT_VERSION, __version__
from negdocs.output.writer import MANIFEST_VERSION

__all__ = ["MANIFEST_VERSION", "Keys", "deals", "template_closure", "valid_record"]


def sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def template_closure(env: jinja2.Environment, name: str) -> dict[str, str]:
    """``name`` and every template it extends, includes or imports, with their sources.

    A reference Jinja cannot name before rendering (``{% include some_variable %}``) could
    reach any template, so then the closure is every template the environment knows."""
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source, _, _ = env.loader.get_source(env, current)
        seen[current] = source
        refs = list(meta.find_referenced_templates(env.parse(source)))
        if None in refs:  # dynamic: depend on them all
            return {**seen, **{t: _source(env, t) for t in env.list_templates()}}
        todo += [ref for ref in refs if ref]
    return seen


def _source(env: jinja2.Environment, name: str) -> str:
    try:
        return env.loader.get_source(env, name)[0]
    except (jinja2.TemplateError, UnicodeDecodeError, OSError):  # not text: no template can include it
        return ""


class Keys:
    """Computes output keys for one build."""

    def __init__(self, project, pack_files: list[Path], env: jinja2.Environment, pdf: bool, extra: dict | None = None):
        settings = (project.root / "negdocs.yaml").read_bytes() if (project.root / "negdocs.yaml").is_file() else b""
        packs = [p.read_bytes() for p in sorted(pack_files)]
        weasy = _weasyprint_version() if pdf else "-"
        from negdocs.i18n import catalog_digest

        self.common = sha(__version__, FORMAT_VERSION, weasy, settings, os.environ.get("SOURCE_DATE_EPOCH", ""),
                          project.logo or "", project.locale, catalog_digest(), *packs)
        self.env = env
        self.extra = extra or {}  # edition -> what else its outputs depend on (the Word template)
        self.pdf = pdf
        self._templates: dict[str, str] = {}

    def template(self, name: str) -> str:
        if name not in self._templates:
            try:
                closure = template_closure(self.env, name)
            except jinja2.TemplateError:
                return sha(name)  # the render reports the error at its template line
            self._templates[name] = sha(*(f"{k}\0{v}" for k, v in sorted(closure.items())))
        return self._templates[name]

    def deal(self, digest: str, git: dict, raw: bytes | None = None) -> str:
        """The key of a deal file's outputs. A file that may set ``proposal.valid_until`` has
        today's date in it too: ``proposal-expired`` depends on the day of the build."""
        from negdocs.dates import today

        day = today().isoformat() if raw is not None and b"valid_until" in raw else ""
        return sha(self.common, digest, json.dumps(git, sort_keys=True), day)

    def page(self, deal_key: str, edition: str) -> str:
        printed = self.template("print.css") if self.pdf and edition == "internal" else ""
        stamps = self.template("proposal-stamp.html") if edition == "proposal" else ""
        return sha(deal_key, edition, self.template(f"{edition}.html"), printed, stamps, self.extra.get(edition, ""))


def _weasyprint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover
        return "?"


_RECORD = {"key": str, "id": str, "outputs": dict, "line": int, "entries": dict, "findings": list, "search": dict,
           "files": list}
_FINDING = {"path": str, "line": int, "rule": str, "severity": str}  # and "message": text, or None (proposal builds)


def _typed(value, spec: dict) -> bool:
    """``value`` is a dict holding at least ``spec``'s keys with those types (no bool for int)."""
    return isinstance(value, dict) and all(isinstance(value.get(k), t) and not isinstance(value.get(k), bool)
                                           for k, t in spec.items())


_PORTFOLIO = {"guide": bool, "currency": str, "value": str, "approvals": str, "warnings": int, "errors": int}


def _portfolio(entry) -> bool:
    """The internal index entry carries what the portfolio shows (a record of an older build does not)."""
    from decimal import Decimal, InvalidOperation

    if not (isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in _PORTFOLIO.items())
            and entry["approvals"] in ("missing", "stale", "approved", "none")
            and isinstance(entry.get("base_currency"), (str, type(None)))):
        return False
    try:
        return all(v is None or Decimal(v).is_finite() for v in (entry["value"], entry.get("value_base", "")))
    except (InvalidOperation, TypeError):
        return False


def _entry(entry) -> bool:
    if not (isinstance(entry, dict) and isinstance(entry.get("id"), str)):
        return False
    close_by = entry.get("close_by")
    if close_by is None:
        return True
    try:
        dt.date.fromisoformat(close_by)
    except (TypeError, ValueError):
        return False
    return True


def valid_record(record) -> bool:
    """A deal's record as negdocs writes it. A manifest that verifies can still be made by
    hand, so nothing in it is used before it passes this."""
    return (_typed(record, _RECORD) and isinstance(record.get("skipped"), bool)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in record["outputs"].items())
            and all(isinstance(name, str) for name in record["files"])
            and all(_typed(f, _FINDING) and f.keys() == {*_FINDING, "message"} and isinstance(f["message"], (str, type(None)))
                    for f in record["findings"])
            and all(isinstance(k, str) and _entry(v) for k, v in record["entries"].items())
            and ("internal" not in record["entries"] or _portfolio(record["entries"]["internal"]))
            and all(isinstance(k, str) and isinstance(v, dict) for k, v in record["search"].items()))


def deals(manifest: dict) -> dict[str, dict]:
    """The well-formed deal records of a verified manifest (see :func:`negdocs.output.writer.read_manifest`);
    a malformed record is left out, so its deal is built again."""
    found = manifest.get("deals")
    if not isinstance(found, dict):
        return {}
    return {display: record for display, record in found.items() if isinstance(display, str) and valid_record(record)}
