"""Clinic profiles: clinics/<id>/clinic.yaml plus a logo file in the same folder."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from handouts.errors import HandoutError, Problem, display_path
from handouts.layout.images import Picture, load_picture
from handouts.model.content import SLUG, Text
from handouts.model.country import COUNTRIES
from handouts.model.layout import Hex
from handouts.model.schema import Model, validate
from handouts.model.yamlfile import Document, load

Short = Annotated[str, Field(min_length=1, max_length=120)]


class Brand(Model):
    primary: Hex | None = None
    """Main brand colour: headings and the header rule. Must reach 4.5:1 against white."""
    accent: Hex | None = None
    """Second colour: exercise names and list numbers. Must reach 4.5:1 against white."""


Number = Annotated[str, Field(pattern=r"^[0-9]{2,6}$", json_schema_extra={"expect": "a short number of "
                                                                                     "digits like 999"})]


class Emergency(Model):
    number: Number
    """The emergency number patients call (ambulance)."""
    same_day: Number | None = None
    """A number for urgent care that is not an emergency, if the country has one (NHS 111)."""


class Clinic(Model):
    """A clinic profile."""

    name: Short
    """The clinic's name, printed on every page and used as the PDF author."""
    tagline: Short | None = None
    """An optional short line under the name."""
    logo: Annotated[str, Field(min_length=1, max_length=120)]
    """Logo file name (PNG or JPEG) inside the clinic's folder."""
    logo_alt: Short | None = None
    """What the logo shows, for screen readers; default '<name> logo'."""
    address: Text
    """Street address."""
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ()./-]{5,30}$",
                                json_schema_extra={"expect": "a phone number of digits, spaces, ( ) . - and +"})]
    """Phone number patients call, as it is printed."""
    phone_country: Annotated[str, Field(pattern=r"^\+[0-9]{1,3}$",
                                        json_schema_extra={"expect": "a country calling code like +1 or +44"})] | None = None
    """Country calling code for the phone's tap-to-call link (tel:+1...), when the phone is printed
    without one; a phone number that starts with + needs none."""
    email: Annotated[str, Field(pattern=r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$", max_length=120,
                                json_schema_extra={"expect": "an email address like front@clinic.org"})]
    """Email address."""
    website: Annotated[str, Field(pattern=r"^https://[^\s<>\"]+$", max_length=200,
                                  json_schema_extra={"expect": "a web address starting with https://"})]
    """Web address."""
    hours: Short
    """Opening hours, one line."""
    brand: Brand = Brand()
    """Brand colours."""
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$",
                                  json_schema_extra={"expect": "a two-letter country code like US or GB"})]
    """Where the clinic is (ISO 3166 code): it gives the emergency number the handouts tell patients
    to call and the paper they print on by default."""
    emergency: Emergency | None = None
    """The emergency (and same-day) number, when the country's is not the one to print or the
    country is not in the table (handouts/model/country.py)."""

    @model_validator(mode="after")
    def _known_country(self):
        if self.emergency is None and self.country not in COUNTRIES:
            raise ValueError(f"expected a country whose emergency number is known ({', '.join(sorted(COUNTRIES))}), "
                             f"got {self.country!r}; or give it: emergency: {{number: ...}}")
        return self

    def emergency_numbers(self) -> Emergency:
        if self.emergency is not None:
            return self.emergency
        known = COUNTRIES[self.country]
        return Emergency(number=known.emergency, same_day=known.same_day)

    @property
    def paper(self) -> str:
        """The paper the clinic prints on unless told otherwise."""
        return COUNTRIES[self.country].paper if self.country in COUNTRIES else "a4"


# what a content template may insert as clinic.<name>
TEMPLATE_FIELDS = ("name", "tagline", "address", "phone", "email", "website", "hours")

@dataclass(frozen=True)
class ClinicProfile:
    id: str
    folder: Path
    clinic: Clinic
    logo: Picture
    doc: Document

    @property
    def logo_alt(self) -> str:
        return self.clinic.logo_alt or f"{self.clinic.name} logo"

    def template_fields(self) -> dict:
        """What templates may use as clinic.* (TEMPLATE_FIELDS), with this clinic's values."""
        return {name: getattr(self.clinic, name) or "" for name in TEMPLATE_FIELDS}

    def emergency_fields(self) -> dict:
        """What templates may use as emergency.*: the numbers from the clinic's country."""
        e = self.clinic.emergency_numbers()
        return {"number": e.number, "same_day": e.same_day or ""}


def blank_template_fields() -> dict:
    """The fields a template may use, every one blank: the handout's own text without any clinic."""
    return dict.fromkeys(TEMPLATE_FIELDS, "")


def load_clinic(folder: Path) -> ClinicProfile:
    """Load and check a clinic folder: its profile, every field, and its logo."""
    clinic_id = folder.name
    if not re.match(SLUG, clinic_id):
        raise HandoutError(Problem("a clinic folder name must be a short id of lower-case letters, digits "
                                   f"and dashes, got {clinic_id!r}", display_path(folder)))
    if not folder.is_dir():
        raise HandoutError(Problem("clinic folder not found", display_path(folder)))
    doc = load(folder / "clinic.yaml")
    clinic = validate(Clinic, doc)
    logo = load_picture(folder, clinic.logo, doc, ("logo",))
    return ClinicProfile(clinic_id, folder, clinic, logo, doc)
