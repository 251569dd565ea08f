"""The loader fuzz campaign: random bytes, random YAML event streams and random deal structures
through read -> validate -> analyse -> checks -> render, each under its own CPU limit.

Each input is read in a forked child capped with setrlimit (300 MB of address space on top of the
harness, 5 s of CPU), so a memory or time regression fails the example instead of swapping or
hanging, and the harness's own memory does not count. Run it by hand for a long campaign:

    .venv/bin/python tests/fuzz_load.py --examples 200 --rounds 100 --seed 1 [--memory-mb 300] [--cpu-s 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import typing
import warnings
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning
from pydantic import BaseModel

from negdocs.analyse import checks
from negdocs.analyse.analysis import analyse
from negdocs.analyse.strategy import load_packs
from negdocs.errors import NegdocsError, Problem
from negdocs.load import model
from negdocs.load.loader import MAX_BYTES, read_source
from negdocs.load.validate import validate

NAME = "playbooks/fuzz.yaml"
PACKS = load_packs()
CPU_PER_EXAMPLE = 5  # seconds of CPU one input may take
MEMORY_PER_EXAMPLE = 300  # MB of address space one input may add to the process that reads it


class OverBudget(Exception):
    """An example used more CPU or memory than its budget."""


def _vm_size() -> int:
    """This process's address space in bytes (what RLIMIT_AS limits)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))


def _assert_problems(problems: list[Problem], raw: bytes, render: bool) -> None:
    lines = raw.count(b"\n") + 1
    for problem in problems:
        assert isinstance(problem, Problem), problem
        assert problem.path in (NAME, "negdocs.yaml", "index.html"), problem
        assert isinstance(problem.line, int) and 1 <= problem.line <= lines, (problem, lines)
        assert problem.message and isinstance(problem.message, str), problem
        assert "\n" not in problem.message and "\r" not in problem.message, problem  # one problem, one line
        assert len(problem.message) < 2000, problem.message[:200]  # never echoes a whole value
        assert problem.severity in ("error", "warning"), problem
        assert render or problem.rule != "size"


def run_one(raw: bytes, render: bool = True) -> str:
    """One input through everything a build does before writing: 'invalid', 'valid' or raise.

    It runs in a forked child capped with setrlimit: MEMORY_PER_EXAMPLE MB of address space on
    top of what the harness holds, CPU_PER_EXAMPLE s of CPU. The child reports its outcome or
    its traceback through a pipe; running out of either budget fails the example."""
    import traceback

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into Hypothesis
        os.close(read)
        code = 1
        try:
            limit = _vm_size() + (MEMORY_PER_EXAMPLE << 20)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (CPU_PER_EXAMPLE, CPU_PER_EXAMPLE + 1))
            message, code = _run_one(raw, render), 0
        except MemoryError:
            message = f"MemoryError: the input needed more than {MEMORY_PER_EXAMPLE} MB"
        except BaseException:  # noqa: BLE001 - any escape is the finding
            message = traceback.format_exc()[-6000:]
        os.write(write, message.encode("utf-8", "replace"))
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise OverBudget(f"the input was stopped by signal {os.WTERMSIG(status)} (SIGXCPU: over {CPU_PER_EXAMPLE} s of CPU)")
    if os.WEXITSTATUS(status) != 0:
        raise AssertionError(message)
    return message


def _run_one(raw: bytes, render: bool) -> str:
    try:
        source = read_source(Path(NAME), NAME, raw=raw)
    except NegdocsError as exc:
        assert exc.problems and all(p.is_error for p in exc.problems)
        _assert_problems(exc.problems, raw, render)
        return "invalid"
    deal, problems = validate(source, PACKS, checks.WARNINGS)
    _assert_problems(problems, raw, render)
    if deal is None:
        assert any(p.is_error for p in problems), problems
        return "invalid"
    assert not problems
    analysis = analyse(deal)
    findings = checks.run(source, deal, analysis)
    _assert_problems(findings, raw, render)
    if render:
        _render(source, deal, analysis, findings)
    return "valid"


def _render(source, deal, analysis, findings) -> None:
    from negdocs.deals import Loaded
    from negdocs.project import Project
    from negdocs.render.pages import page_context

    project = Project(Path("/nonexistent-fuzz-project"))
    renderer = _renderer()
    loaded = Loaded("fuzz", source, deal, analysis, findings)
    try:
        page = renderer.render("internal.html", (NAME, 1), **page_context("internal", loaded, PACKS, project, {}))
        assert page.startswith("<!DOCTYPE html>"), page[:100]
    except NegdocsError as exc:
        _assert_problems(exc.problems, b"", True)
        assert exc.problems[0].rule == "size"
    try:  # the proposal package: HTML and Word, unstamped and each recipient's copy
        package = _proposals(renderer, project).package(loaded)
    except NegdocsError as exc:
        _assert_problems(exc.problems, b"", True)
        assert exc.problems[0].rule == "size"
        return
    for name, data in (package.files.items() if package else ()):
        assert data.startswith(b"<!DOCTYPE html>" if name.endswith(".html") else b"PK"), name


_RENDERER = []
_PROPOSALS = []


def _proposals(renderer, project):
    from negdocs.render.package import Proposals

    if not _PROPOSALS:
        _PROPOSALS.append(Proposals(renderer, project))
    return _PROPOSALS[0]


def _warm_up() -> None:
    """Compile the templates once, before the first fork, so no child pays for it."""
    run_one(f"format: negdocs/v1\ntitle: T\ncontext: sales\n".encode())
    _run_one(b"format: negdocs/v1\ntitle: T\ncontext: sales\n", True)


def _renderer():
    if not _RENDERER:
        from negdocs.project import accent_css
        from negdocs.render.render import Renderer

        _RENDERER.append(Renderer(None, None, {"accent_css": accent_css("#1f4e79")}))
    return _RENDERER[0]


# -- strategies -------------------------------------------------------------------------------
HOSTILE_TEXT = st.sampled_from([
    "", " ", "-", "- x", "~", "null", "yes", "no", "on", "0x1F", "0o17", "1:30", "1_000", "1e5", "5e-324", "1.7e308",
    ".nan", ".inf", "-.inf", "2027-02-30", "2027-13-45", "2027-01-31T10:00:00", "2027-1-5", "1e999", "9" * 400,
    "<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "[x](javascript:alert(1))", "::error::x", "<!--", "\t",
    "a\nb", "\u202e", "\u2028", "\x85", "\ufeff", "\U0001f600", "index", "../../etc/passwd", "*a", "&a", "!!python/object",
    "[" * 50, "*" * 50 + "a", "> " * 40 + "a", "- " * 40 + "a", "| a |\n|---|\n| b |", "1" + ":0" * 400,
    "1" + ":59" * 30 + ".5", "0b" + "1" * 3000, "0x" + "f" * 1000, "9" * 5000,
])
_DRAWN = [0]  # characters of long text drawn for the example being built


def _repeat(text: str, times: int) -> str:
    """``text * times``, unless the example already holds 2 Mi characters of long text: past
    that it would be skipped anyway, and the harness's own memory must stay small."""
    if _DRAWN[0] + len(text) * times > 2 * MAX_BYTES:
        return text
    _DRAWN[0] += len(text) * times
    return text * times


TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=40),
                 st.builds(_repeat, st.text(min_size=1, max_size=8), st.integers(1, 20_000)))
NUMBERS = st.one_of(st.integers(-10, 200), st.integers(-(2**70), 2**70), st.floats(), st.sampled_from(
    [0, 1, 100, 100.5, 10**15, 10**15 + 1, 5e-324, 1e-300, 1.7e308, 99.999999, 120000, 110000]))
DATES = st.one_of(st.dates(), st.datetimes().map(lambda d: d), st.sampled_from(["2027-13-45", "2027-02-30", "tomorrow"]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, DATES)
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def _strategy(annotation) -> st.SearchStrategy:
    """Mostly plausible values for a field of the deal model, sometimes anything at all."""
    return st.one_of(_plausible(annotation), _plausible(annotation), _plausible(annotation), JUNK)


def _plausible(annotation) -> st.SearchStrategy:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _plausible(args[0]) if args[0] is not dt.date else DATES
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return st.one_of([_plausible(a) for a in args])
    if origin is list:
        return st.lists(_strategy(args[0]), max_size=5)
    if origin is dict:
        return st.dictionaries(TEXT, _strategy(args[1]), max_size=4)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = annotation.model_fields
        required = {k: _strategy(f.annotation) for k, f in fields.items() if f.is_required()}
        optional = {k: _strategy(f.annotation) for k, f in fields.items() if not f.is_required()}
        return st.fixed_dictionaries(required, optional=optional)
    if annotation is type(None):
        return st.none()
    if annotation is str:
        return TEXT
    if annotation in (int, float):
        return NUMBERS
    if annotation is bool:
        return st.booleans()
    if annotation is dt.date:
        return DATES
    return JUNK


_DEALS = st.builds(lambda fields, extra: {**fields, **extra},
                  st.fixed_dictionaries({"format": st.just("negdocs/v1"), "title": TEXT, "context": st.sampled_from(model.CONTEXTS)},
                                        optional={k: _strategy(f.annotation) for k, f in model.Deal.model_fields.items()
                                                  if k not in ("format", "title", "context")}),
                  st.dictionaries(TEXT, JUNK, max_size=1))
@st.composite
def _deal(draw) -> dict:
    _DRAWN[0] = 0
    return draw(_DEALS)


DEALS = st.deferred(lambda: _deal())  # a short repr: Hypothesis quotes strategies in its messages


def _weight(data) -> int:
    """Characters of text in ``data``, roughly: inputs that would be over 1 MiB are skipped
    before they are written, so the harness itself stays within the memory limit."""
    if isinstance(data, dict):
        return sum(_weight(k) + _weight(v) for k, v in data.items())
    if isinstance(data, list):
        return sum(_weight(v) for v in data)
    return len(data) if isinstance(data, str) else 8


def _dump(data) -> bytes | None:
    if _weight(data) > MAX_BYTES:
        return None
    try:
        return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, UnicodeEncodeError, TypeError, ValueError, RecursionError):
        return None


ANCHORS = st.sampled_from([None, None, None, "a", "b", "c"])
TAGS = st.sampled_from([None, None, None, None, "tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
                        "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary",
                        "tag:yaml.org,2002:set", "tag:yaml.org,2002:python/object/apply:os.system", "!custom", "!"])
STYLES = st.sampled_from([None, None, "'", '"', "|", ">"])


@st.composite
def _node(draw, depth: int = 0) -> list:
    kind = draw(st.sampled_from(["scalar"] * 4 + ["alias"] + (["seq", "map"] * 2 if depth < 6 else [])))
    if kind == "alias":
        return [yaml.AliasEvent(draw(st.sampled_from(["a", "b", "c", "zz"])))]
    if kind == "scalar":
        value = draw(st.one_of(TEXT, NUMBERS.map(str), DATES.map(str)))
        return [yaml.ScalarEvent(draw(ANCHORS), draw(TAGS), (draw(st.booleans()), draw(st.booleans())), value,
                                 style=draw(STYLES))]
    flow = draw(st.booleans())
    items = draw(st.lists(_node(depth + 1), max_size=5 if kind == "seq" else 8))
    step = 1 if kind == "seq" else 2  # a mapping takes its items as key, value pairs
    events: list = []
    for n in range(0, len(items) - step + 1, step):  # at most ~20,000 events a container: the harness stays small
        group = [e for item in items[n:n + step] for e in item]
        if len(events) + len(group) > 20_000:
            break
        events += group
    if kind == "seq":  # wide containers from little entropy
        events *= min(draw(st.sampled_from([1, 1, 1, 2, 50, 5000])), max(1, 20_000 // max(1, len(events))))
    start, end = (yaml.SequenceStartEvent, yaml.SequenceEndEvent) if kind == "seq" else (yaml.MappingStartEvent, yaml.MappingEndEvent)
    return [start(draw(ANCHORS), draw(TAGS), True, flow_style=flow), *events, end()]


@st.composite
def _stream(draw) -> list:
    _DRAWN[0] = 0
    top = [("format", "negdocs/v1"), ("title", "T"), ("context", "sales")] if draw(st.booleans()) else []
    head = [e for k, v in top for e in (yaml.ScalarEvent(None, None, (True, True), k), yaml.ScalarEvent(None, None, (True, True), v))]
    body = draw(st.lists(_node(1), max_size=12))
    if len(body) % 2:
        body = body[:-1]
    documents = draw(st.sampled_from([1, 1, 1, 2]))
    events = [yaml.StreamStartEvent()]
    for _ in range(documents):
        events += [yaml.DocumentStartEvent(explicit=documents > 1), yaml.MappingStartEvent(None, None, True),
                   *head, *[e for node in body for e in node], yaml.MappingEndEvent(), yaml.DocumentEndEvent()]
    return events + [yaml.StreamEndEvent()]


def _emit(events) -> bytes | None:
    if sum(len(getattr(e, "value", "") or "") + 4 for e in events) > MAX_BYTES:
        return None
    try:
        return yaml.emit(events, Dumper=yaml.CDumper, allow_unicode=True).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, UnicodeEncodeError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return None  # a stream the emitter cannot write (our generator is not a validator)


BYTES = st.one_of(st.binary(max_size=2000), st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=30), st.integers(1, 40_000)))


def _small(raw: bytes | None) -> bool:
    return raw is not None and len(raw) <= MAX_BYTES


# -- the three campaigns ----------------------------------------------------------------------
def campaigns(examples: int, seed_value: int) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    config = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                      suppress_health_check=list(HealthCheck), print_blob=True)

    def count(name: str, outcome: str) -> None:
        counts.setdefault(name, {}).setdefault(outcome, 0)
        counts[name][outcome] += 1

    @seed(seed_value)
    @config
    @given(BYTES)
    def random_bytes(raw):
        count("bytes", run_one(raw[:MAX_BYTES], render=False))

    @seed(seed_value)
    @config
    @given(st.deferred(lambda: _stream()))
    def yaml_events(events):
        raw = _emit(events)
        assume(_small(raw))
        count("events", run_one(raw))

    @seed(seed_value)
    @config
    @given(DEALS)
    def deal_structures(data):
        raw = _dump(data)
        assume(_small(raw))
        count("deals", run_one(raw))

    for campaign in (random_bytes, yaml_events, deal_structures):
        campaign()
    return counts


def main(argv: list[str] | None = None) -> int:
    global CPU_PER_EXAMPLE, MEMORY_PER_EXAMPLE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per campaign")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-mb", type=int, default=MEMORY_PER_EXAMPLE, help="MB of address space per example")
    parser.add_argument("--cpu-s", type=int, default=CPU_PER_EXAMPLE, help="CPU seconds per example")
    parser.add_argument("--rounds", type=int, default=0, help="repeat the campaigns with seeds SEED*100000+round")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=HypothesisWarning)  # "overly large repr" of wide inputs
    CPU_PER_EXAMPLE, MEMORY_PER_EXAMPLE = args.cpu_s, args.memory_mb
    _warm_up()
    if not args.rounds:
        counts = campaigns(args.examples, args.seed)
        print("fuzz: seed", args.seed, "examples", {k: sum(v.values()) for k, v in counts.items()}, counts)
        return 0
    total: dict[str, dict[str, int]] = {}
    for round_ in range(args.rounds):  # a long campaign: rounds of all three, so stopping it anywhere covers each
        for name, outcomes in campaigns(args.examples, args.seed * 100_000 + round_).items():
            for outcome, n in outcomes.items():
                total.setdefault(name, {}).setdefault(outcome, 0)
                total[name][outcome] += n
        print(f"fuzz: seed {args.seed} round {round_ + 1}/{args.rounds} examples",
              {k: sum(v.values()) for k, v in total.items()}, total, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
