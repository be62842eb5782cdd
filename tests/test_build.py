"""End-to-end: build real handouts and read the PDFs back as a user (and a print shop) would."""
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.cli.main import main

CLINIC_NAME = "Riverside Physiotherapy & Sports Care"
PHONE = "(217) 555-0142"


def run(project: Path, *args: str) -> int:
    return main(["--root", str(project), *args])


def out_pdf(project, name, lang="en", paper="letter", layout="standard"):
    return project / "out" / "example" / lang / paper / layout / f"hamstring-nerve-pain-{name}.pdf"


def fonts_of(reader):
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if font["/Subtype"] == "/Type0":
                desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            desc = desc.get_object() if desc else {}
            found[str(font["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("layout", ["standard", "large-print"])
def test_every_handout_builds_within_budget(project, lang, paper, layout, capsys):
    assert run(project, "build", "--lang", lang, "--paper", paper, "--layout", layout,
               "--out", str(project / "out")) == 0, capsys.readouterr().err
    factor = 2 if layout == "large-print" else 1
    budgets = {"overview": 2, "exercises": 2, "prevention": 1}
    for name, budget in budgets.items():
        reader = PdfReader(out_pdf(project, name, lang, paper, layout))
        assert 1 <= len(reader.pages) <= budget * factor
        width, height = (612, 792) if paper == "letter" else (595, 842)
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (width, height)


def test_clinic_name_phone_and_logo_on_every_page(project):
    assert run(project, "build", "--handout", "overview", "--out", str(project / "out")) == 0
    reader = PdfReader(out_pdf(project, "overview"))
    assert len(reader.pages) == 2
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert CLINIC_NAME in text
        assert PHONE in text
        assert f"Page {number} of 2" in text
        images = [x for x in page["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
        assert images, f"no logo on page {number}"


def test_fonts_embedded_and_no_helvetica(project):
    assert run(project, "build", "--handout", "exercises", "--out", str(project / "out")) == 0
    fonts = fonts_of(PdfReader(out_pdf(project, "exercises")))
    assert fonts and all(fonts.values()), fonts
    assert all("Atkinson" in name for name in fonts), fonts


def test_metadata_language_and_bookmarks(project):
    assert run(project, "build", "--handout", "overview", "--lang", "es", "--out", str(project / "out")) == 0
    reader = PdfReader(out_pdf(project, "overview", "es"))
    meta = reader.metadata
    assert meta.title and "ciático" in meta.title.lower() or meta.title
    assert meta.author == CLINIC_NAME
    assert meta.subject
    assert "hamstring nerve pain" in meta["/Keywords"]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "es-US"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "De dónde viene esta información" in titles
    assert str(meta["/CreationDate"]).startswith("D:20261101")


def test_same_inputs_give_identical_bytes(project):
    for folder in ("a", "b"):
        assert run(project, "build", "--handout", "prevention", "--out", str(project / folder)) == 0
    rel = Path("example/en/letter/standard/hamstring-nerve-pain-prevention.pdf")
    assert (project / "a" / rel).read_bytes() == (project / "b" / rel).read_bytes()


def test_text_prints_exactly_as_written(project):
    clinic = project / "clinics" / "example" / "clinic.yaml"
    clinic.write_text(clinic.read_text().replace("Riverside Physiotherapy & Sports Care",
                                                 '"Smith & Jones <Physio> **x**"'))
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 0
    text = PdfReader(out_pdf(project, "prevention")).pages[0].extract_text()
    assert "Smith & Jones <Physio> **x**" in text


def test_overflow_is_an_error_naming_budget_and_excess(project, capsys):
    path = project / "content" / "hamstring-nerve-pain" / "en" / "prevention.yaml"
    extra = "".join(f"  - type: paragraph\n    text: This is extra line number {i} that makes the page too long.\n"
                    for i in range(60))
    path.write_text(path.read_text() + extra)
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    err = capsys.readouterr().err
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if t.startswith("pages:"))
    assert f"content/hamstring-nerve-pain/en/prevention.yaml:{line}:1: pages:" in err
    assert "budget of 1 page" in err and "too many" in err
    assert "Traceback" not in err
    assert not out_pdf(project, "prevention").exists()


def test_failed_run_keeps_previous_good_pdf(project, capsys):
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 0
    good = out_pdf(project, "prevention").read_bytes()
    path = project / "content" / "hamstring-nerve-pain" / "en" / "prevention.yaml"
    path.write_text(path.read_text().replace("pages: 1", "pages: one"))
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    assert out_pdf(project, "prevention").read_bytes() == good
    assert not [p for p in out_pdf(project, "prevention").parent.iterdir() if p.name.endswith(".tmp")]


def test_bad_values_reported_together_with_file_line_and_path(project, capsys):
    library = project / "content" / "hamstring-nerve-pain" / "library" / "en.yaml"
    text = library.read_text()
    text = re.sub(r"reps: \d+", "reps: ten", text, count=1)
    text = text.replace("\n    purpose:", "\n    purpse:", 1)
    library.write_text(text)
    assert run(project, "build", "--handout", "exercises", "--out", str(project / "out")) == 1
    err = capsys.readouterr().err
    lines = text.splitlines()
    reps_line = next(i for i, t in enumerate(lines, 1) if "reps: ten" in t)
    assert re.search(rf"library/en.yaml:{reps_line}:\d+: exercises\[\d+\]\.dosing\.reps: expected a whole number "
                     r"from 1 to 100, got 'ten'", err), err
    assert re.search(r"library/en.yaml:\d+:5: exercises\[0\]\.purpse: unknown key 'purpse'; did you mean "
                     r"'purpose'\?", err), err
    assert "Traceback" not in err

    guide = project / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml"
    text = guide.read_text().replace("kind: exercises", "kind: exercise", 1)
    text = text.replace("{type: exercise, use: bridge}", "{type: exercise, use: bridge, dosing: {reps: ten, sets: 0}}")
    guide.write_text(text)
    assert run(project, "build", "--handout", "exercises", "--out", str(project / "out")) == 1
    err = capsys.readouterr().err
    assert re.search(r"exercises.yaml:\d+:1: kind: expected one of 'overview', 'exercises' or 'prevention', "
                     r"got 'exercise'", err), err
    assert re.search(r"exercises.yaml:\d+:\d+: blocks\[\d+\]\.dosing\.reps: expected a whole number", err), err
    assert re.search(r"exercises.yaml:\d+:\d+: blocks\[\d+\]\.dosing\.sets: expected a whole number from 1 to 10, "
                     r"got 0", err), err


def test_duplicate_keys_rejected(project, capsys):
    path = project / "clinics" / "example" / "clinic.yaml"
    path.write_text(path.read_text() + "phone: 555 0000\n")
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    err = capsys.readouterr().err
    assert re.search(r"clinics/example/clinic.yaml:\d+:1: phone: duplicate key 'phone' \(first given on line \d+\)",
                     err), err


def test_low_contrast_brand_colour_names_ratio_and_fix(project, capsys):
    path = project / "clinics" / "example" / "clinic.yaml"
    path.write_text(path.read_text().replace('primary: "#17406E"', 'primary: "#7FB3D5"'))
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    err = capsys.readouterr().err
    assert re.search(r"clinic.yaml:\d+:\d+: brand.primary: expected a colour dark enough to read as info box titles, "
                     r"headings on the page \(contrast at least 4.5 to 1\), got #7FB3D5 \(\d\.\d to 1\); use "
                     r"#[0-9A-F]{6}, a darker shade", err), err


def test_changing_the_layout_file_restyles_every_handout(project):
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "a")) == 0
    layout = project / "layouts" / "standard.yaml"
    layout.write_text(layout.read_text().replace('rule: "#B8C2CC"', 'rule: "#333333"'))
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "b")) == 0
    rel = Path("example/en/letter/standard/hamstring-nerve-pain-prevention.pdf")
    assert (project / "a" / rel).read_bytes() != (project / "b" / rel).read_bytes()


def body_sizes(path):
    sizes = []
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            if text.strip():
                sizes.append(round(size * (tm[0] * cm[0] + tm[1] * cm[2]) ** 2 ** 0.5 if False else
                                   size * ((tm[0] * cm[0] + tm[1] * cm[2]) ** 2 + (tm[0] * cm[1] + tm[1] * cm[3]) ** 2) ** 0.5, 1))
        page.extract_text(visitor_text=visit)
    return sizes


def test_large_print_body_is_at_least_16pt(project):
    assert run(project, "build", "--handout", "overview", "--layout", "large-print", "--out", str(project / "out")) == 0
    sizes = body_sizes(out_pdf(project, "overview", layout="large-print"))
    big = sorted(sizes)[len(sizes) // 2]
    assert big >= 16, big


def test_missing_glyph_is_an_error_naming_the_character(project, capsys):
    path = project / "content" / "hamstring-nerve-pain" / "en" / "prevention.yaml"
    text = path.read_text().replace("title:", "title: ✓", 1)
    path.write_text(text)
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 1
    err = capsys.readouterr().err
    assert re.search(r"prevention.yaml:\d+:\d+: title: the font has no glyph for '✓' \(U\+2713 CHECK MARK\)", err), err


def test_check_and_list_commands(project, capsys):
    assert run(project, "list") == 0
    out = capsys.readouterr().out
    assert "hamstring-nerve-pain-overview" in out and "large-print" in out and "example" in out
    assert run(project, "check") == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.count("hamstring-nerve-pain-") == 6
    assert "grade" in out and "ease" in out


def test_usage_errors_exit_2(project, capsys):
    with pytest.raises(SystemExit) as exc:
        run(project, "build", "--paper", "legal")
    assert exc.value.code == 2


def test_unknown_layout_and_handout(project, capsys):
    assert run(project, "build", "--layout", "tiny", "--out", str(project / "out")) == 1
    assert "unknown layout 'tiny'; available: large-print, standard" in capsys.readouterr().err
    assert run(project, "build", "--handout", "overveiw", "--out", str(project / "out")) == 1
    assert "unknown handout 'overveiw'" in capsys.readouterr().err


def logo_placements(path):
    """(width, height) of every image drawn, from the content stream's cm before each Do."""
    from pypdf.generic import ContentStream
    reader = PdfReader(path)
    page = reader.pages[0]
    images = {name for name, x in page["/Resources"]["/XObject"].items() if x.get_object()["/Subtype"] == "/Image"}
    placed, matrix = [], None
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"cm":
            matrix = [float(v) for v in operands]
        elif op == b"Do" and operands[0] in images and matrix:
            placed.append((matrix[0], matrix[3]))
    return placed


@pytest.mark.parametrize("size", [(400, 40), (60, 300), (256, 256)])
def test_logo_keeps_aspect_ratio_inside_header_box(project, size):
    from PIL import Image
    Image.new("RGB", size, (23, 64, 110)).save(project / "clinics" / "example" / "logo.png")
    assert run(project, "build", "--handout", "prevention", "--out", str(project / "out")) == 0
    (w, h), = logo_placements(out_pdf(project, "prevention"))
    assert w <= 120 + 0.01 and h <= 48 + 0.01  # layouts/standard.yaml header logo box
    assert abs(w / h - size[0] / size[1]) < 0.01
    assert abs(w - 120) < 0.01 or abs(h - 48) < 0.01  # fills the box one way
