"""``negdocs approve PATH --role ROLE --by NAME``: record a sign-off with the current fingerprint.

The deal file is edited as text (see :mod:`negdocs.commands.yamledit`): one line is added,
or the role's record is renewed in place, and every other byte stays as it was. The result
is parsed and validated again, and must hold exactly the old data plus the new record,
before it replaces the file atomically. A file with errors, a role no rule names, or a name
with control characters or line breaks changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from negdocs.errors import NegdocsError, Problem

MAX_NAME = 200
ROLE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass
class Approved:
    path: Path
    display: str
    role: str
    by: str
    on: dt.date
    fingerprint: str
    renewed: bool  # the role's record existed and was updated
    changed: bool  # False: the same sign-off was there already
    required: bool  # a rule of the matrix requires this role for the deal now


def _usage(message: str, where: str = "negdocs approve") -> NegdocsError:
    return NegdocsError(Problem(where, 0, message, "usage"))


def check_name(by: str) -> str:
    """``--by``: one line of text, no control or format characters, no surrounding space."""
    bad = next((c for c in by if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")), None)
    if bad is not None:
        what = "a line break" if bad in "\r\n" else "a control or format character"
        raise _usage(f"--by holds the character U+{ord(bad):04X} ({what}); give a name on one line, such as --by 'Dana Lee'")
    if not by.strip() or by != by.strip():
        raise _usage("--by must be a name without leading or trailing spaces, such as --by 'Dana Lee'")
    if len(by) > MAX_NAME:
        raise _usage(f"--by is {len(by):,} characters long; the limit is {MAX_NAME}")
    return by


def approve(path: Path, role: str, by: str, on: dt.date | None = None, root: Path | None = None) -> Approved:
    from negdocs.analyse.strategy import load_packs
    from negdocs.deals import load_one
    from negdocs.commands import yamledit
    from negdocs.dates import today
    from negdocs.load.files import OUTSIDE, escapes, read_limited
    from negdocs.load.validate import suggest
    from negdocs.project import Project

    if not ROLE_RE.fullmatch(role):
        shown = role.encode("unicode_escape").decode("ascii")[:60]
        raise _usage(f"--role {shown!r} is not a role: roles are lowercase letters, digits and hyphens, such as cfo")
    check_name(by)
    project = Project.load(root)
    matrix = project.matrix
    if matrix is None:
        raise _usage("negdocs.yaml has no approval matrix (`approvals:`); add one before recording sign-offs", "negdocs.yaml")
    if role not in matrix.roles:
        raise _usage(f"no rule of the approval matrix names the role {role!r}{suggest(role, matrix.roles)}; roles: "
                     f"{', '.join(matrix.roles)}", "negdocs.yaml")
    display = project.display(path)
    if escapes(path, project.root):
        raise _usage(OUTSIDE, display)
    target = path.resolve()
    if not target.is_file():
        raise _usage("no such deal file", display)
    raw = read_limited(target, display, project.root)
    packs = load_packs(project.root)
    one, problems = load_one(project, packs, target, False, raw, lint=False)
    errors = [p for p in problems if p.is_error]
    if one is None or errors:
        raise NegdocsError(errors + [Problem(display, 0, "the file has errors; fix them (`negdocs check`) before signing "
                                             "off: nothing was changed", "usage")])
    verdict = one.analysis.approvals
    on = on or today()
    fields = {"role": role, "by": by, "on": on.isoformat(), "fingerprint": verdict.fingerprint}
    required = any(r.role == role for r in verdict.requirements)
    current = next((a for a in one.deal.approvals if a.role == role), None)
    if current is not None and (current.by, current.on, current.fingerprint) == (by, on, verdict.fingerprint):
        return Approved(target, display, role, by, on, verdict.fingerprint, True, False, required)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # load_one reported it already; a safety net
        raise _usage("the file is not UTF-8", display) from None
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    newline = "\r\n" if "\r\n" in body else "\n"
    try:
        edited, renewed = yamledit.upsert(body, "approvals", ("role", role), fields, newline)
    except yamledit.Unsupported as exc:
        raise yamledit.unsupported(display, exc, yamledit.flow_record(fields)) from exc
    new_raw = (("\ufeff" if bom else "") + edited).encode("utf-8")
    _verify(project, packs, one, target, new_raw, fields, display)
    _replace(target, raw, new_raw, display)
    return Approved(target, display, role, by, on, verdict.fingerprint, renewed, True, required)


def _verify(project, packs, old, target: Path, new_raw: bytes, fields: dict, display: str) -> None:
    """The edited file must be valid and hold the old data with exactly this record added or renewed."""
    from negdocs.deals import load_one

    new, problems = load_one(project, packs, target, False, new_raw, lint=False)

    def fail(why: str):
        raise NegdocsError(Problem(display, 0, f"the edited file did not check out ({why}); nothing was changed", "usage"))

    if new is None or any(p.is_error for p in problems):
        fail("; ".join(p.message for p in problems if p.is_error) or "it cannot be read")
    if {k: v for k, v in new.source.data.items() if k != "approvals"} != {k: v for k, v in old.source.data.items() if k != "approvals"}:
        fail("other values changed")
    expected = [a.model_dump() for a in old.deal.approvals]
    record = {"role": fields["role"], "by": fields["by"], "on": dt.date.fromisoformat(fields["on"]),
              "fingerprint": fields["fingerprint"]}
    index = next((n for n, a in enumerate(expected) if a["role"] == fields["role"]), None)
    if index is None:
        expected.append(record)
    else:
        expected[index] = record
    if [a.model_dump() for a in new.deal.approvals] != expected:
        fail("the sign-offs are not the expected ones")
    if new.analysis.approvals.fingerprint != fields["fingerprint"]:
        fail("the terms' fingerprint changed")


def _replace(target: Path, raw: bytes, new_raw: bytes, display: str) -> None:
    """Write ``new_raw`` next to the file and rename it over the file, unless the file changed meanwhile."""
    mode = stat.S_IMODE(target.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".negdocs-approve", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(new_raw)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        if target.read_bytes() != raw:
            raise NegdocsError(Problem(display, 0, "the file changed while the sign-off was added; nothing was changed, "
                                       "run the command again", "usage"))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
