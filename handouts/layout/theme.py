"""Resolve a layout's colours against a clinic's brand and check WCAG AA contrast."""
from __future__ import annotations

from dataclasses import dataclass

from handouts.errors import HandoutError
from handouts.layout.colors import contrast, readable_shade
from handouts.model.clinic import ClinicProfile
from handouts.model.layout import BrandColour, Colour, Colours, Layout
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


def text_uses(c: Colours) -> list[tuple[Colour, tuple, str, str]]:
    """Every colour a layout prints text in: (value, key path, background, the place in plain words)."""
    uses = []
    for kind in ("info", "warning", "red_flag"):
        spec = getattr(c, kind)
        box = kind.replace("_", "-")
        uses += [(spec.title, ("colours", kind, "title"), spec.fill, f"{box} box titles"),
                 (c.text, ("colours", "text"), spec.fill, f"text in {box} boxes")]
    uses += [(c.text, ("colours", "text"), WHITE, "body text on the page"),
             (c.heading, ("colours", "heading"), WHITE, "headings on the page"),
             (c.accent, ("colours", "accent"), WHITE, "exercise names and list numbers on the page"),
             (c.text, ("colours", "text"), c.table_fill, "text in table headers")]
    return uses


def brand_backgrounds(layouts: list[Layout]) -> dict[str, set[str]]:
    """Brand key -> every background a brand colour meets in these layouts: what its advice must pass."""
    seen: dict[str, set[str]] = {}
    for layout in layouts:
        for value, _, background, _ in text_uses(layout.colours):
            if isinstance(value, BrandColour):
                seen.setdefault(value.brand, set()).add(background)
    return seen


def _advice(colour: str, failing: list[tuple[str, float]], backgrounds: set[str]) -> str:
    """One plain sentence for a colour that is hard to read, with one shade that passes everywhere."""
    places = ", ".join(place for place, _ in failing)
    worst = min(ratio for _, ratio in failing)
    shade = readable_shade(colour, backgrounds, AA)
    said = (f"expected a colour dark enough to read as {places} (contrast at least {AA:g} to 1), "
            f"got {colour} ({worst:.1f} to 1)")
    if all(contrast(shade, bg) >= AA for bg in backgrounds):
        return f"{said}; use {shade}, a darker shade of the same colour that is easy to read everywhere it is used"
    return f"{said}; no shade of it is easy to read on every background it is used on: choose another colour"


def resolve_theme(layout: Layout, layout_doc: Document, clinic: ClinicProfile,
                  elsewhere: dict[str, set[str]] | None = None) -> Theme:
    """Bind brand colours, then check every colour used for text against what is behind it.

    A colour that fails gets one message at the key it comes from (the clinic's brand or the
    layout), naming every place it is hard to read, with one suggestion that passes in all of them
    and, for a brand colour, in every other layout too (elsewhere: brand_backgrounds of the
    project's layouts), so taking the advice makes the next run pass."""

    def pick(value, path):
        if isinstance(value, BrandColour):
            chosen = getattr(clinic.clinic.brand, value.brand)
            if chosen:
                return chosen, clinic.doc, ("brand", value.brand), value.brand
            return value.fallback, layout_doc, path + ("fallback",), None
        return value, layout_doc, path, None

    sources: dict[tuple, tuple[str, str | None, list]] = {}
    for value, path, background, place in text_uses(layout.colours):
        colour, doc, key, brand = pick(value, path)
        entry = sources.setdefault((doc.file, key), (colour, brand, []))
        entry[2].append((doc, background, place))
    problems = []
    for (_, key), (colour, brand, uses) in sources.items():
        failing = [(place, contrast(colour, bg)) for _, bg, place in uses if contrast(colour, bg) < AA]
        if failing:
            backgrounds = {bg for _, bg, _ in uses} | (elsewhere or {}).get(brand or "", set())
            problems.append(uses[0][0].problem(key, _advice(colour, failing, backgrounds)))
    if problems:
        raise HandoutError(problems)
    c = layout.colours
    boxes = {kind: Box(getattr(c, kind).fill, pick(getattr(c, kind).border, ())[0],
                       pick(getattr(c, kind).title, ())[0]) for kind in ("info", "warning", "red_flag")}
    return Theme(text=pick(c.text, ())[0], heading=pick(c.heading, ())[0], accent=pick(c.accent, ())[0],
                 rule=c.rule, table_fill=c.table_fill, **boxes)
