"""The handout content schema: what a content file may say, one docstring per field."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal, Optional, Union

from pydantic import Discriminator, Field, Tag, create_model, model_validator

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


Count = Annotated[int, Field(ge=1, le=100)]
Seconds = Annotated[int, Field(ge=1, le=300)]
Tempo = Annotated[int, Field(ge=1, le=10)]
Sets = Annotated[int, Field(ge=1, le=10)]
Minutes = Annotated[int, Field(ge=1, le=120)]
Sessions = Annotated[int, Field(ge=1, le=10)]
When = Annotated[str, Field(min_length=1, max_length=80)]


class Dosing(Model):
    """How much and how often, printed in plain words ('10 times with each leg · hold 5 seconds ·
    2 times a day · after work') from the language's label table."""

    sets: Sets | None = None
    """Number of sets; 1 or none is not printed."""
    reps: Count | None = None
    """Repetitions (per set, and per side when `each` is given)."""
    each: Literal["leg", "arm", "side"] | None = None
    """The repetitions are for each leg, arm or side: '10 times with each leg'."""
    hold_seconds: Seconds | None = None
    """Seconds to hold each repetition."""
    lift_seconds: Tempo | None = None
    """Tempo: seconds to lift or push ('lift over 2 seconds')."""
    lower_seconds: Tempo | None = None
    """Tempo: seconds to lower or return ('lower over 3 seconds')."""
    minutes: Minutes | None = None
    """Minutes per session (for walking and the like)."""
    times: Sessions
    """Sessions: how many times per `per` (the weekly log has as many boxes a day)."""
    per: Literal["day", "week"]
    """day or week."""
    when: When | None = None
    """When to do it, in the handout's language ('after work', 'before bed')."""

    @model_validator(mode="after")
    def _some_amount(self):
        if self.reps is None and self.hold_seconds is None and self.minutes is None:
            raise ValueError("expected at least one of reps, hold_seconds or minutes")
        if self.reps is None and (self.each or self.lift_seconds or self.lower_seconds):
            raise ValueError("each, lift_seconds and lower_seconds need reps (how many times)")
        return self


class _DoseChange(Model):
    """Changes to an exercise's usual dose: the keys given replace its own; `null` removes one.
    Its fields are Dosing's, each optional (made below, so the dose is declared once)."""

    def apply(self, dosing: Dosing) -> Dosing:
        """The dose with these changes (raises pydantic's ValidationError when the result is not a dose)."""
        return Dosing.model_validate({**dosing.model_dump(exclude_none=True), **self.model_dump(exclude_unset=True)})


if TYPE_CHECKING:
    DoseChange = _DoseChange
else:
    DoseChange = create_model("DoseChange", __base__=_DoseChange, __module__=__name__,
                              **{name: (Optional[f.rebuild_annotation()], None) for name, f in Dosing.model_fields.items()})


class Image(Model):
    file: Annotated[str, Field(min_length=1, max_length=200)]
    """A PNG or JPEG file, relative to the content file, inside its folder."""
    alt: Text
    """What the picture shows, for people who cannot see it."""


class ExerciseBody(Model):
    """An exercise as an exercise library (content/<condition>/library/<lang>.yaml) defines it."""

    id: Slug
    """A short id, unique in the library (and in the handout)."""
    name: Text
    """The exercise's name."""
    log_name: Text | None = None
    """A shorter name for the weekly log of a program (default: the name)."""
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
    note: Text | None = None
    """A note for this patient or this handout, printed under the dose."""


class Exercise(ExerciseBody):
    type: Literal["exercise"]
    """An exercise written out in the handout."""


class ExerciseUse(Model):
    """An exercise taken from the condition's exercise library, by id."""

    type: Literal["exercise"]
    use: Slug
    """The id of an exercise in content/<condition>/library/<lang>.yaml."""
    dosing: DoseChange | None = None
    """Changes to its usual dose."""
    note: Text | None = None
    """A note printed under the dose."""


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
    rows: Annotated[list[Text], Field(max_length=12)] = []
    """Row names; empty means the handout's exercise names."""
    boxes: Annotated[list[Annotated[int, Field(ge=1, le=10)]], Field(max_length=12)] = []
    """Tick boxes a day for each row (default 1): as many as the sessions a day prescribed."""


class QR(Model):
    type: Literal["qr"]
    url: Url
    """The address the code opens."""
    label: Text
    """Printed beside the code."""
    alt: Text | None = None
    """What a screen reader says; default: the label and the address."""


BLOCK_TYPES = {"heading": Heading, "paragraph": Paragraph, "bullets": Bullets, "steps": Steps, "callout": Callout,
               "facts": Facts, "exercise": Exercise, "checklist": Checklist, "tracker": Tracker, "qr": QR}


def _block_tag(value) -> str | None:
    """Which block model a mapping is: its `type`, and an exercise with `use:` is a library reference."""
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "exercise" and "use" in value:
            return "exercise-use"
        return kind if isinstance(kind, str) and kind in BLOCK_TYPES else None
    kind = getattr(value, "type", None)
    return "exercise-use" if isinstance(value, ExerciseUse) else kind


Block = Annotated[Union[Annotated[Heading, Tag("heading")], Annotated[Paragraph, Tag("paragraph")],
                        Annotated[Bullets, Tag("bullets")], Annotated[Steps, Tag("steps")],
                        Annotated[Callout, Tag("callout")], Annotated[Facts, Tag("facts")],
                        Annotated[Exercise, Tag("exercise")], Annotated[Checklist, Tag("checklist")],
                        Annotated[Tracker, Tag("tracker")], Annotated[QR, Tag("qr")],
                        Annotated[ExerciseUse, Tag("exercise-use")]],
                  Discriminator(_block_tag, custom_error_type="union_tag_invalid",
                                custom_error_context={"discriminator": "'type'", "tag": "", "expected_tags": ", ".join(f"'{t}'" for t in BLOCK_TYPES)})]


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
        ids = [b.id if isinstance(b, Exercise) else b.use for b in self.blocks if isinstance(b, (Exercise, ExerciseUse))]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"exercise ids must be unique, repeated: {', '.join(dupes)}")
        return self


class ExerciseLibrary(Model):
    """content/<condition>/library/<lang>.yaml: every exercise of a condition in one language, defined
    once; the condition's exercise guide and every program take them from here by id."""

    condition: Slug
    """The condition folder this library belongs to."""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", json_schema_extra={"expect": "a language code like en"})]
    """Language code (the file name)."""
    exercises: Annotated[list[ExerciseBody], Field(min_length=1, max_length=200)]
    """The exercises."""

    @model_validator(mode="after")
    def _unique(self):
        ids = [e.id for e in self.exercises]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"exercise ids must be unique, repeated: {', '.join(dupes)}")
        return self
