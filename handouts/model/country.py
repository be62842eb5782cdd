"""What a clinic's country decides: the emergency and same-day numbers patients are told to call, and
the paper the clinic prints on. Content never writes a number: it says `{{ emergency.number }}`."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    name: str
    emergency: str            # ambulance: what the red-flag box tells a patient to call
    same_day: str | None      # urgent but not an emergency (the UK's NHS 111), where there is one
    paper: str                # letter or a4
    english: str | None = None  # English handouts use this locale's words when it has no file of its own


_EU_112 = {"AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus",
           "CZ": "Czechia", "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France",
           "DE": "Germany", "GR": "Greece", "HU": "Hungary", "IT": "Italy", "LV": "Latvia",
           "LT": "Lithuania", "LU": "Luxembourg", "MT": "Malta", "NL": "Netherlands", "PL": "Poland",
           "PT": "Portugal", "RO": "Romania", "SK": "Slovakia", "SI": "Slovenia", "ES": "Spain",
           "SE": "Sweden", "NO": "Norway", "IS": "Iceland", "CH": "Switzerland"}

COUNTRIES: dict[str, Country] = {
    "US": Country("the United States", "911", None, "letter"),
    "CA": Country("Canada", "911", "811", "letter", "en-GB"),
    "MX": Country("Mexico", "911", None, "letter"),
    "GB": Country("the United Kingdom", "999", "111", "a4", "en-GB"),
    "IE": Country("Ireland", "112", None, "a4", "en-GB"),
    "AU": Country("Australia", "000", None, "a4", "en-GB"),
    "NZ": Country("New Zealand", "111", None, "a4", "en-GB"),
    **{code: Country(name, "112", None, "a4", "en-GB") for code, name in _EU_112.items()},
}

def label_locales(locale: str) -> list[str]:
    """The locale files (content/labels/<locale>.yaml) that may hold a locale's words, first found
    first: en-AU's own, else British English (physiotherapist, programme) as Australia uses it."""
    language, _, country = locale.partition("-")
    like = COUNTRIES[country].english if country in COUNTRIES and language == "en" else None
    return [locale] + ([like] if like and like != locale else [])


# numbers content must not write itself (the clinic's country gives the right one)
LITERAL = re.compile(r"(?<![\d\-+])(911|999|112|000)(?![\d\-])")


def literal_numbers(text: str) -> list[str]:
    """Emergency numbers written into a text instead of `{{ emergency.number }}`."""
    if "{{" in text:
        text = re.sub(r"\{\{.*?\}\}", "", text)
    return LITERAL.findall(text)
