"""Drawings recorded for one clinic and replayed for the next (handouts/replay.py) must give exactly
the PDF that drawing them afresh gives, with the second clinic's own colours and text."""
import io
import re
import shutil

import pytest
from pypdf import PdfReader

from handouts import build as B
from handouts.build import Project
from handouts.layout.theme import resolve_theme
from handouts.reuse.replay import _STANDINS, _ops, neutral_theme

OTHER = {"name": "Lakeside Ünited Spine & Sports Clinic", "primary": "#5A1E6B", "accent": "#7A3B00",
         "phone": "(312) 555-0199"}


def _clinic_copy(project, folder, name, primary, accent, phone):
    src = project / "clinics" / "example"
    dst = project / "clinics" / folder
    shutil.copytree(src, dst)
    text = (src / "clinic.yaml").read_text(encoding="utf-8")
    text = text.replace("Riverside Physiotherapy & Sports Care", name).replace("(217) 555-0142", phone)
    text = text.replace('"#17406E"', f'"{primary}"').replace('"#1F6F5C"', f'"{accent}"')
    (dst / "clinic.yaml").write_text(text, encoding="utf-8")
    return dst


def _content(pdf_bytes) -> str:
    """Every page's content stream, decoded."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)


@pytest.mark.parametrize("layout_id", ["standard", "large-print"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_replayed_drawings_give_the_same_bytes_as_drawing_afresh(project, paper, layout_id):
    other = _clinic_copy(project, "other", **OTHER)
    example = project / "clinics" / "example"
    for lang in ("en", "es"):
        for hf in Project(project).select(None, lang):
            alone = Project(project)
            fresh = B.build_handout(alone, alone.clinic(other), hf, layout_id, paper)
            warm = Project(project)
            B.build_handout(warm, warm.clinic(example), hf, layout_id, paper)
            replayed = B.build_handout(warm, warm.clinic(other), hf, layout_id, paper)
            assert replayed.replayed >= 10, (hf.name, "nothing was replayed")
            assert replayed.pdf == fresh.pdf, (hf.name, lang, paper, layout_id)


def _example_then_other(project, handout_id: str):
    """The handout built for the example clinic, then for another, in one project (so replayed)."""
    other = _clinic_copy(project, "other", **OTHER)
    p = Project(project)
    hf = next(h for h in p.select(None, "en") if h.id == handout_id)
    first = B.build_handout(p, p.clinic(project / "clinics" / "example"), hf, "standard", "letter")
    return first, B.build_handout(p, p.clinic(other), hf, "standard", "letter")


def test_each_clinic_gets_its_own_colours_and_name(project):
    first, second = _example_then_other(project, "exercises")
    a, b = _content(first.pdf), _content(second.pdf)
    for standin in _STANDINS:  # no stand-in colour is left in any page
        for op in _ops(standin):
            assert op not in a and op not in b
    # the accent colour (exercise names, list numbers) is each clinic's own
    assert _ops("#1F6F5C")[0] in a and _ops("#1F6F5C")[0] not in b
    assert _ops("#7A3B00")[0] in b and _ops("#7A3B00")[0] not in a
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(second.pdf)).pages)
    assert "Lakeside Ünited Spine" in text and "Riverside" not in text
    assert "(312) 555-0199" in text


def test_a_theme_that_uses_a_standin_colour_is_drawn_in_its_own_colours(project):
    standin = _STANDINS[1]
    folder = _clinic_copy(project, "odd", name="Odd Colour Clinic", primary=standin, accent="#7A3B00",
                          phone="(217) 555-0142")
    p = Project(project)
    layout, layout_doc = p.layout("standard")
    theme = resolve_theme(layout, layout_doc, p.clinic(folder))
    neutral, recolour = neutral_theme(theme)
    assert recolour is None and neutral == theme
    hf = next(h for h in p.select(None, "en") if h.id == "exercises")
    built = B.build_handout(p, p.clinic(folder), hf, "standard", "letter")
    assert _ops(standin)[0] in _content(built.pdf)  # the headings, in the clinic's colour


def test_each_clinic_gets_its_own_phone_link(project):
    """Text with the clinic's phone number is the clinic's own: never another clinic's replayed link."""
    first, second = _example_then_other(project, "overview")

    def uris(pdf):
        found = []
        for page in PdfReader(io.BytesIO(pdf)).pages:
            for annot in page.get("/Annots") or []:
                found.append(str(annot.get_object()["/A"]["/URI"]))
        return found
    assert "tel:+12175550142" in uris(first.pdf)
    assert "tel:+13125550199" in uris(second.pdf) and "tel:+12175550142" not in uris(second.pdf)


def test_font_codes_do_not_depend_on_the_clinic(project):
    """The handout's own text is written with the same glyph codes for every clinic: the seed."""
    first, second = _example_then_other(project, "prevention")
    a, b = _content(first.pdf), _content(second.pdf)
    shown = re.compile(r"\((?:[^()\\]|\\.)*\) Tj")
    common = set(shown.findall(a)) & set(shown.findall(b))
    assert len(common) > 0.8 * len(set(shown.findall(a)))
