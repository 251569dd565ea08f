"""The one user-facing error type and the problems it carries.

Foreign errors (YAML, pydantic, Jinja, WeasyPrint) are converted into :class:`Problem`
where they happen; only the CLI prints them and picks the exit code.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about the input: where, which rule, how bad, and what to change."""

    path: str
    line: int
    message: str
    rule: str = "schema"
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity} {self.rule}: {self.message}"

    def as_dict(self) -> dict:
        data = asdict(self)
        return {
            "file": data["path"],
            "line": data["line"],
            "rule": data["rule"],
            "severity": data["severity"],
            "message": data["message"],
        }

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class NegdocsError(Exception):
    """Problems in the user's input: reported together, exit code 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("negdocs", 0, problems, rule="usage")]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(problems, key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


def _sort_key(problem: Problem):
    return (problem.path, problem.line, problem.rule, problem.message)


def short(value, limit: int = 60) -> str:
    """``repr`` of a user's value for a message: quoted, escaped, at most ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def display_path(path: Path, root: Path | None = None) -> str:
    """Path as users see it: relative to the project root (or cwd) when inside it, with any
    control character escaped (``\\x0a``), so a file name cannot forge a line of output."""
    import os

    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return printable(path.resolve().relative_to(base.resolve()).as_posix())
        except (ValueError, OSError, RuntimeError):
            pass
        try:  # a link that leads out: its own name as written, never its target
            return printable(Path(os.path.abspath(path)).relative_to(os.path.abspath(base)).as_posix())
        except ValueError:
            pass
    return printable(path.as_posix())


def printable(text: str) -> str:
    """``text`` with control characters and line separators escaped (``\\x0a``): one line, nothing hidden."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
