"""The command line: parse, call one function, report. Exit 1 for problems in the input,
2 for wrong usage; anything else escaping is a bug and keeps its traceback."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from negdocs import __version__
from negdocs.errors import NegdocsError
from negdocs.output.escape import visible
from negdocs.output.findings import FORMATS, line

PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


def reports_problems(fn):
    """Print a NegdocsError's problems to stderr and exit with its code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NegdocsError as exc:
            for problem in exc.problems:
                click.echo(line(problem, zero=False), err=True)
            usage = all(p.rule == "usage" for p in exc.problems)
            errors = sum(p.is_error for p in exc.problems)
            writes = fn.__name__ in ("build", "new", "index")
            click.echo(f"negdocs: {errors} error{'s' * (errors != 1)}" + ("; nothing was written" if writes else ""), err=True)
            sys.exit(2 if usage else exc.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="negdocs")
def cli():
    """negdocs: negotiation playbooks from YAML deal plans.

    Deal files live in playbooks/ (any depth). `negdocs check` lints them,
    `negdocs build` renders the HTML site and one PDF per deal into build/.
    """


@cli.command()
@PATHS
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: build/).")
@click.option("--no-pdf", is_flag=True, help="Write the HTML site only.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="PDF worker processes (default: usable cores).")
@click.option("--edition", type=click.Choice(["internal", "proposal", "all"]), default="internal", show_default=True,
              help="internal: the full playbook; proposal: one package per deal (HTML, PDF, Word) in DIR/proposal/; all: both.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--force", is_flag=True, help="Rebuild everything, ignoring what the last build left.")
@click.option("--quiet", "-q", is_flag=True, help="Print problems only: no progress, no summary.")
@click.option("--shard", callback=lambda ctx, param, value: _shard(value), default=None, metavar="K/N",
              help="Build the K-th of N stable shares of the deals (by id hash); merge with `negdocs index`.")
@click.option("--locale", callback=lambda ctx, param, value: _locale(value), default=None, metavar="L",
              help="Language for this build (en, de, fr, es) instead of negdocs.yaml's `locale`; a deal's or a "
                   "counterparty's own `locale` still wins.")
@reports_problems
def build(paths, out, no_pdf, jobs, edition, strict, force, quiet, shard, locale):
    """Validate, check and render PATHS (default: playbooks/) into --out."""
    from negdocs.build import build as run_build

    from negdocs.output.progress import Progress

    with Progress(enabled=not quiet) as progress:
        result = run_build(paths, out, pdf=not no_pdf, jobs=jobs, edition=edition, strict=strict, force=force, shard=shard,
                           locale=locale, report=lambda m: click.echo(visible(m), err=True), progress=progress.update)
    for problem in result.problems:
        click.echo(line(problem), err=True)
    if quiet:
        return
    if result.skipped:
        count = len(result.skipped)
        click.echo(f"negdocs: no proposal for {count} guide{'s' * (count != 1)} (no counterparty and no issues): "
                   + ", ".join(result.skipped), err=True)
    pages = sum(1 for f in result.files if f.endswith(".html") and f != "index.html")
    pdfs = sum(1 for f in result.files if f.endswith(".pdf"))
    words = sum(1 for f in result.files if f.endswith(".docx"))
    fresh = len(result.rebuilt)
    click.echo(f"negdocs: {pages} page{'s' * (pages != 1)}" + (f", {pdfs} PDF and {words} Word" if words else f" and {pdfs} PDF")
               + f" in {_shown(result.out)}; {fresh} deal file{'s' * (fresh != 1)} rebuilt, {progress.elapsed:.1f} s")


@cli.command()
@PATHS
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="text: file:line: severity rule: message; json: a list of objects; "
              "github: workflow commands for inline annotations; sarif: SARIF 2.1.0.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@reports_problems
def check(paths, fmt, strict):
    """Validate and lint PATHS (default: playbooks/) without writing anything.

    Exit code 1 when any error remains, else 0.
    """
    from negdocs.build import check as run_check

    from negdocs.output.findings import render

    problems = run_check(paths, strict=strict)
    click.echo(render(problems, fmt), nl=False)
    if any(p.is_error for p in problems):
        sys.exit(1)


@cli.command()
@click.argument("context", type=click.Choice(["sales", "partnership", "procurement", "hiring"]))
@click.argument("deal_id", metavar="ID")
@click.option("--strategy", default="power-based", show_default=True, help="Strategy pack for the new plan.")
@reports_problems
def new(context, deal_id, strategy):
    """Start a deal plan: writes playbooks/CONTEXT/ID.yaml, commented, ready to edit."""
    from negdocs.commands.starter import new as write_new

    path = write_new(context, deal_id, strategy, Path.cwd())
    click.echo(f"negdocs: wrote {_shown(path)}; replace the placeholder values, then run `negdocs check`")


@cli.command()
@click.argument("specs", nargs=-1)
@click.option("--rev", default=None, metavar="REV", help="Compare every deal under SPECS (paths, default playbooks/) changed since git REV.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown is meant for a pull-request comment.")
@reports_problems
def diff(specs, rev, fmt):
    """Semantic diff of two versions of a deal: OLD NEW, each a file or a git REV:path.

    With --rev REV, compare every deal changed since REV. Changes are matched by id and
    described in negotiation terms; new and cleared check findings are listed.
    """
    from negdocs.git.diff import render
    from negdocs.git.versions import diff_rev, diff_specs

    root = Path.cwd()
    if rev is not None:
        diffs = diff_rev(rev, [Path(s) for s in specs], root)
    elif len(specs) == 2:
        diffs = diff_specs(specs[0], specs[1], root)
    else:
        raise click.UsageError("give OLD and NEW (files or REV:path), or --rev REV [PATH...]")
    click.echo(render(diffs, fmt), nl=False)


def _date(ctx, param, value):
    import datetime as dt

    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD", param_hint=param.opts[0])


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--role", required=True, help="The role signing off; a role of a rule in negdocs.yaml's approval matrix.")
@click.option("--by", "by", required=True, metavar="NAME", help="Who signs off (a name on one line).")
@click.option("--on", "on", callback=_date, default=None, metavar="YYYY-MM-DD", help="The date of the sign-off (default: today, UTC).")
@reports_problems
def approve(path, role, by, on):
    """Record a sign-off of PATH's current terms by ROLE (adds or renews one line of the file)."""
    from negdocs.commands.approve import approve as run_approve
    from negdocs.output.escape import visible

    done = run_approve(path, role, by, on)
    if not done.changed:
        click.echo(f"negdocs: {done.display} already carries this sign-off of {role}; nothing was changed")
        return
    verb = "renewed" if done.renewed else "added"
    click.echo(f"negdocs: {verb} the sign-off of {role} by {visible(by)} ({done.on.isoformat()}, fingerprint "
               f"{done.fingerprint}) in {done.display}; commit the file to record it")
    if not done.required:
        click.echo(f"negdocs: note: no rule of the matrix requires {role} for this deal at its current terms", err=True)


@cli.command()
@PATHS
@click.option("--rev", default=None, metavar="REV", help="Only the deals changed since git REV (all of them when negdocs.yaml changed).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown is meant for a pull-request comment or a job summary.")
@reports_problems
def approvals(paths, rev, fmt):
    """Per deal, each sign-off the approval matrix requires: approved, stale or missing, and who committed it.

    Exit code 1 when any sign-off is missing or stale, or a file has errors.
    """
    from negdocs.commands.approvals import collect, render

    deals, problems = collect(paths, rev)
    click.echo(render(deals, fmt), nl=False)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems or any(d.state in ("missing", "stale") for d in deals):
        sys.exit(1)


@cli.command()
@PATHS
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="csv: one row per deal with a header (cells that a spreadsheet would run as formulas start with ').")
@reports_problems
def report(paths, fmt):
    """The portfolio: one row per deal under PATHS (default playbooks/), guides left out.

    Columns: id, title, context, status, owner, counterparty, close_by, currency, value,
    value_base, errors, warnings, approvals. A file with errors still gets its row.
    """
    from negdocs.commands.portfolio import collect, render

    click.echo(render(collect(paths), fmt), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--edition", type=click.Choice(["internal", "proposal", "all"]), default="internal", show_default=True,
              help="Which edition to serve.")
@click.option("--pdf", is_flag=True, help="Also render PDFs on every change (slower).")
@click.option("--public", is_flag=True, help="Allow a --host that is not loopback (0.0.0.0, \"\", a LAN address): "
              "anyone who can reach this machine can then read the site.")
@reports_problems
def serve(host, port, edition, pdf, public):
    """Build, serve on loopback, rebuild on every change and reload open pages."""
    from negdocs.commands.serve import serve as run_serve

    run_serve(Path.cwd(), host, port, edition, pdf, log=lambda m: click.echo(m, err=True), public=public)


@cli.command()
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Merged output folder.")
@reports_problems
def index(dirs, out):
    """Merge the outputs of `build --shard` runs (DIRS) and write the index pages."""
    from negdocs.build import merge

    result = merge(list(dirs), out)
    click.echo(f"negdocs: merged {len(dirs)} folder{'s' * (len(dirs) != 1)} ({len(result.files)} files) into {_shown(result.out)}")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@reports_problems
def trace(file):
    """Find the deal, recipient and version of a stamped proposal copy (PDF, Word or HTML).

    Exit code 0 when a recipient of a deal of this project matches the copy's reference
    code, 1 when none does.
    """
    from negdocs.commands.trace import trace as run_trace

    codes, match = run_trace(file, Path.cwd())
    if match is None:
        click.echo(f"negdocs: no recipient of a deal in this project has the reference {', '.join(codes)}; was the copy "
                   "made in another project, or with another NEGDOCS_TRACE_KEY?", err=True)
        sys.exit(1)
    click.echo(f"deal: {match.deal}\nrecipient: {_plain(match.recipient)}\n"
               + ("terms: unchanged" if match.since is None else f"terms: changed since {match.since}"))


def _plain(value: str) -> str:
    """A value from a deal file on one terminal line: nothing that does not print."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)


def _locale(value):
    from negdocs.i18n import SUPPORTED, unsupported

    if value is None or value in SUPPORTED:
        return value
    raise click.BadParameter(unsupported(value), param_hint="--locale")


def _shard(value):
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"{value!r} is not K/N with 1 <= K <= N, e.g. 2/4", param_hint="--shard")
    return int(k), int(n)


@cli.command()
@click.option("--project", is_flag=True, help="The schema of negdocs.yaml (settings and approval matrix) instead.")
def schema(project):
    """Print the JSON Schema of the deal format (for editors and CI)."""
    from negdocs.load.schema import schema_json

    click.echo(schema_json(project), nl=False)


@cli.command()
@click.argument("name", required=False)
def rules(name):
    """List every check rule, or explain rule NAME."""
    from negdocs.analyse.checks import ERRORS, WARNINGS
    from negdocs.analyse.strategy import load_packs

    if name is None:
        width = max(map(len, [*ERRORS, *WARNINGS]))
        for rule, summary in ERRORS.items():
            click.echo(f"{rule:<{width}}  error    {summary}")
        for rule in WARNINGS.values():
            click.echo(f"{rule.name:<{width}}  warning  {rule.summary}")
        return
    if name in ERRORS:
        click.echo(f"{name} (error, cannot be ignored)\n\n{ERRORS[name]}.")
        return
    if name not in WARNINGS:
        from negdocs.load.validate import suggest

        raise click.BadParameter(f"unknown rule {name!r}{suggest(name, [*ERRORS, *WARNINGS])}", param_hint="NAME")
    rule = WARNINGS[name]
    click.echo(f"{rule.name} (warning; an error with --strict)\n\nFires when {rule.summary}.\n")
    for pack in load_packs().values():
        if name in pack.rationale:
            click.echo(f"Why it matters ({pack.name}): {pack.rationale[name]}\n")
    click.echo(f"Silence it for one deal with `checks: {{ignore: [{name}]}}`, or for the project in negdocs.yaml.")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main():
    cli(prog_name="negdocs")
