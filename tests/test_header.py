"""The letterhead never drops the clinic's words: a long name wraps and steps down, every line of the
opening hours prints, and what cannot fit is a located error (issue 15)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
LONG = "St. Mary's Physical Therapy & Rehab Center of Greater Springfield"


@pytest.fixture()
def project(tmp_path):
    for part in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / part, tmp_path / part)
    return tmp_path


def _clinic(project: Path, replace: dict, banner: bool = False) -> None:
    profile = project / "clinics" / "example" / "clinic.yaml"
    text = profile.read_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    profile.write_text(text)
    if banner:  # a wide banner logo, 1200 x 200
        Image.new("RGB", (1200, 200), "#17406E").save(project / "clinics" / "example" / "logo.png")


def _build(project: Path, *args: str):
    return subprocess.run([sys.executable, str(REPO / "generate.py"), "build", "--handout", "prevention",
                           "--out", "out", *args], cwd=project, capture_output=True, text=True, timeout=300)


def _first_page_words(project: Path) -> list[str]:
    pdf = next((project / "out").rglob("*.pdf"))
    return (PdfReader(pdf).pages[0].extract_text() or "").split()


@pytest.mark.parametrize("paper,layout", [("a4", "large-print"), ("a4", "standard"), ("letter", "large-print")])
def test_a_long_name_with_a_banner_logo_prints_whole(project, paper, layout):
    _clinic(project, {"name: Riverside Physiotherapy & Sports Care": f"name: {LONG}"}, banner=True)
    done = _build(project, "--paper", paper, "--layout", layout)
    assert done.returncode == 0, done.stderr
    words = _first_page_words(project)
    for word in LONG.split():
        assert word in words, (word, words[:30])


def test_hours_over_two_lines_print_as_two_lines(project):
    _clinic(project, {"  en: Mon-Fri 7:30am-7pm, Sat 8am-1pm": "  en: |\n    Mon-Fri 8am-8pm\n    Sat 9am-1pm"})
    done = _build(project)
    assert done.returncode == 0, done.stderr
    pdf = next((project / "out").rglob("*.pdf"))
    lines = [x.strip() for x in (PdfReader(pdf).pages[0].extract_text() or "").splitlines()]
    assert "Mon-Fri 8am-8pm" in lines and "Sat 9am-1pm" in lines, lines[:12]


def test_a_name_written_over_two_lines_prints_as_one_name(project):
    _clinic(project, {"name: Riverside Physiotherapy & Sports Care": "name: >-\n  Riverside Physiotherapy\n  & Sports Care"})
    done = _build(project)
    assert done.returncode == 0, done.stderr
    assert "Riverside Physiotherapy & Sports Care" in " ".join(_first_page_words(project))


def test_a_name_that_cannot_fit_is_a_located_error(project):
    huge = " ".join(["Springfield Physical Therapy"] * 8)
    _clinic(project, {"name: Riverside Physiotherapy & Sports Care": f"name: {huge[:118]}"}, banner=True)
    done = _build(project, "--paper", "a4", "--layout", "large-print")
    assert done.returncode == 1
    errors = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("error: clinics/example/clinic.yaml:2:1: name: expected a clinic name that fits "
                                "two lines of the letterhead at 9 pt")
    assert "characters too long" in errors[0] and "(Large print, a4)" in errors[0]
    assert not (project / "out").exists()
