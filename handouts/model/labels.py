"""Per-language label tables (content/labels/<lang>.yaml): every word the layout prints itself."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

from pydantic import Field, create_model

from handouts.errors import HandoutError, Problem, display_path
from handouts.model.country import label_locales
from handouts.model.schema import Model, validate
from handouts.model.yamlfile import Document, load

Word = Annotated[str, Field(min_length=1, max_length=200)]
Term = Annotated[str, Field(pattern=r"^[a-z][a-z_]{0,39}$", json_schema_extra={"expect": "a name like therapist"})]
LOCALE = r"^[a-z]{2,3}-[A-Z]{2}$"


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
    words: dict[Term, Word] = {}
    """Words content says as {{ words.<name> }}: terms that differ from place to place, such as
    `therapist` (physical therapist in the US, physiotherapist in the UK). A locale file (en-GB.yaml)
    changes them for clinics there."""


class _LocaleBase(Model):
    locale: Annotated[str, Field(pattern=LOCALE, json_schema_extra={"expect": "a locale like en-GB"})]
    """The locale this file is for, same as the file name."""


# A locale file (content/labels/en-GB.yaml): only the labels that differ from the language's table,
# each as Labels declares it (the schema is declared once).
if TYPE_CHECKING:
    LocaleLabels = _LocaleBase
else:
    LocaleLabels = create_model(
        "LocaleLabels", __base__=_LocaleBase, __doc__="Labels that differ in one locale (en-GB) from the language's.",
        **{name: (Optional[f.annotation], Field(None, description=f.description))
           for name, f in Labels.model_fields.items() if name != "language"})


def date_words(labels: Labels, day) -> str:
    """A date in the language's words: 'December 3, 2026', '3 de diciembre de 2026'."""
    return (labels.date_format.replace("{day}", str(day.day)).replace("{month}", labels.months[day.month - 1])
            .replace("{year}", str(day.year)))


def load_labels(folder: Path, language: str, locale: str | None = None) -> tuple[Labels, list[Document]]:
    """The label table of a language, with its locale's file (labels/en-GB.yaml) over it when there
    is one; and the documents read."""
    labels, doc = _language_labels(folder, language)
    if not locale:
        return labels, [doc]
    tagged = labels.model_copy(update={"bcp47": locale})  # the PDF's /Lang: en-GB, es-MX
    path = next((folder / f"{name}.yaml" for name in label_locales(locale) if (folder / f"{name}.yaml").is_file()),
                None)
    if path is None:
        return tagged, [doc]
    local_doc = load(path)
    local = validate(LocaleLabels, local_doc)
    if local.locale != path.stem:
        raise HandoutError(local_doc.problem(("locale",), f"expected '{path.stem}' (the file name), "
                                                          f"got '{local.locale}'"))
    changes = {name: getattr(local, name) for name in local.model_fields_set if name != "locale"}
    labels = tagged
    if "words" in changes:
        changes["words"] = {**labels.words, **changes["words"]}
    return labels.model_copy(update=changes), [doc, local_doc]


def _language_labels(folder: Path, language: str) -> tuple[Labels, Document]:
    path = folder / f"{language}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml") if "-" not in p.stem)) or "none"
        raise HandoutError(Problem(f"no label table for language '{language}' (expected {display_path(path)}); "
                                   f"available: {known}"))
    doc = load(path)
    labels = validate(Labels, doc)
    if labels.language != language:
        raise HandoutError(doc.problem(("language",), f"expected '{language}' (the file name), "
                                                      f"got '{labels.language}'"))
    return labels, doc
