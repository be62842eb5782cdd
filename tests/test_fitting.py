"""The fit loop lays out rejected fit steps without drawing them (document.count_pages). That is only
right if the layout-only pass counts the same pages as the full rendering: checked for every shipped
handout, language, paper and layout at the largest and smallest fit step."""
import pytest

from handouts import build as B
from handouts.build import Project, make_flowables
from handouts.layout.fonts import load_fonts
from handouts.layout.styles import fit_steps, make_styles
from handouts.layout.theme import resolve_theme
from handouts.pdf.document import count_pages, render_pdf


@pytest.mark.parametrize("layout_id", ["standard", "large-print"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_layout_only_pass_counts_the_same_pages_as_drawing(project, lang, paper, layout_id):
    p = Project(project)
    fonts = load_fonts()
    clinic = p.clinic(project / "clinics" / "example")
    layout, layout_doc = p.layout(layout_id)
    theme = resolve_theme(layout, layout_doc, clinic)
    width = B.body_width(layout, paper)
    for hf in p.select(None, lang):
        handout, doc = p.handout(hf)
        labels, _ = p.labels(lang, clinic.locale(lang))
        rendered = B.render_handout(handout, doc, clinic.template_fields(handout.language), fonts,
                                    clinic.emergency_fields(), labels.words)
        pictures = B._pictures(p, handout, doc)
        info = B._page_info(clinic, layout, labels, rendered.handout)
        steps = fit_steps(layout)
        for step in (steps[0], steps[-1]):
            styles = make_styles(layout, theme, fonts, step)
            dry = count_pages(make_flowables(rendered.handout, clinic, styles, labels, pictures, width),
                              layout, paper, fonts)
            full = render_pdf(make_flowables(rendered.handout, clinic, styles, labels, pictures, width),
                              layout, theme, fonts, info, paper, {"lang": "en"}, None)
            assert dry[0] == full.pages, (hf.name, step)
            assert dry[1] == pytest.approx(full.last_page_fill)


def test_fitted_step_does_not_depend_on_the_build_order(project, tmp_path):
    """Each clinic's answer depends on its own inputs: building another clinic first (whose fit floor
    and caches are then warm) gives the same bytes as building it alone."""
    import shutil
    other = tmp_path / "other"
    shutil.copytree(project, other)
    (other / "clinics" / "example" / "clinic.yaml").write_text(
        (project / "clinics" / "example" / "clinic.yaml").read_text(encoding="utf-8").replace(
            "Riverside Physiotherapy & Sports Care",
            "The Riverside Physiotherapy, Sports Injury and Spinal Rehabilitation Centre"), encoding="utf-8")
    alone = Project(project)
    hf = next(h for h in alone.select(None, "en") if h.name.endswith("exercises"))
    first = B.build_handout(alone, alone.clinic(project / "clinics" / "example"), hf, "standard", "letter")
    mixed = Project(project)
    B.build_handout(mixed, mixed.clinic(other / "clinics" / "example"), hf, "standard", "letter")
    again = B.build_handout(mixed, mixed.clinic(project / "clinics" / "example"), hf, "standard", "letter")
    assert (first.scale, first.pdf) == (again.scale, again.pdf)


@pytest.mark.parametrize("layout_id", ["standard", "large-print"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_fitted_step_is_the_largest_that_fits(project, lang, layout_id):
    """The search starts at the fit floor (the handout's text with blank clinic values); for every
    shipped handout the step it settles on is still the largest step that fits: the one before it
    does not fit the example clinic's handout."""
    p = Project(project)
    fonts = load_fonts()
    clinic = p.clinic(project / "clinics" / "example")
    layout, layout_doc = p.layout(layout_id)
    theme = resolve_theme(layout, layout_doc, clinic)
    steps = fit_steps(layout)
    for paper in ("letter", "a4"):
        width = B.body_width(layout, paper)
        for hf in p.select(None, lang):
            built = B.build_handout(p, clinic, hf, layout_id, paper)
            i = steps.index(built.scale)
            assert i >= B.fit_floor(p, hf, layout_id, paper, theme)
            if i == 0:
                continue
            handout, doc = p.handout(hf)
            labels, _ = p.labels(lang)
            styles = make_styles(layout, theme, fonts, steps[i - 1])
            flowables = make_flowables(built.rendered.handout, clinic, styles, labels, B._pictures(p, handout, doc), width)
            pages, _ = count_pages(flowables, layout, paper, fonts)
            assert pages > built.budget, (hf.name, paper, i)


def test_the_previous_clinics_step_changes_no_answer(project):
    """The step the last clinic needed is only where the search starts: whatever it was (the floor,
    a middle step, past the last), this clinic's handout comes out the same."""
    answers = []
    for start in (0, 3, 100):
        p = Project(project)
        clinic = p.clinic(project / "clinics" / "example")
        hf = next(h for h in p.select(None, "en") if h.name.endswith("exercises"))
        p._fit_hints[(hf.path, "standard", "letter")] = start
        built = B.build_handout(p, clinic, hf, "standard", "letter")
        answers.append((built.scale, built.pdf))
    assert answers[0] == answers[1] == answers[2]
