"""Find text in templates that no reader's language would get: words outside ``{{ _("...") }}``
and ``{% trans %}``, in element content or in the attributes a reader sees or hears (``alt``,
``title``, ``aria-label``, ``placeholder``).

``python -m negdocs.render.literals templates/ [more folders]`` prints each as
``file:line: untranslated text 'Issue'`` and exits 1 when there is any; ``make i18n`` runs it
on the shipped templates, and ``make i18n TEMPLATES=path/to/project/templates`` on a
project's own.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jinja2
from jinja2 import nodes

_HIDDEN = re.compile(r"<(style|script)\b.*?(</\1>|$)|<!--.*?(-->|$)", re.S | re.I)
_ATTRS = re.compile(r"""\b(?:alt|title|aria-label|placeholder)\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")


# Names that read the same in every language (the tool, a hash algorithm).
SAME_IN_EVERY_LANGUAGE = {"negdocs", "sha256", "PDF"}


def _words(text: str) -> str | None:
    text = _ENTITY.sub(" ", text).strip()
    words = {token for token in re.findall(r"\w+", text) if _WORD.search(token)}
    return " ".join(text.split()) if words - SAME_IN_EVERY_LANGUAGE else None


def literals(source: str, name: str = "template") -> list[tuple[int, str]]:
    """``(line, text)`` of each untranslated piece of text in a template's source.

    The template's literal text is joined in source order, each Jinja expression or tag
    standing in as one placeholder character, so an element whose attributes hold
    expressions still reads as one tag."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    tree = env.parse(source, name)
    text, starts = "", []  # starts: (offset, line) of each literal chunk
    for node in tree.find_all(nodes.TemplateData):
        starts.append((len(text), node.lineno))
        text += node.data + "\x01"

    original = text

    def line(offset: int) -> int:
        start, ln = next(((start, ln) for start, ln in reversed(starts) if start <= offset), (0, 1))
        return ln + original.count("\n", start, offset)

    text = _HIDDEN.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for match in _ATTRS.finditer(text):
        if (words := _words(match.group(2).replace("\x01", " "))) is not None:
            found.append((line(match.start()), words))
    offset = 0
    for chunk in re.split(r"(<[^>]*>)", text):
        if not chunk.startswith("<") and (words := _words(chunk.replace("\x01", " "))) is not None:
            found.append((line(offset + len(chunk) - len(chunk.lstrip())), words))
        offset += len(chunk)
    return sorted(found)


def main(argv: list[str]) -> int:
    problems = 0
    for folder in argv:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                found = literals(path.read_text(encoding="utf-8"), str(path))
            except jinja2.TemplateSyntaxError as exc:
                print(f"{path}:{exc.lineno}: {exc.message}")
                problems += 1
                continue
            for line, text in found:
                print(f"{path}:{line}: untranslated text {text[:60]!r}; wrap it in {{{{ _(\"...\") }}}} and run make i18n")
                problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
