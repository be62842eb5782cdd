"""The handout content schema: what a content file may say, one docstring per field."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from handouts.figures.model import ExerciseFigure
from handouts.model.schema import Model

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG, max_length=60,
                            json_schema_extra={"expect": "a short id of lower-case letters, digits and dashes"})]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Url = Annotated[str, Field(pattern=r"^https://[^\s<>\"]+$", max_length=500,
                           json_schema_extra={"expect": "a web address starting with https://"})]


class Source(Model):
    publisher: Text
    """Who published it, e.g. NHS, NICE, MedlinePlus, AAOS."""
    title: Text
    """The page or guideline title."""
    url: Url
    """Where a reader can find it."""


class Review(Model):
    version: Annotated[str, Field(pattern=r"^\d+(\.\d+){0,2}$",
                                  json_schema_extra={"expect": "a version like 1.0"})]
    """Content version, printed on every page."""
    reviewed: dt.date
    """The date a clinician last reviewed the content (also the PDF's creation date)."""
    next_review: dt.date
    """When the content must be reviewed again."""

    @model_validator(mode="after")
    def _order(self):
        if self.next_review <= self.reviewed:
            raise ValueError(f"next_review ({self.next_review}) must come after reviewed ({self.reviewed})")
        return self


class ReadingLevel(Model):
    max_grade: Annotated[float, Field(ge=1, le=16)] | None = None
    """English: the highest Flesch-Kincaid grade allowed."""
    min_ease: Annotated[float, Field(ge=0, le=100)] | None = None
    """Spanish: the lowest Fernandez-Huerta reading ease allowed."""


class Heading(Model):
    type: Literal["heading"]
    text: Text
    """The heading text."""
    level: Literal[2, 3] = 2
    """2 for a section, 3 for a sub-section."""


class Paragraph(Model):
    type: Literal["paragraph"]
    text: Text
    """One short paragraph."""


class Bullets(Model):
    type: Literal["bullets"]
    title: Text | None = None
    """An optional bold line above the list."""
    items: Annotated[list[Text], Field(min_length=1, max_length=20)]
    """One idea per bullet."""


class Steps(Model):
    type: Literal["steps"]
    title: Text | None = None
    """An optional bold line above the steps."""
    items: Annotated[list[Text], Field(min_length=1, max_length=20)]
    """Printed as a numbered list."""


class Callout(Model):
    type: Literal["callout"]
    kind: Literal["info", "warning", "red_flag"]
    """info (blue), warning (amber) or red_flag (red, for emergencies)."""
    title: Text
    """The box's heading."""
    text: Text | None = None
    """An optional paragraph."""
    items: Annotated[list[Text], Field(max_length=12)] = []
    """Optional bullets."""


class FactRow(Model):
    label: Text
    """Left column."""
    value: Text
    """Right column."""


class Facts(Model):
    type: Literal["facts"]
    title: Text | None = None
    """An optional caption above the table."""
    rows: Annotated[list[FactRow], Field(min_length=1, max_length=12)]
    """The table rows."""


class Dosing(Model):
    sets: Annotated[int, Field(ge=1, le=10)]
    """Number of sets."""
    reps: Annotated[int, Field(ge=1, le=100)] | None = None
    """Repetitions per set."""
    hold_seconds: Annotated[int, Field(ge=1, le=300)] | None = None
    """Seconds to hold each repetition."""
    minutes: Annotated[int, Field(ge=1, le=120)] | None = None
    """Minutes per session (for walking and the like)."""
    times: Annotated[int, Field(ge=1, le=10)]
    """How many times per `per`."""
    per: Literal["day", "week"]
    """day or week."""

    @model_validator(mode="after")
    def _some_amount(self):
        if self.reps is None and self.hold_seconds is None and self.minutes is None:
            raise ValueError("expected at least one of reps, hold_seconds or minutes")
        return self


class Image(Model):
    file: Annotated[str, Field(min_length=1, max_length=200)]
    """A PNG or JPEG file, relative to the content file, inside its folder."""
    alt: Text
    """What the picture shows, for people who cannot see it."""


class Exercise(Model):
    type: Literal["exercise"]
    id: Slug
    """A short id, unique in the handout."""
    name: Text
    """The exercise's name."""
    purpose: Text
    """What it is for, in one sentence."""
    start: Text
    """The start position."""
    steps: Annotated[list[Text], Field(min_length=2, max_length=6)]
    """Numbered steps."""
    dosing: Dosing
    """How much and how often."""
    cautions: Annotated[list[Text], Field(max_length=6)] = []
    """When to stop."""
    image: Image | None = None
    """An optional picture (a clinic's own photo or drawing); it takes the place of `figure`."""
    figure: ExerciseFigure | None = None
    """A drawing of the exercise made from poses (see docs/figures.md)."""


class Checklist(Model):
    type: Literal["checklist"]
    title: Text | None = None
    """An optional bold line above the list."""
    items: Annotated[list[Text], Field(min_length=1, max_length=15)]
    """Printed with empty tick boxes."""


class Tracker(Model):
    type: Literal["tracker"]
    title: Text | None = None
    """An optional heading for the log."""
    days: Annotated[int, Field(ge=1, le=7)] = 7
    """How many day columns."""
    rows: Annotated[list[Text], Field(max_length=10)] = []
    """Row names; empty means the handout's exercise names."""


class QR(Model):
    type: Literal["qr"]
    url: Url
    """The address the code opens."""
    label: Text
    """Printed beside the code."""
    alt: Text | None = None
    """What a screen reader says; default: the label and the address."""


Block = Annotated[Union[Heading, Paragraph, Bullets, Steps, Callout, Facts, Exercise, Checklist, Tracker, QR],
                  Field(discriminator="type")]


class Handout(Model):
    """One handout in one language."""

    id: Slug
    """The handout id, the same in every language (file name without .yaml)."""
    condition: Slug
    """The condition folder this handout belongs to."""
    kind: Literal["overview", "exercises", "prevention"]
    """What sort of handout this is."""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", json_schema_extra={"expect": "a language code like en"})]
    """Language code; picks the label table."""
    title: Text
    """Printed at the top and used as the PDF title."""
    subtitle: Text | None = None
    """One line under the title."""
    pages: Literal[1, 2]
    """Page budget in the standard layout."""
    reading_level: ReadingLevel = ReadingLevel()
    """Reading-level target; defaults by language."""
    review: Review
    """Version and review dates."""
    sources: Annotated[list[Source], Field(min_length=1, max_length=8)]
    """Where the facts come from."""
    keywords: Annotated[list[Text], Field(max_length=20)] = []
    """PDF keywords."""
    blocks: Annotated[list[Block], Field(min_length=1, max_length=80)]
    """The body, in reading order."""

    @model_validator(mode="after")
    def _red_flag(self):
        if not any(isinstance(b, Callout) and b.kind == "red_flag" for b in self.blocks):
            raise ValueError("every handout needs a red-flag box: a callout with kind: red_flag")
        ids = [b.id for b in self.blocks if isinstance(b, Exercise)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"exercise ids must be unique, repeated: {', '.join(dupes)}")
        return self
