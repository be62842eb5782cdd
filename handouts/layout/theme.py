"""Resolve a layout's colours against a clinic's brand and check WCAG AA contrast."""
from __future__ import annotations

from dataclasses import dataclass

from handouts.errors import HandoutError
from handouts.layout.colors import contrast, darker_passing
from handouts.model.clinic import ClinicProfile
from handouts.model.layout import BrandColour, Layout
from handouts.model.yamlfile import Document

AA = 4.5
WHITE = "#FFFFFF"


@dataclass(frozen=True)
class Box:
    fill: str
    border: str
    title: str


@dataclass(frozen=True)
class Theme:
    text: str
    heading: str
    accent: str
    rule: str
    table_fill: str
    info: Box
    warning: Box
    red_flag: Box

    def box(self, kind: str) -> Box:
        return getattr(self, kind)


def resolve_theme(layout: Layout, layout_doc: Document, clinic: ClinicProfile) -> Theme:
    """Bind brand colours, then check every colour used for text against what is behind it."""
    problems = []

    def pick(value, path):
        if isinstance(value, BrandColour):
            chosen = getattr(clinic.clinic.brand, value.brand)
            if chosen:
                return chosen, clinic.doc, ("brand", value.brand)
            return value.fallback, layout_doc, path + ("fallback",)
        return value, layout_doc, path

    def text_colour(value, path, background, use):
        colour, doc, where = pick(value, path)
        ratio = contrast(colour, background)
        if ratio < AA:
            problems.append(doc.problem(where, (
                f"colour {colour} is used for {use} but has contrast {ratio:.2f}:1 against {background}; "
                f"WCAG AA needs {AA}:1 - a darker shade that passes: {darker_passing(colour, background, AA)}")))
        return colour

    c = layout.colours
    boxes = {}
    for kind in ("info", "warning", "red_flag"):
        spec = getattr(c, kind)
        border, _, _ = pick(spec.border, ("colours", kind, "border"))
        title = text_colour(spec.title, ("colours", kind, "title"), spec.fill, f"{kind} box titles")
        text_colour(c.text, ("colours", "text"), spec.fill, f"text in {kind} boxes")
        boxes[kind] = Box(spec.fill, border, title)
    theme = Theme(
        text=text_colour(c.text, ("colours", "text"), WHITE, "body text"),
        heading=text_colour(c.heading, ("colours", "heading"), WHITE, "headings"),
        accent=text_colour(c.accent, ("colours", "accent"), WHITE, "exercise names and list numbers"),
        rule=c.rule, table_fill=c.table_fill, **boxes)
    text_colour(c.text, ("colours", "text"), c.table_fill, "table header text")
    if problems:
        unique = list(dict.fromkeys(problems))
        raise HandoutError(unique)
    return theme
