"""Layout definitions (layouts/*.yaml): paper, margins, type scale, spacing, colours, block styles.

A layout may `extends:` another; its keys are merged over the parent's (a cascade, as in rst2pdf).
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from handouts.errors import HandoutError, Problem, display_path
from handouts.model.content import SLUG
from handouts.model.schema import Model, validate
from handouts.model.yamlfile import Document, load

MIN_BODY = 144  # points (2 inches): the narrowest column and the shortest body a handout can use
Hex = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", json_schema_extra={"expect": "a colour like #1F4E79"})]
Points = Annotated[float, Field(ge=0, le=400)]
Size = Annotated[float, Field(ge=6, le=72)]


class BrandColour(Model):
    brand: Literal["primary", "accent"]
    """Which clinic brand colour to use."""
    fallback: Hex
    """Used when the clinic gives no such colour."""


Colour = Union[Hex, BrandColour]


class Margins(Model):
    top: Points
    """Top margin, points (1/72 inch)."""
    bottom: Points
    """Bottom margin, points."""
    left: Points
    """Left margin, points."""
    right: Points
    """Right margin, points."""


class Header(Model):
    height: Annotated[float, Field(ge=20, le=200)]
    """Height of the header band, points."""
    logo_width: Annotated[float, Field(ge=10, le=300)]
    """Widest the logo may be, points."""
    logo_height: Annotated[float, Field(ge=10, le=200)]
    """Tallest the logo may be, points; the logo keeps its aspect ratio inside this box."""
    show: list[Literal["logo", "clinic_name", "tagline", "address", "contacts"]]
    """What the header shows, left to right: the tagline and the clinic's address under its name."""
    rule: bool = True
    """Draw a brand-coloured line under the header."""


class Footer(Model):
    height: Annotated[float, Field(ge=10, le=120)]
    """Height of the footer band, points."""
    show: list[Literal["title", "reviewed", "version", "page"]]
    """What the footer shows."""


class TypeScale(Model):
    body: Size
    """Body text size, points."""
    leading: Annotated[float, Field(ge=1.0, le=2.0)]
    """Line height as a multiple of the size."""
    title: Size
    """Handout title size."""
    subtitle: Size
    """Subtitle size."""
    h2: Size
    """Section heading size."""
    h3: Size
    """Sub-section and exercise name size."""
    header: Size
    """Clinic name in the header."""
    small: Size
    """Header contacts and footer size."""
    min_body: Size
    """Fitting never takes body text below this size."""


class Spacing(Model):
    paragraph: Points
    """Space after a paragraph."""
    block: Points
    """Space between blocks."""
    heading_before: Points
    """Space above a section heading."""
    heading_after: Points
    """Space below a section heading."""
    item: Points
    """Space between list items."""


class Fit(Model):
    spacing: Annotated[list[Annotated[float, Field(gt=0, le=1)]], Field(min_length=1)]
    """Spacing factors tried in order, before any size step."""
    size: Annotated[list[Annotated[float, Field(gt=0, le=1)]], Field(min_length=1)]
    """Size factors tried in order (with the smallest spacing), until body would go below min_body."""


class CalloutColours(Model):
    fill: Hex
    """Background of the box."""
    border: Colour
    """Border and title band colour."""
    title: Colour
    """Title text colour (checked for contrast against the fill)."""


class Colours(Model):
    text: Colour
    """Body text."""
    heading: Colour
    """Title and headings."""
    accent: Colour
    """Exercise names, list numbers, header rule."""
    rule: Hex
    """Thin lines and table borders."""
    table_fill: Hex
    """Background of table header cells."""
    info: CalloutColours
    """Info boxes."""
    warning: CalloutColours
    """Warning boxes."""
    red_flag: CalloutColours
    """Red-flag (emergency) boxes."""


class FigureStyle(Model):
    place: Literal["beside", "above"] = "beside"
    """Where an exercise's figure goes: beside its steps, or above them (large print)."""
    side: Literal["right", "left"] = "right"
    """Which side of the steps the figure takes when beside them."""
    width: Annotated[float, Field(ge=60, le=400)] = 140
    """The most width a figure may take, points."""
    height: Annotated[float, Field(ge=40, le=300)] = 92
    """The most height a figure may take, points (its aspect is kept)."""


class BlockStyles(Model):
    bullet_indent: Points
    """Indent of bullet and numbered lists."""
    callout_padding: Points
    """Inner padding of callout boxes."""
    callout_border: Annotated[float, Field(ge=0, le=6)]
    """Border width of callout boxes."""
    red_flag_border: Annotated[float, Field(ge=0, le=8)]
    """Border width of red-flag boxes (thicker: they must stand out)."""
    exercise_rule: bool
    """Draw a line above each exercise."""
    facts_label_width: Annotated[float, Field(ge=0.2, le=0.6)]
    """Share of the width the facts table's label column takes."""
    tick_box: Annotated[float, Field(ge=6, le=30)]
    """Size of checklist and tracker tick boxes, points."""
    qr_size: Annotated[float, Field(ge=40, le=200)]
    """Printed size of QR codes, points (at least 0.6 inch scans well)."""
    figure: FigureStyle = FigureStyle()
    """Exercise figures: where and how large."""


class Layout(Model):
    """A layout: how every handout looks. Change the file alone and every handout restyles."""

    name: str
    """A display name."""
    description: str = ""
    """What it is for."""
    extends: Annotated[str, Field(pattern=SLUG)] | None = None
    """Another layout whose keys this one overrides."""
    page_factor: Literal[1, 2] = 1
    """Multiplies each handout's page budget (large print needs the room)."""
    columns: Literal[1, 2] = 1
    """Body columns."""
    column_gap: Points = 18
    """Space between columns."""
    margins: Margins
    """Page margins."""
    header: Header
    """The running header."""
    footer: Footer
    """The running footer."""
    type: TypeScale
    """Sizes."""
    spacing: Spacing
    """Vertical spacing."""
    fit: Fit
    """How to shrink to fit the page budget."""
    colours: Colours
    """Colours, bound to the clinic brand with fallbacks."""
    blocks: BlockStyles
    """Per-block-type style."""

    @model_validator(mode="after")
    def _floor(self):
        if self.type.body < self.type.min_body:
            raise ValueError(f"type.body ({self.type.body}) is below type.min_body ({self.type.min_body})")
        if self.type.min_body < 12:
            raise ValueError(f"type.min_body must be at least 12 pt for patient handouts, got {self.type.min_body}")
        # the body must keep some room on the smaller side of either paper (A4 595 pt wide, Letter 792 pt
        # tall); otherwise reportlab fails deep inside with negative widths and blames the content
        column = (595 - self.margins.left - self.margins.right - self.column_gap * (self.columns - 1)) / self.columns
        if column < MIN_BODY:
            raise ValueError(f"the margins and column gap leave a body column {column:.0f} pt wide on A4; "
                             f"at least {MIN_BODY} pt is needed")
        height = 792 - self.margins.top - self.margins.bottom - self.header.height - self.footer.height - 12
        if height < MIN_BODY:
            raise ValueError(f"the margins, header and footer leave a body {height:.0f} pt tall on Letter; "
                             f"at least {MIN_BODY} pt is needed")
        return self


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_layout(folder: Path, layout_id: str, _seen: tuple = ()) -> tuple[Layout, Document]:
    """Load layouts/<id>.yaml with its `extends` chain resolved; errors point into the right file."""
    import re
    if not re.match(SLUG, layout_id):
        raise HandoutError(Problem(f"layout id must be a short id of lower-case letters, digits and dashes, "
                                   f"got {layout_id!r}"))
    path = folder / f"{layout_id}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml"))) or "none"
        raise HandoutError(Problem(f"unknown layout '{layout_id}'; available: {known}", display_path(folder)))
    doc = load(path)
    if not isinstance(doc.data, dict):
        raise HandoutError(doc.problem((), "expected a mapping of layout keys"))
    parent = doc.data.get("extends")
    if isinstance(parent, str):
        if parent in _seen + (layout_id,):
            raise HandoutError(doc.problem(("extends",), f"layouts extend each other in a loop: {parent}"))
        _, parent_doc = load_layout(folder, parent, _seen + (layout_id,))
        merged = _merge(parent_doc.data, {k: v for k, v in doc.data.items() if k != "extends"})
        marks = dict(parent_doc.marks)
        marks.update(doc.marks)
        # errors in inherited keys point at the parent file; we keep the child's file for its own keys
        doc = Document(merged, doc.file, marks)
    return validate(Layout, doc), doc
