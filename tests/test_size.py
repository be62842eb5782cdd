"""What keeps a handout small (issue #4: a two-page handout with its logo fits in 40 KB), checked the
way a print shop or a records system would read the file back. The figure itself lives in bench/."""
import io
import zlib

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader

from handouts.cli.main import main
from handouts.pdf.seam import Canvas  # the generator's canvas: its images re-encoded


def build(project, name="exercises"):
    assert main(["--root", str(project), "build", "--handout", name, "--out", str(project / "out")]) == 0
    return project / "out" / "example" / "en" / "letter" / "standard" / f"hamstring-nerve-pain-{name}.pdf"


def test_embedded_fonts_hold_only_used_glyphs_without_hinting(project):
    pdf = pikepdf.open(build(project))
    files = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o]
    assert len(files) >= 2
    for stream in files:
        font = TTFont(io.BytesIO(stream.read_bytes()))
        assert not {"fpgm", "prep", "cvt "} & set(font.keys())
        # a subset of the glyphs the handout prints, not every printable ASCII character
        assert font["maxp"].numGlyphs < 90


def test_object_streams_are_compressed_and_metadata_stays_readable(project):
    pdf = pikepdf.open(build(project))
    objstms = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm"]
    assert objstms
    assert all(o.get("/Filter") is not None for o in objstms)
    assert "/Filter" not in pdf.Root.Metadata
    assert b"pdfuaid" in pdf.Root.Metadata.read_raw_bytes()


def _pdf_with(image: Image.Image) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawImage(ImageReader(image), 50, 50, width=image.width, height=image.height, mask="auto")
    canvas.save()
    return out.getvalue()


def _flat_logo() -> Image.Image:
    image = Image.new("RGB", (300, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 110, 110), fill=(21, 61, 107))
    draw.ellipse((130, 20, 200, 90), fill=(120, 200, 170))
    return image


def _photo_like() -> Image.Image:
    return Image.radial_gradient("L").resize((300, 120)).convert("RGB").point(lambda v: (v * 7) % 256)


def _image_stream(image: Image.Image):
    pdf = pikepdf.open(io.BytesIO(_pdf_with(image)))
    return pdf, next(o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image")


@pytest.mark.parametrize("make", [_flat_logo, _photo_like], ids=["few-colours", "many-colours"])
def test_reencoded_pictures_have_the_same_pixels(make):
    """As drawn by the generator's reportlab: PNG predictors or a palette, never another pixel."""
    image = make()
    pdf, stream = _image_stream(image)
    plain = len(zlib.compress(image.tobytes()))  # what reportlab writes without the re-encoding
    assert len(stream.read_raw_bytes()) <= plain
    drawn = pikepdf.PdfImage(stream).as_pil_image().convert("RGB")
    assert drawn.tobytes() == image.tobytes()


def test_flat_colour_logo_shrinks_to_a_palette_image():
    image = _flat_logo()
    pdf, stream = _image_stream(image)
    assert stream.ColorSpace[0] == "/Indexed"
    assert len(stream.read_raw_bytes()) < len(zlib.compress(image.tobytes())) / 2


def test_objects_are_packed_in_an_object_stream_with_a_cross_reference_stream(project):
    """pdfwrite: no classic xref table; every dictionary in the compressed object stream; a strict
    reader and qpdf read it back whole."""
    from pypdf import PdfReader
    path = build(project)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-1.7") and b"\nxref\n" not in data and b"/Type /XRef" in data
    assert len(PdfReader(path, strict=True).pages) == 2
    pdf = pikepdf.open(path)
    assert pdf.Root.StructTreeRoot.Type == "/StructTreeRoot"
    top_level = data.count(b" 0 obj\n")
    assert top_level < 20, top_level   # streams, the object stream and the xref stream only


@pytest.mark.parametrize("extra", [[], ["--archive"]], ids=["tagged", "archive"])
def test_two_runs_a_second_apart_give_identical_bytes(project, extra):
    """Separate processes at different times (fontTools and littlecms stamp the fonts and the ICC
    profile they save with the clock unless told not to): the same inputs must give the same file."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    outputs = []
    for run in range(2):
        out = project / f"run{run}"
        subprocess.run([sys.executable, str(repo / "generate.py"), "--root", str(project), "build",
                        "--handout", "prevention", "--out", str(out), *extra], check=True, capture_output=True)
        outputs.append((out / "example/en/letter/standard/hamstring-nerve-pain-prevention.pdf").read_bytes())
        time.sleep(1.1)
    assert outputs[0] == outputs[1]


def test_many_objects_go_into_several_object_streams(project, monkeypatch):
    """A file with more objects than one object stream takes (a long handout, or a lower limit as
    here) is still whole: every object readable, the structure tree intact."""
    from pypdf import PdfReader

    from handouts.pdf import pdfcheck, pdfwrite
    monkeypatch.setattr(pdfwrite, "PER_STREAM", 40)
    path = build(project, "overview")
    pdf = pikepdf.open(path)
    objstms = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm"]
    assert len(objstms) > 3
    assert len(PdfReader(path, strict=True).pages) == 2
    assert pdfcheck.check(path) == []
