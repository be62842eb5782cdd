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

    def form(self, n: int) -> str:
        """The form for n, with `{n}` still in it."""
        return self.one if n == 1 else self.other


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
    reps_each_leg: Plural
    """'10 times with each leg'."""
    reps_each_arm: Plural
    """'10 times with each arm'."""
    reps_each_side: Plural
    """'10 times on each side'."""
    lift: Plural
    """Tempo: 'lift over 2 seconds'."""
    lower: Plural
    """Tempo: 'lower over 3 seconds'."""
    exercise_note: Word
    """Label before a note on an exercise (a program's note from the clinician)."""
    program_title: Word
    """Title of a personal exercise program."""
    program_for: Word
    """Program details: before the patient's name."""
    program_date: Word
    """Program details: before the date it was made."""
    program_from: Word
    """Program details: before the clinician's name and role."""
    program_next: Word
    """Program details: before the follow-up date."""
    program_goals: Word
    """Heading of the patient's goals."""
    program_log: Word
    """Heading of a program's weekly log."""
    months: Annotated[list[Word], Field(min_length=12, max_length=12)]
    """Month names, January first, for dates printed in words."""
    date_format: Word
    """A date in words; uses {day}, {month} and {year}."""
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


def date_words(labels: Labels, day) -> str:
    """A date in the language's words: 'December 3, 2026', '3 de diciembre de 2026'."""
    return (labels.date_format.replace("{day}", str(day.day)).replace("{month}", labels.months[day.month - 1])
            .replace("{year}", str(day.year)))


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
