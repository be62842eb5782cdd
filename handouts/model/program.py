"""The program file schema: one patient's exercises, chosen by a clinician (programs/<anything>.yaml)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

from handouts.model.content import SLUG, DoseChange
from handouts.model.schema import Model


def _no_template(text: str) -> str:
    # a program's words are printed as written: never read as a template ({{ ... }})
    if "{" in text or "}" in text:
        raise ValueError("expected text without { or }")
    return text


Words = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_no_template)]
ExerciseId = Annotated[str, Field(pattern=r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=121,
                                  json_schema_extra={"expect": "an exercise id like bridge, or condition/id"})]
Slug = Annotated[str, Field(pattern=SLUG, max_length=60,
                            json_schema_extra={"expect": "a short id of lower-case letters, digits and dashes"})]


class Clinician(Model):
    name: Words
    """The clinician's name, as the patient knows them."""
    role: Words | None = None
    """Their role, e.g. Physiotherapist."""


class Chosen(Model):
    """One exercise of the program."""

    use: ExerciseId
    """The exercise's id in its condition's library (content/<condition>/library/<lang>.yaml);
    `condition/id` when two conditions have an exercise of that id."""
    dosing: DoseChange | None = None
    """Changes to its usual dose, e.g. {reps: 15, times: 1}; `null` removes a part."""
    note: Words | None = None
    """A note for this patient, printed under the dose."""


class Program(Model):
    """A personal exercise program for one patient."""

    clinic: Annotated[str, Field(min_length=1, max_length=300)]
    """The clinic: a folder name under clinics/ (as `list` shows it) or a path to a clinic folder."""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", json_schema_extra={"expect": "a language code like en"})]
    """The language of the program."""
    paper: Annotated[str, Field(pattern=r"^(letter|a4)$", json_schema_extra={"expect": "letter or a4"})] | None = None
    """letter or a4 (default: the clinic's, from its country)."""
    layout: Slug = "standard"
    """A layout id from layouts/."""
    patient: Words | None = None
    """The patient's name, printed at the top; leave it out for an anonymous program."""
    date: dt.date
    """The date the program was made (printed, and the PDF's date)."""
    clinician: Clinician | None = None
    """Who made the program."""
    goals: Words | None = None
    """The patient's goals, in their words."""
    exercises: Annotated[list[Chosen], Field(min_length=1, max_length=12)]
    """The exercises, in the order to do them."""
    follow_up: dt.date | None = None
    """The next visit or review."""
    attach: Annotated[list[Slug], Field(max_length=6)] = []
    """Handouts to add with --packet, e.g. [overview, prevention] (ids of the first exercise's condition)."""
