"""Clinic profiles: clinics/<id>/clinic.yaml plus a logo file in the same folder."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from handouts.errors import HandoutError, Problem, display_path
from handouts.layout.logo import Logo, load_logo
from handouts.model.content import SLUG, Text
from handouts.model.country import COUNTRIES
from handouts.model.labels import LOCALE
from handouts.model.layout import Hex
from handouts.model.schema import Model, validate
from handouts.model.yamlfile import Document, load

Short = Annotated[str, Field(min_length=1, max_length=120)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", json_schema_extra={"expect": "a language code like en"})]
# a clinic text that differs by language: one text for every language, or {en: ..., es: ...}
LocaleTag = Annotated[str, Field(pattern=LOCALE, json_schema_extra={"expect": "a locale like en-GB or es-MX"})]
ShortByLanguage = Short | dict[Language, Short]
TextByLanguage = Text | dict[Language, Text]


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
    tagline: ShortByLanguage | None = None
    """An optional short line under the name. One text, or one per language: {en: ..., es: ...}."""
    logo: Annotated[str, Field(min_length=1, max_length=120)]
    """Logo file name inside the clinic's folder: PNG or JPEG, or SVG (drawn as vectors; shapes only, no
    text, pictures, scripts or references outside the file), at most 5 MB."""
    logo_alt: ShortByLanguage | None = None
    """What the logo shows, for screen readers; default '<name> logo'. One text or one per language."""
    address: TextByLanguage
    """Street address, printed in the letterhead under the name (its lines joined by commas). One
    text or one per language."""
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
    hours: ShortByLanguage
    """Opening hours: each line of it a line in the letterhead. One text or one per language."""
    brand: Brand = Brand()
    """Brand colours."""
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$",
                                  json_schema_extra={"expect": "a two-letter country code like US or GB"})]
    """Where the clinic is (ISO 3166 code): it gives the emergency number the handouts tell patients
    to call and the paper they print on by default."""
    locale: LocaleTag | list[LocaleTag] | None = None
    """The locale of each language the clinic prints in, when it is not the language in the clinic's
    country (en-GB for English in GB is the default there): e.g. `[en-US, es-MX]`. It picks the
    words that differ from place to place (content/labels/en-GB.yaml) and the PDF's language tag."""
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
BY_LANGUAGE = ("tagline", "logo_alt", "address", "hours")

@dataclass(frozen=True)
class ClinicProfile:
    id: str
    folder: Path
    clinic: Clinic
    logo: Logo
    doc: Document

    def text(self, name: str, language: str) -> str:
        """A clinic text in a handout's language: the one text, or the one given for that language.
        A text given per language but not in this one is an error, never another language's text."""
        value = getattr(self.clinic, name)
        if not isinstance(value, dict):
            return value or ""
        if language not in value:
            raise HandoutError(self.doc.problem((name,), (
                f"expected a text in '{language}' (the handout's language), got one only in "
                f"{', '.join(value)}; add {language}: ... or give one text for every language")))
        return value[language]

    def locale(self, language: str) -> str:
        """The locale a handout in `language` is printed for: the clinic's `locale` for that language,
        else the language in the clinic's country (en-GB, es-US)."""
        given = self.clinic.locale
        for tag in [given] if isinstance(given, str) else given or []:
            if tag.split("-")[0] == language:
                return tag
        return f"{language}-{self.clinic.country}"

    def logo_alt(self, language: str) -> str:
        return self.text("logo_alt", language) or f"{self.clinic.name} logo"

    def template_fields(self, language: str) -> dict:
        """What templates may use as clinic.* (TEMPLATE_FIELDS), with this clinic's values in a
        handout's language."""
        return {name: self.text(name, language) for name in TEMPLATE_FIELDS}

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
    logo = load_logo(folder, clinic.logo, doc, ("logo",))
    return ClinicProfile(clinic_id, folder, clinic, logo, doc)
