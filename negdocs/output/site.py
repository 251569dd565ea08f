"""The site around the deals' pages: the internal index page, the offline search index and
its script, the manifest, and which shard renders which deal."""

from __future__ import annotations

import hashlib
import json
import re

from negdocs import FORMAT_VERSION, __version__
from negdocs.load.model import CONTEXTS
from negdocs.project import Project
from negdocs.render import editions, portfolio
from negdocs.render.pages import build_date


def edition_of(name: str) -> str:
    return "proposal" if name.startswith("proposal/") else "internal"


def files_of(record: dict, wanted) -> list[str]:
    return [name for name in record["files"] if edition_of(name) in wanted]


def manifest_record(record: dict, wanted) -> dict:
    """What the manifest keeps of a deal: only what the editions built may show. A build
    without the internal edition keeps no finding text (findings quote walk-aways and BATNA
    values) and no internal index entry, so its output folder holds nothing internal."""
    kept = {**record, "entries": {e: v for e, v in record["entries"].items() if e in wanted},
            "search": {e: v for e, v in record["search"].items() if e in wanted},
            "outputs": {e: v for e, v in record["outputs"].items() if e in wanted}, "files": files_of(record, wanted)}
    if "internal" not in wanted:
        kept["findings"] = [{"path": f["path"], "line": f["line"], "rule": f["rule"], "severity": f["severity"],
                             "message": None} for f in record["findings"]]
    return kept


_HEADING = re.compile(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def search_entry(page: str, url: str, entry: dict) -> dict:
    """What the offline search knows of one page: its title, its headings, its index keywords.

    Taken from the rendered page and its index entry only, so each edition's index holds
    nothing that edition does not show."""
    import html as htmlmod

    found = [(level, anchor, htmlmod.unescape(_TAG.sub("", text)).strip()) for level, anchor, text in _HEADING.findall(page)]
    title = next((text for level, _, text in found if level == "1"), entry["title"])
    headings = [(anchor, text) for level, anchor, text in found if level != "1"]
    keywords = " ".join(str(v) for k, v in entry.items() if k in ("counterparty", "owner", "context") and v)
    return {"t": title, "u": url, "k": keywords, "s": [[a, t] for a, t in headings if t and t != title] or [["", title]]}


def site_assets(renderer, prefix: str, search: list[dict]) -> dict[str, bytes]:
    """The site script and the edition's search index, written next to its pages."""
    script, _, _ = renderer.env.loader.get_source(renderer.env, "negdocs.js")
    index = "window.NEGDOCS_SEARCH = " + json.dumps(search, ensure_ascii=False, sort_keys=True) + ";\n"
    return {f"{prefix}assets/negdocs.js": script.encode("utf-8"), f"{prefix}search-index.js": index.encode("utf-8")}


def in_shard(deal_id: str, shard: tuple[int, int]) -> bool:
    """Stable share by id hash: adding a deal moves only that deal."""
    k, n = shard
    return int(hashlib.sha256(deal_id.encode()).hexdigest()[:12], 16) % n == k - 1


def finish(stage, renderer, project: Project, records: dict[str, dict], wanted) -> None:
    """Write the internal site's index page, script and search index, then commit the manifest.
    The proposal edition has none of them: each package stands alone (FORMAT.md)."""
    if "internal" in wanted:
        entries = sorted((entry_from_json(r["entries"]["internal"]) for r in records.values()), key=lambda e: e["id"])
        pdfs = {n for n in stage.names if n.endswith(".pdf")}
        entries = [{**e, "pdf": f"{e['id']}.pdf" in pdfs} for e in entries]
        from negdocs.i18n import lang

        page = renderer.render("index.html", lang=lang(project.locale), **index_context("internal", entries, project))
        stage.write("index.html", page.encode())
        for asset, data in site_assets(renderer, "", [r["search"]["internal"] for _, r in sorted(records.items())]).items():
            stage.write(asset, data)
    stage.commit({"negdocs": __version__, "format": FORMAT_VERSION,
                  "deals": {d: manifest_record(records[d], wanted) for d in sorted(records)}})


def entry_json(entry: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in entry.items()}


def entry_from_json(entry: dict) -> dict:
    import datetime as dt

    return {**entry, "close_by": dt.date.fromisoformat(entry["close_by"]) if entry.get("close_by") else None}


def index_context(edition: str, entries: list[dict], project: Project) -> dict:
    from negdocs.i18n import lang

    order = sorted(entries, key=lambda e: (CONTEXTS.index(e["context"]), e["title"].casefold(), e["id"]))
    return {"edition": edition, "deals": [e for e in order if not e.get("guide")], "guides": [e for e in order if e.get("guide")],
            "site": project.settings, "logo": project.logo, "built": build_date(project.locale),
            **editions.site_texts(project.settings, lang(project.locale)),
            "portfolio": portfolio.view(entries) if edition == "internal" else None}
