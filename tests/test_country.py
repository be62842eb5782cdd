"""A clinic's country, as a UK or US office manager meets it: the red-flag box names the number their
patients call, the paper is the one they print on, and content that writes a number is refused."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def project(tmp_path):
    for part in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / part, tmp_path / part)
    return tmp_path


def _clinic(project: Path, folder: str, replace: dict) -> Path:
    src = project / "clinics" / "example"
    dest = project / "clinics" / folder
    shutil.copytree(src, dest)
    profile = dest / "clinic.yaml"
    text = profile.read_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    profile.write_text(text)
    return dest


def _run(project: Path, *args: str):
    # from inside the project, as a user runs it: messages name files relative to it
    return subprocess.run([sys.executable, str(REPO / "generate.py"), *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


def _text(pdf: Path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)


def test_a_uk_clinic_prints_999_on_a4(project):
    _clinic(project, "st-marys", {"country: US ": "country: GB "})
    done = _run(project, "build", "--clinic", "clinics/st-marys", "--handout", "exercises",
                "--out", "out")
    assert done.returncode == 0, done.stderr
    pdf = project / "out" / "st-marys" / "en" / "a4" / "standard" / "hamstring-nerve-pain-exercises.pdf"
    assert pdf.is_file(), done.stdout
    text = _text(pdf)
    assert "Call 999 right away" in text
    assert "911" not in text
    width, height = (float(v) for v in PdfReader(pdf).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)


def test_a_us_clinic_prints_911_on_letter_in_both_languages(project):
    for lang, phrase in (("en", "Call 911 right away"), ("es", "Llame al 911 de inmediato")):
        done = _run(project, "build", "--handout", "overview", "--lang", lang, "--out", "out")
        assert done.returncode == 0, done.stderr
        pdf = project / "out" / "example" / lang / "letter" / "standard" / "hamstring-nerve-pain-overview.pdf"
        assert phrase in _text(pdf)


def test_a_clinic_may_give_its_own_number(project):
    _clinic(project, "island", {"country: US ": "country: GB ",
                                "brand:": "emergency: {number: \"112\", same_day: \"111\"}\nbrand:"})
    done = _run(project, "build", "--clinic", "clinics/island", "--handout", "prevention",
                "--out", "out")
    assert done.returncode == 0, done.stderr
    assert "Call 112 right away" in _text(next((project / "out" / "island").rglob("*.pdf")))


def test_an_unknown_country_is_a_located_error(project):
    _clinic(project, "far", {"country: US ": "country: ZZ "})
    done = _run(project, "build", "--clinic", "clinics/far", "--out", "out")
    assert done.returncode == 1
    line = next(x for x in done.stderr.splitlines() if x.startswith("error:"))
    assert line.startswith("error: clinics/far/clinic.yaml:")
    assert "expected a country whose emergency number is known" in line and "got 'ZZ'" in line
    assert not (project / "out").exists()


def test_a_clinic_without_a_country_is_told_to_give_one(project):
    _clinic(project, "nowhere", {"country: US ": "# country: US "})
    done = _run(project, "build", "--clinic", "clinics/nowhere", "--out", "out")
    assert done.returncode == 1
    assert "error: clinics/nowhere/clinic.yaml" in done.stderr and "country: required key is missing" in done.stderr


def test_check_refuses_a_number_written_into_content(project):
    path = project / "content" / "hamstring-nerve-pain" / "en" / "prevention.yaml"
    path.write_text(path.read_text().replace("Call {{ emergency.number }} right away", "Call 911 right away"))
    done = _run(project, "check")
    assert done.returncode == 1
    problems = [x for x in done.stderr.splitlines() if "emergency.number" in x]
    assert len(problems) == 1, done.stderr
    assert problems[0].startswith("error: content/hamstring-nerve-pain/en/prevention.yaml:")
    assert "expected {{ emergency.number }}, got the number 911 written into the content" in problems[0]
