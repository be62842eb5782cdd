"""Render page 1 of each handout kind (English, Letter, standard layout, the example clinic) to
docs/<handout>-page1.png for the README. tests/test_readme_pictures.py fails when they are out of date.

Usage: python docs/make_pictures.py   (needs `pip install -e .[test]` or `.[docs]` for pypdfium2)
"""
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from handouts.build import Project, build_handout

ROOT = Path(__file__).resolve().parent.parent
PICTURES = ("overview", "exercises", "prevention")


def picture(project: Project, handout: str) -> Image.Image:
    """Page 1 of the example clinic's English Letter handout, as the README shows it."""
    clinic = project.clinic(project.clinics_dir / "example")
    hf = project.select([handout], "en")[0]
    built = build_handout(project, clinic, hf, "standard", "letter")
    page = pdfium.PdfDocument(built.pdf)[0]
    # a 64-colour palette keeps the picture sharp at a third of the bytes
    return page.render(scale=90 / 72).to_pil().convert("RGB").quantize(colors=64)


def main() -> None:
    project = Project(ROOT)
    for handout in PICTURES:
        target = ROOT / "docs" / f"{handout}-page1.png"
        picture(project, handout).save(target, optimize=True)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
