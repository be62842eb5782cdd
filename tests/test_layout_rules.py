"""Layout rules read back from the built PDFs: headings stay with what follows them, callouts stay in one
piece, tracker day labels never break inside a word, exercise cautions are a list; and the reading-level
line of `check` survives a handout with no countable words."""
from __future__ import annotations

from pathlib import Path

import pytest

from handouts.build import Project
from handouts.cli import _reading
from handouts.rendering import RenderedHandout

REPO = Path(__file__).resolve().parent.parent


# -- check: reading level ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, word", [("en", "grade"), ("es", "ease")])
def test_reading_level_without_countable_words_prints_na(lang, word):
    project = Project(REPO)
    hf = next(h for h in project.handout_files(lang) if h.id == "overview")
    handout, doc = project.handout(hf)
    for rendered in (RenderedHandout(handout, doc, []), RenderedHandout(handout, doc, ["", "  ", "..."])):
        text, ok = _reading(rendered)
        assert text.startswith(word) and "n/a" in text, text
        assert ok


def test_reading_level_with_words_still_scored():
    project = Project(REPO)
    hf = next(h for h in project.handout_files("en") if h.id == "overview")
    handout, doc = project.handout(hf)
    text, ok = _reading(RenderedHandout(handout, doc, ["The cat sat on the mat."]))
    assert text.startswith("grade") and "n/a" not in text and ok


# -- the shipped handouts, built once for every language, paper and layout -----------------------------
import re
import shutil

from pypdf import PdfReader

from handouts.cli import main
from handouts.fonts import load_fonts
from handouts.rendering import render_handout
from handouts.templating import plain

COMBOS = [(lang, paper, layout) for lang in ("en", "es") for paper in ("letter", "a4")
          for layout in ("standard", "large-print")]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """root of a copy of the project with output/ built by the default command."""
    root = tmp_path_factory.mktemp("shipped")
    for name in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / name, root / name)
    assert main(["--root", str(root)]) == 0
    return root


def pdfs(root: Path):
    """(lang, paper, layout, handout id, pages as whitespace-squashed text without the footer)."""
    out = []
    for lang, paper, layout in COMBOS:
        for pdf in sorted((root / "output" / "example" / lang / paper / layout).glob("*.pdf")):
            reader = PdfReader(pdf)
            pages = []
            for page in reader.pages:
                text = page.extract_text()
                # the footer (title · reviewed · version, page X of Y) is drawn last on every page
                lines = text.splitlines()
                pages.append(squash("\n".join(lines[:-2])))
            out.append((lang, paper, layout, pdf.stem.split("-")[-1], pages))
    return out


def rendered_blocks(root: Path, lang: str, handout_id: str):
    project = Project(root)
    hf = next(h for h in project.handout_files(lang) if h.id == handout_id)
    handout, doc = project.handout(hf)
    clinic = project.clinic(root / "clinics" / "example")
    return render_handout(handout, doc, clinic.template_fields(), load_fonts()).handout.blocks


def test_tracker_day_labels_never_break_inside_a_word(built):
    seen = 0
    for lang, paper, layout in COMBOS:
        labels, _ = Project(built).labels(lang)
        pdf = built / "output" / "example" / lang / paper / layout / "hamstring-nerve-pain-exercises.pdf"
        lines = [line.strip() for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
        for day in labels.days:
            assert day in lines, f"{lang} {paper} {layout}: day label {day!r} is not one unbroken line"
        seen += 1
    assert seen == len(COMBOS)


LONG_DAYS = [["Mond", "Tues", "Wedn", "Thur", "Frid", "Satu", "Sund"],
             ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]]


@pytest.mark.parametrize("layout", ["standard", "large-print"])
@pytest.mark.parametrize("days", LONG_DAYS, ids=["4-letter", "full"])
def test_tracker_day_columns_fit_the_longest_label(tmp_path, layout, days):
    """Day names longer than the shipped ones (4 letters, or whole words) still never break."""
    root = tmp_path
    for name in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / name, root / name)
    labels = root / "content" / "labels" / "en.yaml"
    labels.write_text(re.sub(r"(?m)^days: .*$", f"days: [{', '.join(days)}]", labels.read_text()))
    assert main(["--root", str(root), "build", "--handout", "exercises", "--layout", layout,
                 "--out", str(root / "out")]) == 0
    pdf = root / "out" / "example" / "en" / "letter" / layout / "hamstring-nerve-pain-exercises.pdf"
    lines = [line.strip() for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
    for day in days:
        assert day in lines


def test_exercise_cautions_are_one_bullet_each(built):
    checked = 0
    for lang, paper, layout, hid, pages in pdfs(built):
        if hid != "exercises":
            continue
        text = " ".join(pages)
        for block in rendered_blocks(built, lang, "exercises"):
            if block.type != "exercise" or len(block.cautions) < 2:
                continue
            cautions = [squash(plain(c)) for c in block.cautions]
            assert "; ".join(cautions) not in text
            for caution in cautions:
                assert f"• {caution}" in text, f"{lang} {paper} {layout}: {caution!r} is not a bullet of its own"
                checked += 1
    assert checked >= 8
