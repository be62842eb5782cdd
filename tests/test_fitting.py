"""The fit loop lays out rejected fit steps without drawing them (document.count_pages). That is only
right if the layout-only pass counts the same pages as the full rendering: checked for every shipped
handout, language, paper and layout at the largest and smallest fit step."""
import pytest

from handouts import build as B
from handouts.build import Project, make_flowables
from handouts.document import count_pages, render_pdf
from handouts.fonts import load_fonts
from handouts.styles import fit_steps, make_styles
from handouts.theme import resolve_theme


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
        labels, _ = p.labels(lang)
        rendered = B.render_handout(handout, doc, clinic.template_fields(), fonts)
        pictures = B._pictures(handout, doc)
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


def test_fitted_step_is_the_largest_that_fits_whatever_the_build_order(project):
    """The fit hint (the step that fitted the previous clinic) must not change the answer."""
    p = Project(project)
    clinic = p.clinic(project / "clinics" / "example")
    hf = next(h for h in p.select(None, "en") if h.name.endswith("exercises"))
    answers = []
    for start in (0, 3, 100):
        B._FIT_HINTS.clear()
        B._FIT_HINTS[(hf.path, "standard", "letter")] = start
        built = B.build_handout(p, clinic, hf, "standard", "letter")
        answers.append((built.scale, built.pdf))
    B._FIT_HINTS.clear()
    assert answers[0] == answers[1] == answers[2]
