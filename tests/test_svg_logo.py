"""SVG clinic logos (issue 15): drawn as vectors in the tagged letterhead, and every hostile or
broken SVG refused with one located line, through the command line as a user runs it."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from handouts.errors import HandoutError
from handouts.model.clinic import load_clinic
from handouts.pdf.pdfcheck import check, walk
from handouts.reuse.incremental import Hasher
from handouts.reuse.standins import STANDINS

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from kit import BUILD, SAMPLE_PDF, copy_project, run  # noqa: E402

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
ORANGE = (0xE8, 0x7A, 0x1D)
LOGO = f"""<svg {NS} viewBox="0 0 120 60" width="120" height="60">
  <defs><linearGradient id="fade" x1="0" x2="1"><stop offset="0" stop-color="#17406E"/>
    <stop offset="1" stop-color="#1F6F5C"/></linearGradient></defs>
  <rect x="0" y="0" width="60" height="60" fill="#E87A1D"/>
  <rect x="60" y="0" width="60" height="60" rx="8" fill="url(#fade)"/>
  <circle id="dot" cx="90" cy="30" r="10" fill="#ffffff"/>
  <use href="#dot" x="-60"/>
</svg>"""
ALT = "Demo Clinic: an orange square beside a blue tile"
WHERE = "error: clinics/demo/clinic.yaml:4:1: logo: "


def _svg(body: str, attrs: str = 'viewBox="0 0 10 10"') -> str:
    return f"<svg {NS} {attrs}>{body}</svg>"


RECT = '<rect width="10" height="10"/>'


def _with_logo(project: Path, data: str | bytes, alt: bool = True) -> Path:
    clinic = project / "clinics" / "demo"
    (clinic / "logo.svg").write_bytes(data.encode() if isinstance(data, str) else data)
    profile = clinic / "clinic.yaml"
    text = profile.read_text()
    assert "logo: logo.png\n" in text
    profile.write_text(text.replace("logo: logo.png\n", "logo: logo.svg\n" + (f"logo_alt: \"{ALT}\"\n" if alt else "")))
    return clinic


@pytest.fixture()
def project(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture handout built twice for a clinic with an SVG logo: (first PDF, second PDF)."""
    project = copy_project(tmp_path_factory.mktemp("svg") / "project")
    _with_logo(project, LOGO)
    first = run(BUILD, project)
    assert first.returncode == 0, first.stderr
    pdf = (project / SAMPLE_PDF).read_bytes()
    second = run(["build", "--clinic", "clinics/demo", "--out", "again"], project)
    assert second.returncode == 0, second.stderr
    return pdf, (project / "again" / SAMPLE_PDF.relative_to("out")).read_bytes()


def _figure_ops(pdf: bytes) -> list[tuple[list, str]]:
    """The operators of page 1's first Figure marked content (the logo)."""
    doc = pikepdf.open(io.BytesIO(pdf))
    out, inside = [], False
    for operands, op in pikepdf.parse_content_stream(doc.pages[0]):
        if str(op) == "BDC" and str(operands[0]) == "/Figure":
            inside = True
        elif inside and str(op) == "EMC":
            return out
        elif inside:
            out.append((list(operands), str(op)))
    raise AssertionError("page 1 has no Figure")


def test_an_svg_logo_is_drawn_as_vectors_not_pixels(built):
    pdf, _ = built
    ops = [op for _, op in _figure_ops(pdf)]
    assert {"f", "re"} & set(ops) and "sh" in ops, ops     # filled shapes and the gradient
    assert "Do" not in ops                                  # no picture inside the Figure
    doc = pikepdf.open(io.BytesIO(pdf))
    assert not dict(doc.pages[0].Resources.get("/XObject", {})), "an image XObject on page 1"


def test_the_svg_logo_is_a_tagged_figure_with_its_alt_text_and_the_pdf_passes(built):
    pdf, _ = built
    figures = [str(e.get("/Alt")) for e, _, _, _ in walk(pikepdf.open(io.BytesIO(pdf))) if str(e.S) == "/Figure"]
    assert ALT in figures
    assert check(pdf) == []


def test_the_logo_shows_its_colour_in_the_letterhead(built):
    pdf, _ = built
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=100 / 72).to_pil().convert("RGB")
    w, h = image.size
    header = image.crop((0, 0, w // 3, h // 7))
    assert _orange(header) > 400, _orange(header)   # the logo's orange square: hundreds of pixels at 100 dpi
    assert _orange(image.crop((0, h // 5, w, h))) == 0


def _orange(image) -> int:
    """How many pixels of the image are the logo's orange."""
    data = image.tobytes()
    return sum(1 for i in range(0, len(data), 3) if all(abs(data[i + k] - ORANGE[k]) <= 12 for k in range(3)))


def test_two_builds_are_byte_identical(built):
    first, second = built
    assert first == second


def test_a_logo_colour_that_is_a_replay_standin_keeps_its_colour(project):
    """The page swaps replay's stand-in colours for the clinic's as it closes; a logo drawn in one of
    them is moved one level off it instead of being swapped."""
    r, g, b = (int(STANDINS[0][i:i + 2], 16) for i in (1, 3, 5))
    _with_logo(project, _svg(f'<rect width="10" height="10" fill="{STANDINS[0]}"/>'))
    done = run(BUILD, project)
    assert done.returncode == 0, done.stderr
    fills = [tuple(float(x) * 255 for x in operands) for operands, op in _figure_ops((project / SAMPLE_PDF).read_bytes())
             if op == "rg"]
    assert any(abs(f[0] - r) < 0.5 and abs(f[1] - g) < 0.5 and 0.5 < f[2] - b < 1.5 for f in fills), fills


def test_the_svg_bytes_are_in_the_incremental_key(project):
    clinic = _with_logo(project, LOGO)
    content = project / "content" / "demo" / "en" / "sample.yaml"
    before = Hasher(project).handout_key(clinic, content, "en", "standard", "letter")
    (clinic / "logo.svg").write_text(LOGO.replace("#E87A1D", "#E87A1E"))
    assert Hasher(project).handout_key(clinic, content, "en", "standard", "letter") != before


_LOL = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))

# through the command line: (case, logo file, what the one error line says after "logo: ")
CLI_CASES = [
    ("xxe-entity", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   + _svg("<title>&x;</title>" + RECT), "expected an SVG without a DOCTYPE or ENTITY declaration"),
    ("billion-laughs", f'<?xml version="1.0"?><!DOCTYPE svg [{_LOL}]>' + _svg("<title>&lol9;</title>" + RECT),
     "expected an SVG without a DOCTYPE or ENTITY declaration"),
    ("image-file", _svg('<image xlink:href="file:///etc/passwd" width="10" height="10"/>'),
     "expected an SVG of shapes only, got an <image>"),
    ("use-http", _svg('<use href="http://example.org/logo.svg#a"/>'),
     "expected references only to the SVG's own elements (#id), got href 'http://example.org/logo.svg#a' on <use>"),
    ("use-parent", _svg('<use xlink:href="../../logo.png#a"/>'),
     "expected references only to the SVG's own elements (#id), got href '../../logo.png#a' on <use>"),
    ("script", _svg("<script>alert(1)</script>" + RECT), "expected an SVG of shapes only, got a <script>"),
    ("too-many-elements", _svg(RECT * 5001), "expected an SVG of at most 5,000 elements"),
    ("not-xml", "This is not a picture.", "expected an SVG file (well-formed XML), got Start tag expected"),
    ("empty", "", "expected an SVG file (XML text), got an empty file"),
    ("zero-size", _svg(RECT, 'width="0" height="0"'),
     "expected an SVG with a size (width and height, or a viewBox), got 0 x 0"),
    ("png-bytes", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "expected an SVG file (XML text), got PNG image data"),
    ("colour-svglib-cannot-read", _svg('<rect width="10" height="10" fill="notacolour"/>'),
     "expected an SVG svglib can draw as it is, got: Can't handle color: notacolour"),
]


@pytest.mark.parametrize("data,message", [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
def test_a_hostile_or_broken_svg_is_one_located_error(project, data, message):
    _with_logo(project, data, alt=False)
    done = run(BUILD, project, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "root:" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(WHERE + message), errors[0]
    assert len([line for line in done.stderr.splitlines() if line.strip()]) <= 2, done.stderr  # + the summary
    assert not (project / SAMPLE_PDF).exists()


def _nest(depth: int) -> str:
    return "<g>" * depth + RECT + "</g>" * depth


_BOMB = ('<defs><g id="a0">' + RECT + "</g>"
         + "".join(f'<g id="a{i}">' + f'<use href="#a{i - 1}"/>' * 10 + "</g>" for i in range(1, 7))
         + '</defs><use href="#a6"/>')

# in the process (each a located problem at the logo key): (case, logo file, message start)
CASES = [
    ("xxe-in-utf16", ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      + _svg("<title>&x;</title>" + RECT)).encode("utf-16"),
     "expected an SVG without a DOCTYPE or ENTITY declaration"),
    ("data-image", _svg('<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'),
     "expected an SVG of shapes only, got an <image>"),
    ("link", _svg(f'<a href="https://example.org">{RECT}</a>'), "expected references only to the SVG's own elements"),
    ("css-url", _svg(f"<style>rect {{ fill: url(https://example.org/p.svg#p) }}</style>{RECT}"),
     "expected references only to the SVG's own elements (#id), got url('https://example.org/p.svg#p') in a <style>"),
    ("css-import", _svg(f'<style>@import "https://example.org/a.css";</style>{RECT}'),
     "expected references only to the SVG's own elements (#id), got @import"),
    ("fill-url-file", _svg('<rect width="10" height="10" style="fill: url(file:///etc/passwd#x)"/>'),
     "expected references only to the SVG's own elements (#id), got url('file:///etc/passwd#x') in style on <rect>"),
    ("event-handler", _svg(RECT, 'viewBox="0 0 10 10" onload="alert(1)"'),
     "expected an SVG without scripts, got an event handler (onload) on <svg>"),
    ("foreign-object", _svg(f'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>{RECT}'),
     "expected an SVG of shapes only, got a <foreignObject>"),
    ("text", _svg('<text x="1" y="5">Clinic</text>'), "expected an SVG of shapes only, got text (<text>; convert it to paths"),
    ("use-bomb", _svg(_BOMB), "expected an SVG of at most 5,000 elements after its <use> copies, got 10,022"),
    ("use-cycle", _svg('<g id="a"><use href="#a"/></g>'), "expected <use> references that end"),
    ("too-deep", _svg(_nest(60)), "expected elements nested at most 50 deep"),
    ("stylesheet-pi", '<?xml-stylesheet href="https://example.org/a.css"?>' + _svg(RECT),
     "expected an SVG without processing instructions, got <?xml-stylesheet?>"),
    ("not-svg", '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "expected an <svg> document, got <html>"),
    ("unclosed", _svg(RECT)[:-6], "expected an SVG file (well-formed XML), got"),
    ("no-size", _svg(RECT, ""), "expected an SVG with a size (width and height, or a viewBox), got 0 x 0"),
    ("negative-viewbox", _svg(RECT, 'viewBox="0 0 -5 10"'), "expected a viewBox of four numbers with a positive"),
    ("banner-too-thin", _svg(RECT, 'viewBox="0 0 1000 10"'), "expected a logo at most 20 times as wide as tall"),
    ("colour-name-svglib-trips-on", _svg('<rect width="10" height="10" fill="Color"/>'),
     "expected an SVG svglib can draw, got TypeError"),
    ("gzip", b"\x1f\x8b\x08\x00" + b"\0" * 20, "expected an SVG file (XML text), got gzip data"),
]


@pytest.mark.parametrize("data,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_refusal_is_located_at_the_logo_key(project, data, message):
    clinic = _with_logo(project, data, alt=False)
    with pytest.raises(HandoutError) as caught:
        load_clinic(clinic)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (4, 1, "logo")
    assert problem.message.startswith(message), problem.message
    assert "\n" not in problem.message and len(problem.message) < 240


def test_a_logo_of_another_kind_names_all_three(project):
    clinic = project / "clinics" / "demo"
    (clinic / "logo.gif").write_bytes(b"GIF89a")
    (clinic / "clinic.yaml").write_text((clinic / "clinic.yaml").read_text().replace("logo.png", "logo.gif"))
    with pytest.raises(HandoutError) as caught:
        load_clinic(clinic)
    assert str(caught.value.problems[0]).endswith("logo: expected a PNG, JPEG or SVG file, got 'logo.gif'")


def test_references_inside_the_file_are_drawn(project):
    """#fragment references are the one kind allowed: a <use> of a symbol and a gradient by id."""
    clinic = _with_logo(project, _svg('<defs><symbol id="s"><rect width="4" height="4" fill="#0A7"/></symbol>'
                                      '<radialGradient id="r"><stop offset="0" stop-color="#fff"/>'
                                      '<stop offset="1" stop-color="#17406E"/></radialGradient></defs>'
                                      '<circle cx="5" cy="5" r="5" fill="url(#r)"/><use xlink:href="#s" x="3"/>'))
    logo = load_clinic(clinic).logo
    assert logo.aspect == pytest.approx(1.0)
