"""Render content text: jinja2 (sandboxed, StrictUndefined), escaped for reportlab's paragraph markup.

What the author writes prints as itself: `&`, `<` and `>` are escaped. Values that templates insert
(clinic name, phone, ...) are escaped too, and cannot carry markup. The only inline markup is the
author's own `**bold**` and `*italic*`.
"""
from __future__ import annotations

import functools
import html
import re

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from handouts.errors import Problem

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_TAG = re.compile(r"<[^>]*>")
MAX_OUTPUT = 5000


def _finalize(value):
    """Escape an inserted value and neutralise `*` so it cannot open bold or italic."""
    if isinstance(value, Markup):
        return value
    return Markup(str(escape(value)).replace("*", "&#42;"))


# What a handout's text may contain: values, filters, tests, operators and {% if %}. No loops, no
# {% set %}, no macros and no method calls: with those, a few lines of template can run for hours or
# build gigabytes ({% for %} three deep, x ~ x doubled by {% set %}, '%0999999999d' % 1,
# clinic.address.center(10**9)) - the sandbox stops attribute access, not that.
_ALLOWED = (nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const, nodes.Filter,
            nodes.Test, nodes.If, nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
            nodes.Neg, nodes.Pos, nodes.Concat, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv,
            nodes.Mod, nodes.Pow, nodes.Slice, nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair, nodes.Keyword)
_NAMES = {"For": "{% for %}", "Assign": "{% set %}", "AssignBlock": "{% set %}", "Macro": "{% macro %}",
          "Call": "calling a method or function", "CallBlock": "{% call %}", "FilterBlock": "{% filter %}",
          "With": "{% with %}", "Include": "{% include %}", "Import": "{% import %}",
          "FromImport": "{% from %}", "Extends": "{% extends %}", "Block": "{% block %}"}


def _too_long(value) -> bool:
    return isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_OUTPUT


def _capped(fn):
    """A filter that refuses long inputs and long results (`x|replace('a', x)` squares the length)."""

    @functools.wraps(fn)
    def filter_(*args, **kwargs):
        if any(_too_long(a) for a in list(args) + list(kwargs.values())):
            raise jinja2.exceptions.SecurityError("value too long for a filter")
        out = fn(*args, **kwargs)
        if _too_long(out):
            raise jinja2.exceptions.SecurityError("result would be too long")
        return out

    return filter_


class _Environment(SandboxedEnvironment):
    """The sandbox, plus caps on `*`, `**` and `%` so a template cannot build huge values."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and ((isinstance(right, (int, float)) and abs(right) > 100)
                                 or (isinstance(left, (int, float)) and abs(left) > 1_000_000)):
            raise jinja2.exceptions.SecurityError("exponent too large")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (list, tuple)) and isinstance(n, int):
                    raise jinja2.exceptions.SecurityError("repeating a list is not allowed")
                if isinstance(seq, str) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT:
                    raise jinja2.exceptions.SecurityError("result would be too long")
        if operator == "%" and isinstance(left, str):
            raise jinja2.exceptions.SecurityError("'%' text formatting is not allowed")
        return super().call_binop(context, operator, left, right)


def make_environment() -> SandboxedEnvironment:
    env = _Environment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=_finalize,
                               keep_trailing_newline=False)
    env.globals.clear()
    env.filters = {k: _capped(v) for k, v in env.filters.items()
                   if k in {"upper", "lower", "title", "capitalize", "trim", "replace", "default", "length",
                            "first", "last", "join", "e", "escape", "int", "string", "round"}}
    return env


def _escape_literal(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_EMPHASIS = re.compile(r"<(/?)([bi])>")


def _inline(markup: str) -> str:
    out = _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", markup))
    # Overlapping markers ('******', '**a *b** c*') make <b><i></b></i>, which reportlab rejects with a
    # ValueError; then print the asterisks as written instead
    stack: list[str] = []
    for close, tag in _EMPHASIS.findall(out):
        if not close:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return markup
    return markup if stack else out


_FAILURES = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError,
             RecursionError, OverflowError, MemoryError)


class Renderer:
    """Renders text fields; collects problems instead of stopping at the first."""

    def __init__(self, env: SandboxedEnvironment, context: dict):
        self.env = env
        self.context = context
        self.problems: list[Problem] = []
        self._cache: dict[str, str] = {}

    def markup(self, source: str, where: tuple[str, int | None, int | None, str]) -> str:
        """Template text -> reportlab paragraph markup."""
        cached = self._cache.get(source)
        if cached is not None:
            return cached
        if "{" not in source:
            result = _inline(_escape_literal(source))
        else:
            result = self._render(source, where)
        self._cache[source] = result
        return result

    def _known(self) -> str:
        return ", ".join(f"clinic.{k}" for k in sorted(self.context.get("clinic", {}))) + ", handout.title"

    def _problem(self, exc: Exception, where) -> Problem:
        file, line, column, path = where
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return Problem(f"template syntax error: {exc.message}", file, line, column, path)
        if isinstance(exc, jinja2.UndefinedError):
            return Problem(f"template uses something that does not exist ({exc.message}); "
                           f"you can use: {self._known()}", file, line, column, path)
        if isinstance(exc, jinja2.exceptions.SecurityError):
            return Problem(f"template is not allowed to do that ({exc})", file, line, column, path)
        return Problem(f"template failed: {exc}", file, line, column, path)

    def _render(self, source: str, where) -> str:
        file, line, column, path = where
        # the checked, compiled template is kept on the environment (the checks depend on the source
        # and the names the context offers, nothing else), so each clinic only runs it
        compiled = self.env.__dict__.setdefault("_handouts_compiled", {})
        key = (source, tuple(sorted(self.context)))
        if key in compiled:
            return self._run(compiled[key], where)
        try:
            ast = self.env.parse(source)
            for node in ast.find_all(nodes.Node):
                if not isinstance(node, _ALLOWED):
                    kind = _NAMES.get(type(node).__name__, type(node).__name__)
                    self.problems.append(Problem(
                        f"templates may insert values ({{{{ clinic.phone }}}}), with filters and {{% if %}}; "
                        f"{kind} is not allowed", file, line, column, path))
                    return ""
                if isinstance(node, nodes.Name) and node.name not in self.context:
                    # jinja's own names ({{ self }} prints '<TemplateReference None>') are not content
                    self.problems.append(Problem(
                        f"template uses something that does not exist ('{node.name}' is undefined); "
                        f"you can use: {self._known()}", file, line, column, path))
                    return ""
            for node in ast.find_all(jinja2.nodes.TemplateData):
                node.data = _escape_literal(node.data)
            code = self.env.compile(ast)
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
        except _FAILURES as exc:
            self.problems.append(self._problem(exc, where))
            return ""
        if len(compiled) >= 4096:
            compiled.clear()
        compiled[key] = template
        return self._run(template, where)

    def _run(self, template, where) -> str:
        file, line, column, path = where
        try:
            out = template.render(self.context)
        except _FAILURES as exc:
            self.problems.append(self._problem(exc, where))
            return ""
        if len(out) > MAX_OUTPUT:
            self.problems.append(Problem(f"template output is too long ({len(out)} characters)",
                                         file, line, column, path))
            return ""
        return _inline(out)


def plain(markup: str) -> str:
    """Paragraph markup -> the text a reader sees."""
    return html.unescape(_TAG.sub("", markup))


def escape_text(text: str) -> str:
    """Plain text (a label, a clinic name) -> paragraph markup that prints it as written."""
    return _escape_literal(text).replace("*", "&#42;")
