"""Clinics outside the US, set up by files alone (issue 15): the country gives the emergency number,
the paper and the locale's words (physiotherapist, programme); clinic texts may differ by language;
the address prints in the letterhead."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.cli.main import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def project(tmp_path):
    for part in ("content", "layouts", "clinics", "programs"):
        shutil.copytree(REPO / part, tmp_path / part)
    return tmp_path


def clinic(project: Path, cid: str, changes: dict[str, str]) -> Path:
    """A copy of the example clinic under clinics/<cid>, with whole lines of clinic.yaml replaced."""
    folder = project / "clinics" / cid
    shutil.copytree(project / "clinics" / "example", folder)
    text = (folder / "clinic.yaml").read_text()
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / "clinic.yaml").write_text(text)
    return folder


def build(project: Path, folder: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(project), "build", "--clinic", str(folder), "--out", str(project / "out"), *args])
    return code, ""


def text_of(pdf: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages)


def out(project: Path, cid: str, lang: str, paper: str, name: str, layout: str = "standard") -> Path:
    return project / "out" / cid / lang / paper / layout / f"hamstring-nerve-pain-{name}.pdf"


UK = {"country: US ": "country: GB ", "address: 120 River Street, Suite 4, Springfield, IL 62701":
      "address: |\n  14 Mill Lane\n  Leeds LS1 4AB", 'phone_country: "+1"': 'phone_country: "+44"'}


def test_a_uk_clinic_prints_999_physiotherapist_a4_and_en_gb(project, capsys):
    uk = clinic(project, "leeds", UK)
    assert main(["--root", str(project), "build", "--clinic", str(uk), "--handout", "overview",
                 "--out", str(project / "out")]) == 0, capsys.readouterr().err
    pdf = out(project, "leeds", "en", "a4", "overview")  # A4: the UK's paper, without --paper
    reader = PdfReader(pdf)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"
    text = text_of(pdf)
    assert "A physiotherapist can show you what to do." in text
    assert "own doctor or physiotherapist" in text
    assert "physical therapist" not in text
    assert "999" in text and "911" not in text
    # the address, its two lines joined as a letterhead prints them
    assert "14 Mill Lane, Leeds LS1 4AB" in text


def test_a_us_clinic_keeps_physical_therapist_911_and_letter(project, capsys):
    assert main(["--root", str(project), "build", "--handout", "overview", "--out", str(project / "out")]) == 0
    pdf = out(project, "example", "en", "letter", "overview")
    reader = PdfReader(pdf)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-US"
    text = text_of(pdf)
    assert "A physical therapist can show you what to do." in text and "911" in text
    assert "120 River Street, Suite 4, Springfield, IL 62701" in text


def test_australia_uses_the_british_words_with_its_own_number_and_tag(project, capsys):
    au = clinic(project, "perth", {"country: US ": "country: AU "})
    assert main(["--root", str(project), "build", "--clinic", str(au), "--handout", "overview",
                 "--out", str(project / "out")]) == 0, capsys.readouterr().err
    pdf = out(project, "perth", "en", "a4", "overview")
    assert str(PdfReader(pdf).trailer["/Root"]["/Lang"]) == "en-AU"
    text = text_of(pdf)
    assert "physiotherapist" in text and re.search(r"\b000\b", text)


def test_a_clinic_locale_sets_the_spanish_tag(project, capsys):
    mx = clinic(project, "tijuana", {"country: US ": "locale: [en-US, es-MX]\ncountry: US "})
    assert main(["--root", str(project), "build", "--clinic", str(mx), "--handout", "overview", "--lang", "es",
                 "--out", str(project / "out")]) == 0, capsys.readouterr().err
    assert str(PdfReader(out(project, "tijuana", "es", "letter", "overview")).trailer["/Root"]["/Lang"]) == "es-MX"


def test_a_locale_file_of_the_clinic_s_own_wins(project, capsys):
    (project / "content" / "labels" / "en-AU.yaml").write_text(
        "locale: en-AU\nwords:\n  therapist: physio\n")
    au = clinic(project, "perth", {"country: US ": "country: AU "})
    assert main(["--root", str(project), "build", "--clinic", str(au), "--handout", "overview",
                 "--out", str(project / "out")]) == 0, capsys.readouterr().err
    assert "A physio can show you" in text_of(out(project, "perth", "en", "a4", "overview"))


def test_a_bad_locale_file_is_a_located_error(project, capsys):
    (project / "content" / "labels" / "en-GB.yaml").write_text("locale: en-GB\ndisclamer: Not advice.\n")
    uk = clinic(project, "leeds", UK)
    assert main(["--root", str(project), "build", "--clinic", str(uk), "--handout", "overview",
                 "--out", str(project / "out")]) == 1
    err = capsys.readouterr().err
    assert re.search(r"content/labels/en-GB\.yaml:2:1: disclamer: .*did you mean 'disclaimer'", err), err


def test_clinic_texts_by_language(project, capsys):
    # the example clinic gives its tagline and hours in English and Spanish
    assert main(["--root", str(project), "build", "--handout", "prevention", "--lang", "es",
                 "--out", str(project / "out")]) == 0
    text = text_of(out(project, "example", "es", "letter", "prevention"))
    assert "Le ayudamos a moverse con confianza" in text and "Lun-Vie 7:30-19:00, Sáb 8:00-13:00" in text
    assert "Helping you move" not in text and "Mon-Fri" not in text
    assert main(["--root", str(project), "build", "--handout", "prevention", "--out", str(project / "out")]) == 0
    text = text_of(out(project, "example", "en", "letter", "prevention"))
    assert "Helping you move with confidence" in text and "Mon-Fri 7:30am-7pm" in text


def test_a_text_missing_in_the_handout_s_language_is_an_error_not_english(project, capsys):
    en_only = clinic(project, "en-only", {"  es: Le ayudamos a moverse con confianza\n": ""})
    assert main(["--root", str(project), "build", "--clinic", str(en_only), "--handout", "prevention", "--lang", "es",
                 "--out", str(project / "out")]) == 1
    err = capsys.readouterr().err
    assert re.search(r"clinics/en-only/clinic\.yaml:\d+:\d+: tagline: expected a text in 'es' \(the handout's "
                     r"language\), got one only in en", err), err
    assert not (project / "out" / "en-only" / "es").exists()


def test_an_address_too_long_for_the_letterhead_is_a_located_error(project, capsys):
    long = "address: " + ", ".join(["Unit 4, The Old Mill Buildings, Long Industrial Estate Road"] * 4)
    folder = clinic(project, "far", {"address: 120 River Street, Suite 4, Springfield, IL 62701": long})
    assert main(["--root", str(project), "build", "--clinic", str(folder), "--handout", "prevention",
                 "--out", str(project / "out")]) == 1
    err = capsys.readouterr().err
    assert re.search(r"clinics/far/clinic\.yaml:\d+:\d+: address: expected an address that fits two lines under "
                     r"the clinic name at 9 pt, got one about \d+ characters too long; shorten it", err), err


def test_a_uk_program_says_programme(project, capsys):
    clinic(project, "leeds", UK)
    program = project / "programs" / "example.yaml"
    program.write_text(re.sub(r"(?m)^clinic: .*$", "clinic: leeds", program.read_text()))
    assert main(["--root", str(project), "program", str(program), "--out", str(project / "out")]) == 0, \
        capsys.readouterr().err
    pdf = next((project / "out").rglob("*.pdf"))
    assert "Your home exercise programme" in text_of(pdf)


def test_uk_and_us_in_one_batch_give_the_same_bytes_as_alone(project, capsys, tmp_path):
    clinic(project, "leeds", UK)
    manifest = project / "m.yaml"
    manifest.write_text("clinics: [clinics/example, clinics/leeds]\nhandouts: [overview]\nlanguages: [en]\n"
                        "papers: [a4]\nlayouts: [standard]\noutput: out/<clinic>/<handout>.pdf\n")
    assert main(["--root", str(project), "batch", str(manifest), "--jobs", "1"]) == 0, capsys.readouterr().err
    together = (project / "out" / "leeds" / "hamstring-nerve-pain-overview.pdf").read_bytes()
    manifest.write_text(manifest.read_text().replace("[clinics/example, clinics/leeds]", "[clinics/leeds]")
                        .replace("out/<clinic>", "alone/<clinic>"))
    assert main(["--root", str(project), "batch", str(manifest), "--jobs", "1"]) == 0
    assert (project / "alone" / "leeds" / "hamstring-nerve-pain-overview.pdf").read_bytes() == together


def test_check_reads_every_locale_file(project, capsys):
    (project / "content" / "labels" / "en-GB.yaml").write_text("locale: en-GB\nwords: {therapist: 5}\n")
    assert main(["--root", str(project), "check"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"content/labels/en-GB\.yaml:2:\d+: words\.therapist: expected text", err), err


def test_large_print_prints_the_address_once_at_the_end(project, capsys):
    uk = clinic(project, "leeds", UK)
    assert main(["--root", str(project), "build", "--clinic", str(uk), "--handout", "prevention",
                 "--layout", "large-print", "--out", str(project / "out")]) == 0, capsys.readouterr().err
    text = text_of(out(project, "leeds", "en", "a4", "prevention", "large-print"))
    assert "Prepared for you by Riverside Physiotherapy & Sports Care, 14 Mill Lane, Leeds LS1 4AB." in text
    assert text.count("14 Mill Lane") == 1
