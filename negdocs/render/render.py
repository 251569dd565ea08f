"""The Jinja environment: project ``templates/`` first, then the built-in ones.

Autoescape is on for every template and undefined names are errors, so a typo in a
template fails the build at its line instead of printing nothing. Templates are translated
with Jinja's i18n extension (``{{ _("...") }}``, ``{% trans %}``), from the same gettext
catalogs as the Python code; each page is rendered in the language it is given.
"""

from __future__ import annotations

import abc
import re
import sys
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from negdocs.render import markdown
from negdocs.errors import NegdocsError, Problem, display_path
from negdocs.i18n import Lang, lang as get_lang
from negdocs.money import format_number, format_value

MAX_PAGE_CHARS = 8 * 1024 * 1024  # one rendered HTML page


def builtin_templates() -> Path:
    """``negdocs/templates`` in a wheel; the repository's ``templates/`` in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process and shared by every Renderer (they
    are configured alike): each build of ``serve`` and of a test run compiled them all again,
    0.45 s a build. Jinja checks each entry against its template's source checksum, so an
    edited template is compiled afresh."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


class Renderer:
    """Compiles each template once and renders pages to strings."""

    def __init__(self, project_templates: Path | None = None, root: Path | None = None, globals: dict | None = None):
        builtin = jinja2.FileSystemLoader(builtin_templates())
        loaders: list[jinja2.BaseLoader] = []
        if project_templates is not None and project_templates.is_dir():
            loaders.append(_ProjectLoader(project_templates, root or project_templates))
        # "builtin/<name>" always reaches the shipped template, so an override can extend it.
        loaders += [builtin, jinja2.PrefixLoader({"builtin": builtin})]
        self.root = root
        self.env = _Sandbox(
            loader=jinja2.ChoiceLoader(loaders),
            extensions=["jinja2.ext.i18n"],
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
            bytecode_cache=_COMPILED,
        )
        self.env.globals.update(globals or {})
        self.env.globals["css_string"] = css_string
        self.env.globals["markup"] = Markup  # markup("<code>x</code>") for a translated message's placeholder
        self.lang: Lang = get_lang()
        self.env.filters.update(
            md=markdown.render, md_inline=markdown.render_inline, slug=_slug, outline=outline,
            date=lambda value: self.lang.date(value),
            number=lambda value: format_number(value, self.lang.code),
            value=lambda value, kind, currency="USD": format_value(value, kind, currency, self.lang.code),
        )
        self._use(self.lang)

    def _use(self, lang: Lang) -> None:
        """Render in ``lang`` from now on: its catalog for ``_()``, its formats for the filters."""
        from negdocs.render.terms import term

        self.lang = lang
        self.env.install_gettext_translations(lang.translations, newstyle=True)
        self.env.globals.update(lang=lang, term=lambda group, value: term(lang, group, value),
                                page_of_css=lambda: page_of_css(lang))

    def render(self, name: str, /, origin: tuple[str, int] | None = None, lang: Lang | None = None, **context) -> str:
        """The page ``name`` rendered in ``lang`` (default: English) with ``context``. Rendering
        stops as soon as the page passes :data:`MAX_PAGE_CHARS`, reported at ``origin`` (the deal
        file and line the page comes from), so no input makes a page, or the memory holding it,
        grow without end."""
        if (lang or get_lang()) is not self.lang:
            self._use(lang or get_lang())
        try:
            parts, size = [], 0
            for part in self.env.get_template(name).generate(**context):
                size += len(part)
                if size > MAX_PAGE_CHARS:
                    where, line = origin or (name, 0)
                    raise NegdocsError(Problem(where, line, f"the page {name} would be over {MAX_PAGE_CHARS:,} characters; "
                                               "negdocs stops there: shorten the longest texts of the file or split it", "size"))
                parts.append(part)
            return "".join(parts)
        except jinja2.TemplateSyntaxError as exc:
            raise NegdocsError(Problem(self._where(exc.filename, name), exc.lineno or 1, exc.message or "syntax error", "template")) from exc
        except jinja2.TemplateNotFound as exc:
            raise NegdocsError(Problem(name, 1, f"template {exc.name!r} not found", "template")) from exc
        except jinja2.TemplateError as exc:
            filename, line = _template_frame(exc.__traceback__, name)
            raise NegdocsError(Problem(self._where(filename, name), line, exc.message or str(exc), "template")) from exc
        except UnicodeDecodeError as exc:
            raise NegdocsError(Problem(name, 1, f"a template is not UTF-8: {exc.reason}", "template")) from exc
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
            # an expression in a project template failed ({{ 1/0 }}, a bad index): report it at its line
            filename, line = _template_frame(exc.__traceback__, name)
            raise NegdocsError(Problem(self._where(filename, name), line, f"{type(exc).__name__}: {exc}", "template")) from exc

    def _where(self, filename: str | None, name: str) -> str:
        return display_path(Path(filename), self.root) if filename else name


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox: a project template (which a pull request can change) reaches no Python
    internals (``cycler.__init__.__globals__.os`` and the like), changes none of the data it
    is given, and cannot build a string or list bigger than a page with ``*`` or ``**``."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._safe: dict = {}

    def is_safe_attribute(self, obj, attr, value) -> bool:
        """Jinja's rule, remembered (1,000 deals spent an eighth of an HTML build in it). It reads
        the name and ``isinstance`` of the object against types and collection ABCs, so the key
        is what those answers depend on: the type, the class the object reports (a proxy reports
        the one it wraps) and the ABC registry's version (``register`` changes the answers)."""
        key = (type(obj), obj.__class__, attr, abc.get_cache_token())
        safe = self._safe.get(key)
        if safe is None:
            if len(self._safe) >= 10_000:  # names from data (``attr(name)``) could be many
                self._safe.clear()
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call_binop(self, context, operator, left, right):
        sized = [(v, n) for v, n in ((left, right), (right, left)) if isinstance(v, (str, list, tuple))]
        if operator == "*" and sized and isinstance(sized[0][1], int) and len(sized[0][0]) * sized[0][1] > MAX_PAGE_CHARS:
            raise SecurityError(f"a repetition of over {MAX_PAGE_CHARS:,} items is not allowed in a template")
        if operator == "**" and isinstance(right, (int, float)) and isinstance(left, (int, float)) and abs(right) > 100:
            raise SecurityError("an exponent over 100 is not allowed in a template")
        return super().call_binop(context, operator, left, right)


class _ProjectLoader(jinja2.FileSystemLoader):
    """The project's ``templates/``: a template that is a link to a file outside the project
    (or sits in a linked folder that leads out) is refused, never read."""

    def __init__(self, folder: Path, root: Path):
        super().__init__(folder)
        self.folder, self.root = folder, root

    def get_source(self, environment, template):
        from negdocs.load.files import OUTSIDE, escapes

        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        try:
            present = path.is_symlink() or path.exists()
        except (OSError, ValueError):  # a name the system refuses: Jinja reports it as not found
            raise jinja2.TemplateNotFound(template) from None
        if present and escapes(path, self.root):
            raise NegdocsError(Problem(display_path(path, self.root), 1, OUTSIDE, "template"))
        return super().get_source(environment, template)


def page_of_css(lang: Lang) -> Markup:
    """CSS ``content`` for "Page X of Y" in ``lang``: its words as CSS strings around the counters."""
    import re

    parts = re.split(r"(%\((?:page|pages)\)s)", lang.gettext("Page %(page)s of %(pages)s"))
    out = []
    for part in parts:
        if part in ("%(page)s", "%(pages)s"):
            out.append(f"counter({part[2:-2]})")
        elif part:
            out.append(_css_literal(part))
    return Markup(" ".join(out))


def css_string(text) -> Markup:
    """``text`` (markup or not) as a CSS string literal that is safe inside <style>: its tags
    stripped, as the running head and label of a printed page need."""
    return Markup(_css_literal(Markup(str(text)).striptags()))


def _css_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\5c ").replace('"', "\\22 ").replace("<", "\\3c ") + '"'


def _template_frame(tb, name: str) -> tuple[str | None, int]:
    """Innermost traceback frame that belongs to a template (Jinja rewrites them so)."""
    found: tuple[str | None, int] = (None, 1)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css", ".svg", ".txt", ".j2")) and filename not in sys.modules:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def outline(html: str) -> list[dict]:
    """The h2 and h3 headings of rendered HTML, nested: what a two-level contents lists."""
    out: list[dict] = []
    for level, anchor, text in _HEADING.findall(str(html)):
        entry = {"id": anchor, "title": Markup(_TAG.sub("", text)).unescape(), "children": []}
        if level == "2" or not out:
            out.append(entry)
        else:
            out[-1]["children"].append(entry)
    return out


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in str(text).lower())
    return "-".join(filter(None, out.split("-")))
