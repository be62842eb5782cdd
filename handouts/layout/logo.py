"""A clinic's logo: a PNG or JPEG picture (images.py) or an SVG drawing (svglogo.py), one shape for
the letterhead to draw either."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from handouts.errors import HandoutError, display_path
from handouts.layout.images import RASTER, decode_picture, read_inside
from handouts.layout.svglogo import vector_logo
from handouts.layout.svgsafe import SvgRefused
from handouts.model.yamlfile import Document


class Logo(Protocol):
    """What the letterhead needs of a logo."""

    file: str

    @property
    def aspect(self) -> float:
        """Width over height."""
        ...

    def draw(self, canv, x: float, y: float, w: float, h: float) -> None:
        """Draw into the box at x, y, w x h points (a box of the logo's aspect ratio)."""
        ...


def load_logo(folder: Path, name: str, doc: Document, where: tuple) -> Logo:
    """Read a logo that must live inside `folder`: a PNG or JPEG file, or an SVG file (vectors)."""
    path, raw = read_inside(folder, name, doc, where, RASTER + (".svg",), "a PNG, JPEG or SVG file")
    if path.suffix.lower() != ".svg":
        return decode_picture(path, name, raw, doc, where)
    try:
        return vector_logo(raw, display_path(path))
    except SvgRefused as exc:
        raise HandoutError(doc.problem(where, str(exc))) from None
