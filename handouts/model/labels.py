"""Per-language label tables (content/labels/<lang>.yaml): every word the layout prints itself."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from handouts.errors import HandoutError, Problem, display_path
from handouts.model.schema import Model, validate
from handouts.model.yamlfile import Document, load

Word = Annotated[str, Field(min_length=1, max_length=200)]


class Plural(Model):
    one: Word
    """Form for 1; `{n}` is replaced by the number."""
    other: Word
    """Form for any other number."""

    def __call__(self, n: int) -> str:
        return (self.one if n == 1 else self.other).replace("{n}", str(n))


class Labels(Model):
    """Words the layout prints, in one language."""

    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    """Language code, same as the file name."""
    name: Word
    """The language's own name."""
    bcp47: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    """Language tag written to the PDF (/Lang), e.g. en-US."""
    page_of: Word
    """Footer page number; uses {page} and {pages}."""
    reviewed: Word
    """Before the review date."""
    next_review: Word
    """Before the next review date."""
    version: Word
    """Before the version."""
    sources: Word
    """Heading of the sources list."""
    disclaimer: Word
    """The note that the handout does not replace the patient's own clinician."""
    prepared_for: Word
    """Before the clinic's name at the end."""
    exercise_purpose: Word
    """Label before an exercise's purpose."""
    exercise_start: Word
    """Label before the start position."""
    exercise_stop: Word
    """Label before the cautions."""
    dosing_heading: Word
    """Label of the dosing row."""
    sets: Plural
    """'2 sets'."""
    reps: Plural
    """'10 times'."""
    hold: Plural
    """'hold 5 seconds'."""
    minutes: Plural
    """'10 minutes'."""
    per_day: Plural
    """'2 times a day'."""
    per_week: Plural
    """'3 times a week'."""
    sets_label: Word
    """Dosing table header."""
    reps_label: Word
    """Dosing table header."""
    hold_label: Word
    """Dosing table header."""
    minutes_label: Word
    """Dosing table header."""
    how_often_label: Word
    """Dosing table header."""
    days: Annotated[list[Word], Field(min_length=7, max_length=7)]
    """Short day names for the tracker, Monday first."""
    tracker_item: Word
    """First column header of the tracker."""
    scan_hint: Word
    """Printed under a QR code's label."""
    phone: Word
    """Header label."""
    email: Word
    """Header label."""
    website: Word
    """Header label."""
    hours: Word
    """Header label."""


def load_labels(folder: Path, language: str) -> tuple[Labels, Document]:
    path = folder / f"{language}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml"))) or "none"
        raise HandoutError(Problem(f"no label table for language '{language}' (expected {display_path(path)}); "
                                   f"available: {known}"))
    doc = load(path)
    labels = validate(Labels, doc)
    if labels.language != language:
        raise HandoutError(doc.problem(("language",), f"expected '{language}' (the file name), "
                                                      f"got '{labels.language}'"))
    return labels, doc
