"""Draw the pictures in docs/figures/: every shipped figure and one example per prop.

    python scripts/figure_docs.py
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from golden import figure_pdf, render, shipped_figures  # noqa: E402

from handouts.figures.model import FigureFile  # noqa: E402
from handouts.model.schema import validate  # noqa: E402
from handouts.model.yamlfile import load  # noqa: E402

OUT = REPO / "docs" / "figures"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for (_condition, fid), figure in shipped_figures().items():
        render(figure_pdf(figure, (300, 170)), 1, dpi=96).save(OUT / f"{fid}.png", optimize=True)
        print(f"wrote docs/figures/{fid}.png")
    examples = validate(FigureFile, load(OUT / "examples.yaml")).figures
    for fid, figure in examples.items():
        render(figure_pdf(figure, (200, 140)), 1, dpi=96).save(OUT / f"prop-{fid}.png", optimize=True)
        print(f"wrote docs/figures/prop-{fid}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
