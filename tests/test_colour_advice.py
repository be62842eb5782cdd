"""Colour advice as a clinic's office staff meet it: one plain suggestion per brand colour, that
passes everywhere the colour is used, in every layout, the same on every run."""
import colorsys
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from handouts.cli.main import main
from handouts.layout.colors import contrast, readable_shade, rgb

SUGGESTION = re.compile(r"use (#[0-9A-F]{6}), a darker shade of the same colour")


def run(project, *args):
    return main(["--root", str(project), *args])


def set_brand(project, primary, accent="#1F6F5C"):
    path = project / "clinics" / "example" / "clinic.yaml"
    text = re.sub(r'primary: "#[0-9A-Fa-f]{6}"', f'primary: "{primary}"', path.read_text())
    path.write_text(re.sub(r'accent: "#[0-9A-Fa-f]{6}"', f'accent: "{accent}"', text))


def errors(capsys):
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


def test_one_suggestion_per_brand_colour_and_taking_it_passes_every_layout(project, capsys):
    set_brand(project, "#8FD3FE", "#9BE3C0")
    assert run(project, "build", "--handout", "overview", "--out", str(project / "out")) == 1
    lines = errors(capsys)
    primary = [line for line in lines if "brand.primary" in line]
    accent = [line for line in lines if "brand.accent" in line]
    # primary colours headings and info-box titles (two backgrounds): still one line, one shade
    assert len(primary) == 1 and len(accent) == 1, lines
    assert re.search(r"clinic\.yaml:\d+:\d+: brand\.primary: expected a colour dark enough to read as "
                     r"info box titles, headings on the page \(contrast at least 4\.5 to 1\), got #8FD3FE "
                     r"\(1\.\d to 1\)", primary[0]), primary[0]
    shade, other = SUGGESTION.search(primary[0])[1], SUGGESTION.search(accent[0])[1]

    # the same advice on the next run and from the other layout
    assert run(project, "build", "--handout", "overview", "--layout", "large-print",
               "--out", str(project / "out")) == 1
    again = errors(capsys)
    assert [SUGGESTION.search(line)[1] for line in again] == [shade, other]

    set_brand(project, shade, other)
    for layout in ("standard", "large-print"):
        assert run(project, "build", "--layout", layout, "--out", str(project / "out")) == 0, capsys.readouterr().err


def test_the_suggestion_keeps_the_brand_hue(project, capsys):
    set_brand(project, "#F28C28")  # a light orange
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    shade = SUGGESTION.search(errors(capsys)[0])[1]
    h0, _, s0 = colorsys.rgb_to_hls(*rgb("#F28C28"))
    h1, _, s1 = colorsys.rgb_to_hls(*rgb(shade))
    assert abs(h0 - h1) < 0.02 and abs(s0 - s1) < 0.1, shade


def test_a_layout_colour_gets_the_same_kind_of_advice(project, capsys):
    path = project / "layouts" / "standard.yaml"
    path.write_text(path.read_text().replace('title: "#7A4A00"', 'title: "#E0A030"'))
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    (line,) = errors(capsys)
    assert re.search(r"layouts/standard\.yaml:\d+:\d+: colours\.warning\.title: expected a colour dark enough "
                     r"to read as warning box titles .*; use #[0-9A-F]{6}", line), line


LIGHT = ["#FFFFFF", "#EAF2FB", "#FFF6E0", "#FDECEA", "#EEF2F6"]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 0xFFFFFF), st.lists(st.sampled_from(LIGHT), min_size=1, unique=True))
def test_readable_shade_passes_every_background_it_was_asked_for(value, backgrounds):
    colour = f"#{value:06X}"
    shade = readable_shade(colour, backgrounds)
    assert all(contrast(shade, bg) >= 4.5 for bg in backgrounds)
    assert readable_shade(shade, backgrounds) == shade  # taking the advice: nothing more to change
