"""Deterministic generator of realistic negdocs projects for the benchmark.

    .venv/bin/python bench/generate.py N OUT [--seed S] [--check] [--mkdocs DIR]

writes N valid deals, spread evenly over the four contexts, into ``OUT/playbooks/<context>/<id>.yaml``,
plus ``OUT/negdocs.yaml`` and ``OUT/templates/internal.html`` (an override that only extends
``builtin/internal.html``, so the benchmark can edit a project template later).

Each deal starts from the repository's example for its context (``playbooks/*/``), loaded with
``yaml.safe_load``, and is perturbed consistently:

* names: the counterparty, the candidate and every named person are replaced everywhere in the
  text; id and title follow the new counterparty;
* numbers: all money values of a deal (issues, BATNA, MESO terms) are scaled by one factor and
  rounded monotonically, large counts (seats, RSUs) by another, so the order of open / target /
  floor / walk-away, the zones of agreement, the MESO balance and the BATNA comparison hold;
* dates: every date of a deal is shifted by the same number of days, so the timing rules hold;
* lists: people, concessions, implementation tasks, BATNA steps, power sources and MESO options
  are subsets of the example's, extra people, evidence, concessions, tasks, issues and lines
  are drawn from pools; currency, strategy and status vary; closed deals carry review answers;
* sign-offs: ``negdocs.yaml`` holds an approval matrix, and each deal carries the sign-offs it
  requires for its own terms (computed with negdocs, so run this with ``.venv/bin/python``).

Deal ``i`` depends only on the seed and ``i``, so the first 10 deals of N=100 are the 10 deals
of N=10. ``--check`` runs ``negdocs check`` on the result. ``--mkdocs DIR`` also writes the same
deals as a MkDocs project (one Markdown page per deal) for the peer comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "playbooks"
PACKS = ROOT / "negdocs" / "analyse" / "strategies"  # moved with the stage grouping
MARKER = ".negdocs-bench"  # a folder holding this file was written by this generator
DEFAULT_SEED = 20270101

CONTEXTS = ("sales", "partnership", "procurement", "hiring")

# Per context: the example, the names to replace (longest first is done at runtime) and the id suffix.
BASES = {
    "sales": {"file": "sales/acme-renewal.yaml", "suffix": "renewal", "legal": ("Corp", "Inc.", "plc", "AG", "Group"),
              "company": {"ACME Corp": "{legal}", "ACME": "{short}"}},
    "partnership": {"file": "partnership/northwind-cobrand.yaml", "suffix": "cobrand", "legal": ("Pay GmbH", "Pay SA", "Pay Ltd", "Payments BV"),
                    "company": {"Northwind Pay GmbH": "{legal}", "Northwind Pay": "{short} Pay", "Northwind": "{short}"}},
    "procurement": {"file": "procurement/contoso-components.yaml", "suffix": "supply", "legal": ("Castings Ltd", "Foundry GmbH", "Metals SpA", "Die Casting Inc."),
                    "company": {"Contoso Castings Ltd": "{legal}", "Contoso": "{short}"}},
    "hiring": {"file": "hiring/staff-engineer-offer.yaml", "suffix": "offer", "legal": (), "company": {}},
}

SHORT_NAMES = ["Aurora", "Bluefin", "Cedarline", "Deltavia", "Evergreen", "Falconer", "Granitex", "Harborview", "Ionis",
               "Juniper", "Keystone", "Lumenta", "Meridian", "Nimbus", "Orchidea", "Pioneer", "Quartzite", "Redwood",
               "Summitry", "Tidewater", "Umbria", "Vertexa", "Willowby", "Xantho", "Yarrowfield", "Zenithal", "Alderon",
               "Brightwell", "Copperleaf", "Driftwood", "Emberly", "Foxglove", "Goldcrest", "Hollybrook", "Ironbark",
               "Kestrel", "Larkspur", "Moonstone", "Northgate", "Oakhurst", "Pinecrest", "Riverbend", "Silverline",
               "Thornbury", "Upland", "Valemont", "Westbrook", "Yellowstone"]
FIRST = ["Alex", "Amara", "Ben", "Carla", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam",
         "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe",
         "Aiko", "Bruno", "Chloe", "Dev", "Emeka", "Freya", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo",
         "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Ursula", "Viktor", "Willa", "Xavier", "Yara"]
LAST = ["Abara", "Becker", "Castillo", "Dimitrov", "Eriksen", "Fontaine", "Garcia", "Haddad", "Ito", "Jansen", "Kowalski",
        "Larsen", "Moreau", "Nakamura", "Okonkwo", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga",
        "Wojcik", "Xu", "Yilmaz", "Zeller", "Andersen", "Brennan", "Costa", "Dubois", "Esposito", "Fischer", "Grant",
        "Holm", "Ibrahim", "Keller", "Lindqvist", "Mendes", "Novak", "Oliveira", "Pereira", "Reyes", "Santos", "Torres"]
ROLES = ["Chief Financial Officer", "Head of Procurement", "General Counsel", "VP Operations", "Chief Technology Officer",
         "Category Lead", "Director of Strategy", "Head of Legal", "Finance Business Partner", "Program Director",
         "Chief Operating Officer", "Head of Security", "Regional Managing Director", "Treasury Manager"]
RIGHTS = ["Approves spend above the delegated limit", "Signs framework agreements", "Sets the evaluation criteria",
          "Owns the budget line", "Approves legal exceptions", "Confirms technical acceptance", "Chairs the steering group",
          "Approves data-processing terms", "Sets payment terms", "Decides the implementation timeline"]
CONCERNS = ["Predictable cost over the contract term", "Avoiding disruption during the peak season",
            "Being seen to deliver the savings target", "Keeping a credible alternative in play",
            "Data protection and audit findings", "Internal approval cycles before quarter end",
            "Avoiding a precedent for other suppliers", "Capacity of the team to absorb the change",
            "Reputation with the board", "Getting value live before the planning cycle", "Cash timing at year end",
            "Clear exit rights if service levels slip"]
EVIDENCE = [
    ("benchmark", "Industry survey of comparable agreements signed in the last two years shows terms in the middle of our range.",
     "Annual market benchmark, comparable deals table"),
    ("precedent", "Our last five agreements of this size closed within the target range after two rounds.",
     "Deal desk register, last eight quarters"),
    ("policy", "Internal policy caps discounts and payment terms without a second approval.", "Commercial policy CP-4"),
    ("cost-driver", "Unit cost model built from labour, materials and overhead, reviewed by finance.", "Cost model v2, finance review"),
    ("capacity", "Team capacity plan for the next two quarters shows one open slot for this work.", "Capacity plan, current quarter"),
    ("legal-standard", "The applicable regulation requires documented audit rights and a remediation process.",
     "Regulatory guidance, third-party risk chapter"),
    ("other", "Notes from the discovery workshop, including the counterparty's stated priorities.", "Workshop minutes"),
]
EXTRA_CONCESSIONS = [
    ("Onboarding", "Two extra onboarding workshops", "A signed reference call within 90 days"),
    ("Reporting", "A monthly executive report", "Quarterly access to the counterparty's sponsor"),
    ("Review cadence", "A joint review every quarter", "Renewal talks opened six months before expiry"),
    ("Price protection", "A price hold for the first year", "A multi-year volume commitment"),
    ("Service levels", "A tighter response-time commitment", "Acceptance of the standard liability cap"),
    ("Training", "Train-the-trainer sessions at no charge", "A named internal champion on their side"),
]
EXTRA_TASKS = [
    ("Kick-off meeting with both project teams", "Project managers on both sides", "Kick-off held with a signed project charter"),
    ("First steering committee", "Executive sponsors", "Decisions and risks logged and shared within a week"),
    ("Success metrics baseline agreed", "Account lead", "Baseline signed off by both sides"),
    ("Invoicing and purchase orders set up", "Finance operations", "First invoice paid without manual correction"),
    ("Lessons-learned review", "Deal owner", "Review notes filed in the deal library"),
]
EXTRA_LINES = [
    "Let us look at the whole package rather than one number at a time.",
    "Help me understand what would make this work for your team.",
    "If we can move on timing, we can look again at how the terms are phased.",
    "We want an agreement both teams are proud to defend internally.",
    "Let us write down what we agree so far, so nothing is lost between meetings.",
]
EXTRA_PARAGRAPHS = [
    "The team reviewed the plan on **{date}** and agreed to keep the floor documented and visible.",
    "Previous rounds showed that *timing* matters more to them than the headline number.",
    "Open questions are tracked in the deal room; the owner updates this plan after every meeting.",
]
# Extra numeric issues (never money, so the BATNA comparison is unchanged): kind, name, better, walk_away, step.
EXTRA_ISSUES = [
    ("count", "Training days included", "lower", 10, 1),
    ("days", "Days to resolve a priority-one incident", "higher", 10, 1),
    ("months", "Notice period for termination", "higher", 3, 1),
    ("percent", "Service credit cap", "lower", 20, 1),
    ("count", "Named contacts on the support plan", "lower", 8, 1),
    ("months", "Price hold after signature", "lower", 18, 1),
]
TEAMS = ["Platform Infrastructure", "Data Platform", "Payments", "Developer Experience", "Search", "Mobile", "Security",
         "Observability", "Machine Learning Platform", "Identity"]
CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "SEK")


def slug(text: str) -> str:
    return "-".join(filter(None, re.sub(r"[^a-z0-9]+", "-", text.lower()).split("-")))


def load_example(context: str) -> dict:
    with open(EXAMPLES / BASES[context]["file"], encoding="utf-8") as fh:
        deal = yaml.safe_load(fh)
    deal.pop("approvals", None)  # signed for the example's terms; each generated deal is signed for its own
    return deal


def load_prompts(strategy: str) -> list[str]:
    with open(PACKS / f"{strategy}.yaml", encoding="utf-8") as fh:
        return list(yaml.safe_load(fh).get("review", {}).get("prompts", []))


def replace_text(value, mapping: list[tuple[str, str]]):
    """Replace names in every string value (never in keys), recursively."""
    if isinstance(value, str):
        for old, new in mapping:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [replace_text(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: replace_text(v, mapping) for k, v in value.items()}
    return value


def monotone(step: float):
    """Rounding to a multiple of ``step``: monotone, so it keeps every order between values."""
    return lambda v: int(round(v / step) * step) if step >= 1 else round(v / step) * step


def nice_step(limit: float) -> int:
    """The largest of 1, 5, 10, 50, 100, 500, 1000 that is at most ``limit`` (1 at least)."""
    return max([s for s in (1, 5, 10, 50, 100, 500, 1000) if s <= limit] or [1])


def person_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def make_deal(index: int, seed: int = DEFAULT_SEED) -> tuple[str, str, dict]:
    """(context, id, data) of deal ``index``; deterministic in (seed, index)."""
    rng = random.Random(f"negdocs-bench:{seed}:{index}")
    context = CONTEXTS[index % len(CONTEXTS)]
    base = BASES[context]
    deal = load_example(context)

    # -- names -----------------------------------------------------------------------------
    short = SHORT_NAMES[(index // len(CONTEXTS)) % len(SHORT_NAMES)]
    if index // len(CONTEXTS) >= len(SHORT_NAMES):  # keep names distinct in large projects
        short = f"{short}{rng.choice(['a', 'ix', 'on', 'ex', 'ara'])}"
    legal = f"{short} {rng.choice(base['legal'])}" if base["legal"] else short
    mapping = {old: new.format(short=short, legal=legal) for old, new in base["company"].items()}
    used = set()
    old_people = [p["name"] for p in deal.get("people", [])]
    owner_name = deal["owner"].split(",")[0]
    for old in dict.fromkeys(old_people + [owner_name]):
        mapping[old] = person_name(rng, used)
    if context == "hiring":
        candidate = deal["counterparty"]["name"]
        new = mapping[candidate]
        mapping[candidate.split()[0]] = new.split()[0]  # "Jordan" alone, after the full name
        short = new.split()[-1]
    ordered = sorted(mapping.items(), key=lambda kv: -len(kv[0]))
    deal = replace_text(deal, ordered)
    deal_id = f"{slug(short)}-{base['suffix']}-{index:04d}"
    deal["id"] = deal_id

    # -- dates: one shift for every date of the deal ---------------------------------------
    shift = dt.timedelta(days=rng.randint(-150, 420))
    old_year = deal["close_by"].year
    deal["close_by"] = deal["close_by"] + shift
    years = deal["close_by"].year - old_year
    deal["title"] = re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + years), deal["title"])
    if context == "hiring":
        deal["title"] = f"Staff Engineer offer for {deal['counterparty']['name']}, {rng.choice(TEAMS)}"
    for item in deal.get("deadlines", []):
        item["date"] += shift
    for item in deal.get("implementation", []):
        if "due" in item:
            item["due"] += shift
    for item in deal.get("escalation", []):
        if "by" in item:
            item["by"] += shift

    # -- numbers: one factor for money, one for large counts -------------------------------
    money = {i["id"] for i in deal["issues"] if i["kind"] == "money"}
    big_counts = {i["id"] for i in deal["issues"] if i["kind"] == "count" and (i.get("walk_away") or 0) >= 100}
    money_factor = rng.uniform(0.85, 1.3) if context == "hiring" else math.exp(rng.uniform(math.log(0.3), math.log(4.0)))
    count_factor = math.exp(rng.uniform(math.log(0.5), math.log(3.0)))
    fields = ("open", "target", "floor", "walk_away", "their_walk_away")
    rounding = {}
    for issue in deal["issues"]:
        factor = money_factor if issue["id"] in money else count_factor if issue["id"] in big_counts else None
        if factor is not None:
            # A step at most 1/200 of the target-to-walk-away range keeps each MESO score within half a point.
            rounding[issue["id"]] = (factor, monotone(nice_step(abs(issue["target"] - issue["walk_away"]) * factor / 200)))
    for issue in deal["issues"]:
        if issue["id"] in rounding:
            factor, rnd = rounding[issue["id"]]
            for f in fields:
                if f in issue:
                    issue[f] = rnd(issue[f] * factor)
    for option in deal.get("meso", []):
        for key, term in option["terms"].items():
            if key in rounding:
                factor, rnd = rounding[key]
                option["terms"][key] = rnd(term * factor)
    if deal.get("batna", {}).get("value") is not None:
        deal["batna"]["value"] = monotone(1000)(deal["batna"]["value"] * money_factor)
    if context != "hiring" and rng.random() < 0.35:
        deal["currency"] = rng.choice(CURRENCIES)

    # -- strategy and status ------------------------------------------------------------------
    deal["strategy"] = "principled" if rng.random() < 0.3 else "power-based"
    deal["status"] = rng.choices(["active", "draft", "closed"], weights=[6, 2, 2])[0]
    deal["stakes"] = rng.choice(["medium", "high"])
    if deal["status"] == "closed":
        prompts = load_prompts(deal["strategy"])
        deal["review"] = {p: f"{rng.choice(EXTRA_LINES)} Outcome recorded by the deal owner." for p in
                          prompts[: rng.randint(2, len(prompts))]}

    # -- list lengths ------------------------------------------------------------------------
    def subset(items: list, least: int = 1) -> list:
        keep = sorted(rng.sample(range(len(items)), rng.randint(min(least, len(items)), len(items))))
        return [items[k] for k in keep]

    evidence_ids = [e["id"] for e in deal["evidence"]]
    for k in range(rng.randint(0, 4)):
        kind, summary, source = rng.choice(EVIDENCE)
        deal["evidence"].append({"id": f"{slug(kind)}-note-{k + 1}", "kind": kind, "summary": summary,
                                 "source": source, "shareable": rng.random() < 0.6})
    deal["batna"]["strengthen"] = subset(deal["batna"]["strengthen"])
    deal["power"] = subset(deal["power"])
    deal["people"] = subset(deal["people"])
    for _ in range(rng.randint(0, 3)):
        deal["people"].append({"name": person_name(rng, used), "role": rng.choice(ROLES),
                               "decision_rights": rng.sample(RIGHTS, rng.randint(1, 2)), "veto": rng.random() < 0.4,
                               "concerns": rng.sample(CONCERNS, rng.randint(1, 3))})
    deal["concessions"] = subset(deal["concessions"])
    for item, give, get in rng.sample(EXTRA_CONCESSIONS, rng.randint(0, 3)):
        deal["concessions"].append({"item": item, "give": give, "get": get, "value": "Low cost to us, visible value to them",
                                    "trigger": f"{short} asks for it in the second round"})
    deal["implementation"] = subset(deal["implementation"])
    for task, owner, metric in rng.sample(EXTRA_TASKS, rng.randint(0, 3)):
        deal["implementation"].append({"task": task, "owner": owner, "due": deal["close_by"] + dt.timedelta(days=rng.randint(7, 240)),
                                       "metric": metric})
    if len(deal["meso"]) > 2 and rng.random() < 0.3:
        deal["meso"].pop(rng.randrange(len(deal["meso"])))
    for n, (kind, name, better, walk_away, step) in enumerate(rng.sample(EXTRA_ISSUES, rng.randint(0, 3))):
        walk = walk_away + rng.randint(0, 4) * step
        sign = 1 if better == "higher" else -1
        # For better: lower, walk-away is the largest value; open the smallest.
        target = walk + sign * (2 + rng.randint(0, 3)) * step
        opening = target + sign * (1 + rng.randint(0, 3)) * step
        theirs = walk + sign * rng.randint(0, 2) * step
        # Clamping is monotone, so the order of the four values survives it.
        opening, target, walk, theirs = (max(0, min(100 if kind == "percent" else 10**6, v)) for v in (opening, target, walk, theirs))
        issue = {"id": f"x-{slug(name)}", "name": name, "kind": kind, "better": better, "open": opening, "target": target,
                 "walk_away": walk, "their_walk_away": theirs, "weight": rng.randint(1, 5), "tradeable": rng.random() < 0.7,
                 "basis": [rng.choice(evidence_ids)]}
        deal["issues"].append(issue)
        for option in deal["meso"]:
            option["terms"][issue["id"]] = target
    for line in rng.sample(EXTRA_LINES, rng.randint(0, 2)):
        deal["scripts"].append({"say": line})
    if rng.random() < 0.5:
        extra = rng.choice(EXTRA_PARAGRAPHS).format(date=(deal["close_by"] - dt.timedelta(days=30)).isoformat())
        deal["summary"] = deal["summary"].rstrip("\n") + "\n\n" + extra + "\n"
    if rng.random() < 0.15:
        deal.pop("notes", None)
    return context, deal_id, deal


# -- YAML output ------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(deal: dict) -> str:
    text = yaml.dump(deal, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return "# Generated by bench/generate.py; do not edit by hand.\n" + text


TEMPLATE = '{# Project override used by the benchmark; edited by bench/run.py. #}\n{% extends "builtin/internal.html" %}\n'
SETTINGS = "site_title: Benchmark deal desk\naccent: \"#1f4e79\"\npaper: A4\nconfidentiality: \"Confidential: benchmark data\"\n" + """\
approvals:
  base_currency: USD
  rates: {EUR: 1.08, GBP: 1.27, CHF: 1.12, CAD: 0.73, AUD: 0.66, SEK: 0.095}
  rules:
    - {role: sales-manager, when: {context: sales, depth_over: 10}}
    - {role: vp-sales, when: {context: sales, depth_over: 25}}
    - {role: hr, when: {context: hiring, depth_over: 15}}
    - {role: cfo, when: {value_over: 500000}}
    - {role: legal, when: {strategy: power-based, relationship: repeated}}
"""
SIGNERS = {"sales-manager": "Sam Ortega", "vp-sales": "Vic Patel", "hr": "Noor Haddad", "cfo": "Rosa Ahmed", "legal": "Lee Chen"}


def sign_off(deal: dict) -> None:
    """Add the sign-offs the matrix of SETTINGS requires, for the deal's own terms, as
    `negdocs approve` would: a generated project has no findings (negdocs must be importable)."""
    from negdocs.analyse.approvals import evaluate
    from negdocs.load.matrix import Matrix, exact_numbers
    from negdocs.load.model import Deal

    global _MATRIX
    if _MATRIX is None:
        _MATRIX = Matrix.model_validate(exact_numbers(yaml.safe_load(SETTINGS)["approvals"], {}))
    model = Deal.model_validate(deal)
    verdict = evaluate(model, None, _MATRIX)
    on = (deal["close_by"] - dt.timedelta(days=45)).isoformat()
    approvals = [{"role": r.role, "by": SIGNERS[r.role], "on": on, "fingerprint": verdict.fingerprint} for r in verdict.requirements]
    if approvals:
        deal["approvals"] = approvals


_MATRIX = None


def prepare(out: Path) -> None:
    """Create ``out`` or empty a folder this generator wrote before; refuse any other folder."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SystemExit(f"generate.py: refusing to write into {out}: it is not empty and was not written by bench/generate.py")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("written by bench/generate.py\n", encoding="utf-8")


def generate(n: int, out: Path, seed: int = DEFAULT_SEED, mkdocs: Path | None = None) -> list[Path]:
    """Write a project of ``n`` deals into ``out`` (emptied first); return the deal files in order."""
    out = Path(out)
    prepare(out)
    (out / "negdocs.yaml").write_text(SETTINGS, encoding="utf-8")
    (out / "templates").mkdir()
    (out / "templates" / "internal.html").write_text(TEMPLATE, encoding="utf-8")
    files, deals = [], []
    for i in range(n):
        context, deal_id, deal = make_deal(i, seed)
        sign_off(deal)
        path = out / "playbooks" / context / f"{deal_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(deal), encoding="utf-8")
        files.append(path)
        deals.append(deal)
    if mkdocs is not None:
        write_mkdocs(deals, Path(mkdocs))
    return files


def git_init(project: Path) -> bool:
    """Make the project a git repository with one commit, as a team's deal repo would be."""
    if shutil.which("git") is None:
        return False
    env = {"GIT_AUTHOR_DATE": "2027-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2027-01-01T00:00:00Z",
           "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid", "PATH": "/usr/bin:/bin"}
    quiet = {"cwd": project, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Generated deals"]):
        if subprocess.run(["git", *args], **quiet).returncode != 0:
            return False
    (project / ".gitignore").write_text("/build*/\n", encoding="utf-8")
    return True


# -- the same deals as Markdown pages for MkDocs -----------------------------------------------
def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _num(value, kind: str, currency: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return f"{value:,} {currency}"
    return f"{value} {'%' if kind == 'percent' else kind if kind != 'count' else ''}".strip()


def deal_markdown(deal: dict) -> str:
    cur = deal.get("currency", "USD")
    lines = [f"# {deal['title']}", ""]
    lines += _table(["", ""], [["Counterparty", deal.get("counterparty", {}).get("name")], ["Owner", deal.get("owner")],
                               ["Context", deal["context"]], ["Strategy", deal.get("strategy")], ["Status", deal.get("status")],
                               ["Close by", deal.get("close_by")], ["Stakes", deal.get("stakes")]])
    lines += ["## Summary", "", deal.get("summary", "").strip(), ""]
    batna = deal.get("batna", {})
    lines += ["## BATNA", "", batna.get("summary", ""), "", f"- Value: {_num(batna.get('value'), 'money', cur)}",
              f"- Time: {batna.get('time', '')}", f"- Risk: {batna.get('risk', '')}", "", "To strengthen it:", ""]
    lines += [f"1. {s}" for s in batna.get("strengthen", [])] + [""]
    issues = deal.get("issues", [])
    lines += ["## Issues", ""]
    lines += _table(["Issue", "Kind", "Better", "Open", "Target", "Floor", "Walk-away", "Their walk-away", "Weight", "Basis"],
                    [[i["name"], i["kind"], i.get("better", ""), *(_num(i.get(f), i["kind"], cur) for f in
                      ("open", "target", "floor", "walk_away", "their_walk_away")), i.get("weight", 3), ", ".join(i.get("basis", []))]
                     for i in issues])
    for issue in issues:
        if issue.get("positions"):
            lines += [f"### {issue['name']}: positions", ""] + [f"1. {p}" for p in issue["positions"]] + [""]
    lines += ["## Power", ""] + [f"- **{p['source']}**: {p.get('summary', '')}" for p in deal.get("power", [])] + [""]
    lines += ["## People", ""]
    lines += _table(["Name", "Role", "Decides", "Veto", "Concerns"],
                    [[p["name"], p.get("role"), "; ".join(p.get("decision_rights", [])), "yes" if p.get("veto") else "no",
                      "; ".join(p.get("concerns", []))] for p in deal.get("people", [])])
    lines += ["## Evidence", ""]
    lines += _table(["Id", "Kind", "Summary", "Source", "Shareable"],
                    [[e["id"], e["kind"], e["summary"], e.get("source"), "yes" if e.get("shareable") else "no"]
                     for e in deal.get("evidence", [])])
    lines += ["## Deadlines", ""]
    lines += _table(["Date", "What", "Why", "Kind"], [[d["date"], d["what"], d.get("why"), d.get("kind")] for d in deal.get("deadlines", [])])
    meso = deal.get("meso", [])
    if meso:
        lines += ["## MESO options", ""]
        lines += _table(["Issue", *(m["name"] for m in meso)],
                        [[i["name"], *(_num(m["terms"].get(i["id"]), i["kind"], cur) if i["kind"] != "text"
                                       else m["terms"].get(i["id"], "") for m in meso)] for i in issues])
    lines += ["## Concession log", ""]
    lines += _table(["Item", "Give", "Get", "Value", "Trigger"],
                    [[c["item"], c.get("give"), c.get("get"), c.get("value"), c.get("trigger")] for c in deal.get("concessions", [])])
    lines += ["## Scripts", ""]
    for script in deal.get("scripts", []):
        if "say" in script:
            text = script["say"]
        else:
            slots = ", ".join(f"{k}: **{v}**" for k, v in script.items() if k != "use")
            text = f"*{script['use']}* ({slots})"
        lines += [f"> {text}", ""]
    lines += ["## Implementation", ""]
    lines += _table(["Task", "Owner", "Due", "Metric"], [[t["task"], t.get("owner"), t.get("due"), t.get("metric")]
                                                        for t in deal.get("implementation", [])])
    lines += ["## Escalation", ""] + [f"1. {e['step']} (by {e.get('by', '')}{', private' if e.get('private') else ''})"
                                      for e in deal.get("escalation", [])] + [""]
    if deal.get("review"):
        lines += ["## Review", ""]
        for prompt, answer in deal["review"].items():
            lines += [f"**{prompt}**", "", answer, ""]
    if deal.get("notes"):
        lines += ["## Notes", "", deal["notes"].strip(), ""]
    checklist = ["Anchor with evidence", "Trade, never give", "Name the real deadline", "Confirm decision rights"]
    lines += ["## Checklist", ""] + [f"- [ ] {c}" for c in checklist] + [""]
    return "\n".join(lines)


def write_mkdocs(deals: list[dict], out: Path) -> None:
    prepare(out)
    docs = out / "docs"
    index = ["# Benchmark deal desk", ""]
    for context in CONTEXTS:
        group = [d for d in deals if d["context"] == context]
        if not group:
            continue
        index += [f"## {context.title()}", ""]
        for deal in group:
            page = docs / context / f"{deal['id']}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(deal_markdown(deal), encoding="utf-8")
            index.append(f"- [{deal['title']}]({context}/{deal['id']}.md)")
        index.append("")
    (docs / "index.md").write_text("\n".join(index), encoding="utf-8")
    (out / "mkdocs.yml").write_text("site_name: Benchmark deal desk\ntheme:\n  name: mkdocs\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of deals")
    parser.add_argument("out", type=Path, help="project folder to write (emptied first if this script wrote it)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--check", action="store_true", help="run `negdocs check` on the generated project")
    parser.add_argument("--git", action="store_true", help="make the project a git repository with one commit")
    parser.add_argument("--mkdocs", type=Path, default=None, help="also write the deals as a MkDocs project here")
    args = parser.parse_args(argv)
    files = generate(args.n, args.out, args.seed, args.mkdocs)
    if args.git:
        git_init(args.out)
    print(f"generate.py: wrote {len(files)} deals into {args.out}")
    if args.check:
        negdocs = ROOT / ".venv" / "bin" / "negdocs"
        result = subprocess.run([str(negdocs), "check"], cwd=args.out, capture_output=True, text=True)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        problems = [line for line in result.stdout.splitlines() if line.strip()]
        print(f"generate.py: negdocs check exit {result.returncode}, {len(problems)} finding(s)")
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
