"""Stage: content model -> the same model with every text field rendered to paragraph markup.

Also collects the plain text a patient reads (for the reading-level gate) and checks that the
font has every character, reporting each problem with its file:line and key path.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pydantic import BaseModel

from handouts.errors import HandoutError, Problem
from handouts.layout.fonts import FontSet, describe
from handouts.model.content import Handout
from handouts.model.yamlfile import Document, format_path
from handouts.reuse.cache import remember
from handouts.text.templating import Renderer, make_environment, plain

# Fields that are identifiers or addresses, not text a template may produce
NOT_TEXT = {"type", "kind", "id", "url", "file", "language", "condition", "per", "each", "version",
            "use", "poses", "props", "arrow"}  # a figure's id and poses: not words
# Text fields a patient does not read as prose (excluded from the reading level)
NOT_READ = {"keywords", "sources", "review", "alt", "log_name"}  # log_name: read in the log
# (font files, text) -> (markup, plain text, characters the font lacks), for text without a template
_STATIC: dict = {}


@dataclass
class RenderedHandout:
    """A handout whose text fields now hold reportlab paragraph markup."""

    handout: Handout
    doc: Document
    texts: list[str] = field(default_factory=list)
    """Plain text of every field a patient reads, in reading order."""


@functools.lru_cache(maxsize=1)
def _environment():
    """One sandbox per process: it holds nothing of a clinic, and it keeps the compiled templates."""
    return make_environment()


def render_handout(handout: Handout, doc: Document, clinic_fields: dict, fonts: FontSet,
                   emergency: dict | None = None, words: dict | None = None) -> RenderedHandout:
    """Every text field rendered with the clinic's values (clinic.*), its country's numbers
    (emergency.number, emergency.same_day; blank when not given) and its locale's words (words.*:
    the label table's, such as words.therapist)."""
    renderer = Renderer(_environment(), {"clinic": clinic_fields,
                                         "emergency": emergency or {"number": "", "same_day": ""},
                                         "words": words or {},
                                         "handout": {"title": handout.title}})
    texts: list[str] = []
    problems: list[Problem] = []

    def walk(value, path: tuple, read: bool):
        if isinstance(value, BaseModel):
            updates = {}
            for name in type(value).model_fields:
                if name in NOT_TEXT:
                    continue
                item = getattr(value, name)
                new = walk(item, path + (name,), read and name not in NOT_READ)
                if new is not item:
                    updates[name] = new
            return value.model_copy(update=updates) if updates else value
        if isinstance(value, list):
            out = [walk(v, path + (i,), read) for i, v in enumerate(value)]
            return out if any(a is not b for a, b in zip(out, value)) else value
        if isinstance(value, str):
            key = (fonts.files, value)
            hit = _STATIC.get(key)  # text without a template: the same for every clinic
            if hit is None:
                line, column = doc.where(path)
                markup = renderer.markup(value, (doc.file, line, column, format_path(path)))
                text = plain(markup)
                hit = (markup, text, fonts.missing(text))
                if "{" not in value:
                    remember(_STATIC, key, hit, 20_000)
            markup, text, missing = hit
            if missing:
                line, column = doc.where(path)
                for ch in missing:
                    problems.append(Problem(f"the font has no glyph for {describe(ch)}; use another character",
                                            doc.file, line, column, format_path(path)))
            if read and text.strip():
                texts.append(text)
            return markup
        return value

    # The title is read too, but it is also the PDF title (plain); render it like any other field
    rendered = walk(handout, (), True)
    problems = renderer.problems + problems
    if problems:
        raise HandoutError(problems)
    return RenderedHandout(rendered, doc, texts)


def check_text(text: str, fonts: FontSet, doc: Document, path: tuple) -> list[Problem]:
    """Font coverage for text printed outside the content (clinic profile, label table)."""
    return [doc.problem(path, f"the font has no glyph for {describe(ch)}; use another character")
            for ch in fonts.missing(text)]


def check_texts(data, fonts: FontSet, doc: Document, path: tuple = ()) -> list[Problem]:
    """check_text over every string in a plain data tree (a clinic profile or a label table)."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in check_texts(v, fonts, doc, path + (k,))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in check_texts(v, fonts, doc, path + (i,))]
    if isinstance(data, str):
        return check_text(data, fonts, doc, path)
    return []
