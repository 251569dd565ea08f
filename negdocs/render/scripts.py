"""A deal's scripts as the playbook shows them: filled from its data, or with blanks.

The wording (template variant, slot values, evidence labels, sentence rules) is chosen in
:mod:`negdocs.analyse.scripts`, so the ``script-long`` check counts the words shown here.
"""

from __future__ import annotations

from dataclasses import dataclass

from negdocs import phrases
from negdocs.analyse.scripts import blank_better, filled, segments, variant
from negdocs.analyse.pack import Pack
from negdocs.i18n import current
from negdocs.load.model import Deal


@dataclass(frozen=True)
class Filled:
    """A script ready to say: its title, and text segments ``(text, filled_from_data)``."""

    title: str
    use: str | None
    segments: tuple[tuple[str, bool], ...]
    line: int = 0
    when: str = ""

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments)

    @property
    def words(self) -> int:
        return phrases.words(self.text)


def fill(deal: Deal, pack: Pack, lines: list[int] | None = None) -> list[Filled]:
    """The deal's own scripts, filled in, in file order."""
    out = []
    for n, script in enumerate(deal.scripts):
        line = lines[n] if lines else 0
        if script.say is not None:
            out.append(Filled(current()._("In your own words"), None, ((" ".join(script.say.split()), True),), line))
        else:
            title, parts, _ = filled(deal, pack, script, n)
            out.append(Filled(title, script.use, parts, line, pack.scripts[script.use].when))
    return out


def blanks(pack: Pack, used: set[str], deal: Deal) -> list[Filled]:
    """The pack's templates this deal does not use, in its context's wording, blanks shown."""
    out = []
    for name, template in pack.scripts.items():
        if name in used:
            continue
        title, text = variant(template, deal.context, blank_better(deal) if name == "floor" else None)
        out.append(Filled(title, name, segments(text, None), when=template.when))
    return out
