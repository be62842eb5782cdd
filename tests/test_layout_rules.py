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
