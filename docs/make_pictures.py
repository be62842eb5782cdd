"""Render page 1 of each handout kind (English, Letter, standard layout) to docs/*.png for the README.

Usage: python docs/make_pictures.py   (needs `pip install -e .[docs]` for pypdfium2)
"""
from pathlib import Path

import pypdfium2 as pdfium

from handouts.build import Project, build_handout

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    project = Project(ROOT)
    clinic = project.clinic(project.clinics_dir / "example")
    for hf in project.handout_files("en"):
        built = build_handout(project, clinic, hf, "standard", "letter")
        page = pdfium.PdfDocument(built.pdf)[0]
        image = page.render(scale=90 / 72).to_pil()
        target = ROOT / "docs" / f"{hf.id}-page1.png"
        # a 64-colour palette keeps the picture sharp at a third of the bytes
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
