"""Paragraph styles from a layout's type scale, at a given fit step (spacing and size factors)."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle

from handouts.layout.fonts import FontSet
from handouts.layout.theme import Theme
from handouts.model.layout import Layout


@dataclass(frozen=True)
class Scale:
    """One fit step: multiply spacing and type sizes by these factors."""

    spacing: float = 1.0
    size: float = 1.0


@dataclass
class Styles:
    layout: Layout
    theme: Theme
    fonts: FontSet
    scale: Scale
    body: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    list_item: ParagraphStyle
    box_title: dict
    table_head: ParagraphStyle
    table_cell: ParagraphStyle
    note: ParagraphStyle

    def space(self, name: str) -> float:
        return getattr(self.layout.spacing, name) * self.scale.spacing

    @property
    def body_size(self) -> float:
        return self.body.fontSize


def fit_steps(layout: Layout) -> list[Scale]:
    """Spacing steps first, then size steps at the tightest spacing, never below min_body."""
    steps = [Scale(s, 1.0) for s in layout.fit.spacing]
    tight = min(layout.fit.spacing)
    for f in layout.fit.size:
        if f < 1.0 and layout.type.body * f >= layout.type.min_body - 1e-6:
            steps.append(Scale(tight, f))
    floor = layout.type.min_body / layout.type.body
    if floor < 1.0 and all(abs(s.size - floor) > 1e-6 for s in steps):
        steps.append(Scale(tight, floor))
    return steps


def make_styles(layout: Layout, theme: Theme, fonts: FontSet, scale: Scale) -> Styles:
    t = layout.type
    sp = layout.spacing
    k = scale.size
    lead = t.leading

    def style(name, size, font=fonts.regular, colour=theme.text, before=0.0, after=0.0, **kw):
        kw.setdefault("leading", size * k * lead)
        return ParagraphStyle(name, fontName=font, fontSize=size * k,
                              textColor=HexColor(colour), spaceBefore=before * scale.spacing,
                              spaceAfter=after * scale.spacing, **kw)

    body = style("body", t.body, after=sp.paragraph)
    box_titles = {kind: style(f"{kind}-title", t.h3, fonts.bold, theme.box(kind).title, after=2)
                  for kind in ("info", "warning", "red_flag")}
    return Styles(
        layout=layout, theme=theme, fonts=fonts, scale=scale, body=body,
        title=style("title", t.title, fonts.bold, theme.heading, after=2, leading=t.title * k * 1.15),
        subtitle=style("subtitle", t.subtitle, fonts.regular, theme.text, after=sp.block),
        h2=style("h2", t.h2, fonts.bold, theme.heading, before=sp.heading_before, after=sp.heading_after,
                 keepWithNext=1),
        h3=style("h3", t.h3, fonts.bold, theme.accent, before=sp.heading_before * 0.6,
                 after=sp.heading_after * 0.5, keepWithNext=1),
        list_item=style("item", t.body, after=sp.item),
        box_title=box_titles,
        table_head=style("th", t.body, fonts.bold),
        table_cell=style("td", t.body),
        note=style("note", t.body, fonts.italic, after=sp.item),
    )
