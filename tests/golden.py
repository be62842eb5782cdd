"""Reference page images: what the shipped handouts look like, page by page (tests/golden/*.png).

    python tests/golden.py          # write the references again from the current code

Run it only after looking at every changed page (the test writes the new rendering next to the
failing reference, as tests/golden/<name>.new.png, and a diff image as <name>.diff.png).
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
DPI = 50
FIGURE_DPI = 100
# (handout, language, paper, layout) -> pages to keep
CASES = {
    ("overview", "en", "letter", "standard"): (1, 2),
    ("exercises", "en", "letter", "standard"): (1, 2),
    ("prevention", "en", "letter", "standard"): (1,),
    ("exercises", "es", "a4", "large-print"): (1,),
    ("overview", "es", "a4", "standard"): (1,),
}


FIGURE_BOX = (300, 180)   # points: each shipped figure drawn alone into this box


def shipped_figures(root: Path = REPO) -> dict:
    """(condition, figure id) -> Figure, from every content/<condition>/figures.yaml."""
    from handouts.build import Project
    project = Project(root)
    return {(path.parent.name, fid): fig
            for path in sorted((root / "content").glob("*/figures.yaml"))
            for fid, fig in project.figures(path.parent.name).items()}


def figure_pdf(figure, box: tuple = FIGURE_BOX) -> bytes:
    """One figure alone on a page the size of the box, as the handouts draw it."""
    from reportlab.pdfgen.canvas import Canvas

    from handouts.figures.draw import paint, picture
    out = io.BytesIO()
    canv = Canvas(out, pagesize=box, invariant=1)
    paint(canv, picture(figure), *box)
    canv.showPage()
    canv.save()
    return out.getvalue()


def figure_name(key: tuple) -> str:
    return f"figure-{key[0]}-{key[1]}"


def name(case: tuple, page: int) -> str:
    handout, lang, paper, layout = case
    return f"{handout}-{lang}-{paper}-{layout}-p{page}"


def build(root: Path, case: tuple) -> bytes:
    """The handout built for the example clinic, as `generate.py build` writes it."""
    from handouts.build import Project, build_handout
    handout, lang, paper, layout = case
    project = Project(root)
    hf = next(h for h in project.select(None, lang) if h.id == handout)
    return build_handout(project, project.clinic(root / "clinics" / "example"), hf, layout, paper).pdf


def render(pdf: bytes, page: int, dpi: float = DPI):
    """One page as an RGB Pillow image at dpi (pypdfium2: PDFium, Chromium's renderer)."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    pg = doc[page - 1]
    bitmap = pg.render(scale=dpi / 72)
    try:
        return bitmap.to_pil().convert("RGB")   # a copy: the bitmap, page and document close now
    finally:
        bitmap.close()
        pg.close()   # (before the document: pypdfium2 4.0 crashed closing a page after it)
        doc.close()


def compare(expected, actual) -> tuple[float, object]:
    """(share of pixels that differ by more than 48 levels in a channel, diff image)."""
    from PIL import ImageChops
    if expected.size != actual.size:
        return 1.0, None
    diff = ImageChops.difference(expected, actual)
    gray = diff.convert("L").point(lambda v: 255 if v > 48 else 0)
    changed = gray.histogram()[255]
    return changed / (gray.width * gray.height), gray


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for case, pages in CASES.items():
        pdf = build(REPO, case)
        for page in pages:
            render(pdf, page).save(GOLDEN / f"{name(case, page)}.png", optimize=True)
            print(f"wrote tests/golden/{name(case, page)}.png")
    for key, figure in shipped_figures().items():
        render(figure_pdf(figure), 1, dpi=FIGURE_DPI).save(GOLDEN / f"{figure_name(key)}.png", optimize=True)
        print(f"wrote tests/golden/{figure_name(key)}.png")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
