"""Exercise figures as a reader and a content writer meet them: a tagged drawing beside every
exercise of every shipped guide, within its budget and size; the same figure at two sizes is the
same drawing; each shipped figure looks like its reference image; the contact sheet command."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml
from golden import FIGURE_DPI, GOLDEN, compare, figure_name, figure_pdf, render, shipped_figures

REPO = Path(__file__).resolve().parent.parent
GUIDES = [(lang, paper, layout) for lang in ("en", "es") for paper in ("letter", "a4")
          for layout in ("standard", "large-print")]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    for part in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / part, root / part)
    return root


def _build(root: Path, lang: str, paper: str, layout: str) -> tuple[bytes, object]:
    from handouts.build import Project, build_handout
    p = Project(root)
    hf = next(h for h in p.select(None, lang) if h.id == "exercises")
    return build_handout(p, p.clinic(root / "clinics" / "example"), hf, layout, paper), hf


def _figures(pdf: bytes) -> list[tuple[str, list]]:
    """(alt text, bounding box) of every Figure in the structure tree, in reading order."""
    out = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        stack = [doc.Root.StructTreeRoot]
        while stack:
            node = stack.pop(0)
            kids = node.get("/K")
            if node.get("/S") == "/Figure":
                bbox = node.get("/A", {}).get("/BBox") if isinstance(node.get("/A"), pikepdf.Dictionary) else None
                out.append((str(node.get("/Alt", "")), list(bbox) if bbox is not None else []))
            if isinstance(kids, pikepdf.Array):
                stack[0:0] = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
            elif isinstance(kids, pikepdf.Dictionary):
                stack.insert(0, kids)
    return out


def _exercises(lang: str) -> list[dict]:
    """The guide's exercises as the library defines them, in the guide's order."""
    data = yaml.safe_load((REPO / "content" / "hamstring-nerve-pain" / lang / "exercises.yaml").read_text())
    library = yaml.safe_load((REPO / "content" / "hamstring-nerve-pain" / "library" / f"{lang}.yaml").read_text())
    by_id = {e["id"]: e for e in library["exercises"]}
    return [by_id[b["use"]] for b in data["blocks"] if b["type"] == "exercise"]


@pytest.mark.parametrize("lang,paper,layout", GUIDES, ids=["-".join(g) for g in GUIDES])
def test_every_exercise_of_every_guide_shows_its_figure_within_budget(project, lang, paper, layout):
    built, hf = _build(project, lang, paper, layout)
    exercises = _exercises(lang)
    figures = _figures(built.pdf)
    # the clinic's logo is a Figure too (in the letterhead, on every page)
    logo = yaml.safe_load((project / "clinics" / "example" / "clinic.yaml").read_text())["logo_alt"]
    drawings = [alt for alt, _ in figures if alt != logo]
    assert drawings == [e["figure"]["alt"] for e in exercises], drawings
    assert built.pages <= built.budget
    assert built.body_size >= (16 if layout == "large-print" else 12)
    if layout == "standard":
        assert len(built.pdf) <= 40_000, f"{len(built.pdf)} bytes for a two-page guide"


def test_figures_are_vector_drawings_not_pictures(project):
    """A figure adds no image to the PDF: the only images are the clinic's logo (and its mask)."""
    built, _ = _build(project, "en", "letter", "standard")
    with pikepdf.open(io.BytesIO(built.pdf)) as doc:
        images = {(o.get("/Width"), o.get("/Height")) for o in doc.objects
                  if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
    assert len(images) == 1, images


def test_same_inputs_same_bytes(project):
    first, _ = _build(project, "es", "a4", "standard")
    from handouts.figures import draw
    draw._PICTURES.clear()  # drawn afresh, not taken from the process cache
    again, _ = _build(project, "es", "a4", "standard")
    assert first.pdf == again.pdf


def test_a_figure_at_two_sizes_is_the_same_drawing_scaled():
    from PIL import ImageChops
    figure = shipped_figures()[("hamstring-nerve-pain", "bridge")]
    small = render(figure_pdf(figure, (200, 120)), 1, dpi=144)
    large = render(figure_pdf(figure, (400, 240)), 1, dpi=72)   # twice the size at half the resolution
    assert small.size == large.size
    diff = ImageChops.difference(small, large).convert("L").point(lambda v: 255 if v > 64 else 0)
    assert diff.histogram()[255] / (diff.width * diff.height) < 0.01


@pytest.mark.parametrize("key", sorted(shipped_figures()), ids=[figure_name(k) for k in sorted(shipped_figures())])
def test_figure_looks_like_its_reference_image(key):
    from PIL import Image
    reference = GOLDEN / f"{figure_name(key)}.png"
    assert reference.is_file(), f"no reference image: run python tests/golden.py and look at {reference.name}"
    actual = render(figure_pdf(shipped_figures()[key]), 1, dpi=FIGURE_DPI)
    share, diff = compare(Image.open(reference).convert("RGB"), actual)
    if share > 0.003:
        actual.save(GOLDEN / f"{figure_name(key)}.new.png")
    assert share <= 0.003, f"{figure_name(key)}: {share:.2%} of the pixels differ; see {figure_name(key)}.new.png"


def test_figures_command_draws_a_contact_sheet(project, tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "generate.py"), "--root", str(project), "figures",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    sheet = tmp_path / "hamstring-nerve-pain-figures.pdf"
    assert "5 figures" in run.stdout
    with pikepdf.open(sheet) as doc:
        assert len(doc.pages) == 1
        # (keys and indexing: pikepdf 8, the floor, has no values() on a dictionary)
        fonts = {str(page.Resources.Font[k].get("/BaseFont")) for page in doc.pages for k in page.Resources.Font.keys()}
    assert all("Atkinson" in f for f in fonts), fonts
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(REPO / "generate.py"), "--root", str(project), "figures", "--out",
                    str(again)], capture_output=True, timeout=120, check=True)
    assert (again / sheet.name).read_bytes() == sheet.read_bytes()


def test_figures_command_unknown_condition(project, tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "generate.py"), "--root", str(project), "figures",
                          "--condition", "knee-pain", "--out", str(tmp_path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip() == "error: unknown condition 'knee-pain'; available: hamstring-nerve-pain"
    assert not list(tmp_path.iterdir())


def test_an_image_still_takes_the_place_of_the_figure(project, tmp_path):
    """A clinic's own photo given as `image:` is printed instead of the drawing."""
    root = tmp_path / "p"
    shutil.copytree(project, root)
    path = root / "content" / "hamstring-nerve-pain" / "library" / "en.yaml"
    text = path.read_text()
    shutil.copyfile(root / "clinics" / "example" / "logo.png", path.parent / "bridge.png")
    text = text.replace("    figure:\n      use: bridge\n",
                        "    image: {file: bridge.png, alt: Our physiotherapist doing the bridge.}\n    figure:\n"
                        "      use: bridge\n")
    path.write_text(text)
    built, _ = _build(root, "en", "letter", "standard")
    alts = [alt for alt, _ in _figures(built.pdf)]
    assert "Our physiotherapist doing the bridge." in alts
    assert not any(a.startswith("Drawing: a person lies on their back with knees bent and feet flat") for a in alts)


def test_the_arrow_takes_the_clinics_accent_colour(project, tmp_path):
    """What a clinic sees: its own accent colour on the motion arrows (a batch styles in stand-in
    colours and swaps them page by page; the figure must be swapped too)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.rl_accel import fp_str
    root = tmp_path / "p"
    shutil.copytree(project, root)
    clinic = root / "clinics" / "example" / "clinic.yaml"
    clinic.write_text(clinic.read_text().replace('accent: "#1F6F5C"', 'accent: "#8A1C7C"'))
    built, _ = _build(root, "en", "letter", "standard")
    c = HexColor("#8A1C7C")
    op = f"{fp_str((c.red, c.green, c.blue))} RG".encode()
    with pikepdf.open(io.BytesIO(built.pdf)) as doc:
        content = b"".join(page.Contents.read_bytes() for page in doc.pages)
    figures = [part.split(b"EMC")[0] for part in content.split(b"/Figure <<")[1:]]
    with_arrow = [f for f in figures if op in f]
    assert len(with_arrow) == 5, f"{len(with_arrow)} of {len(figures)} figures draw in the clinic's accent"
