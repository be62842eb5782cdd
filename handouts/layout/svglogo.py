"""An SVG logo as vector drawing: checked by svgsafe.py, converted by svglib, drawn by reportlab.

The logo stays sharp at any size and prints as paths, not pixels. svglib is given the checked tree,
never the file, so it reads nothing else; anything it reports it could not draw (a colour it cannot
read, a clip it does not support) is refused rather than printed differently from the file.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.lib.colors import CMYKColor, Color, HexColor
from reportlab.lib.rl_accel import fp_str

from handouts.layout.svgsafe import SvgRefused, checked_svg
from handouts.pdf.seam import Drawing, retype
from handouts.reuse.standins import STANDINS

MAX_ASPECT = 20.0   # a logo at most 20 times as wide as tall, or as tall as wide
# svglib's warning for a pre-0.92 Inkscape file: its size is off by 6.7%, which fitting the logo
# into the letterhead's box undoes
_HARMLESS = ("This SVG was created with Inkscape",)


@dataclass(eq=False)
class VectorLogo:
    """A checked, converted SVG logo: a reportlab drawing in its own size (points)."""

    drawing: Drawing
    file: str

    @property
    def aspect(self) -> float:
        return self.drawing.width / self.drawing.height

    def draw(self, canv, x: float, y: float, w: float, h: float) -> None:
        """The drawing scaled into the box at x, y (w x h points: its aspect ratio), clipped to it:
        nothing in the file can draw over the rest of the page."""
        d = self.drawing
        canv.saveState()
        box = canv.beginPath()
        box.rect(x, y, w, h)
        canv.clipPath(box, stroke=0, fill=0)
        canv.translate(x, y)
        canv.scale(w / d.width, h / d.height)
        renderPDF.draw(d, canv, 0, 0, showBoundary=False)
        canv.restoreState()


def vector_logo(raw: bytes, file: str) -> VectorLogo:
    """The logo an SVG file's bytes draw, or SvgRefused saying what is wrong with them."""
    root = checked_svg(raw)
    drawing = _convert(root, file)
    w, h = drawing.width, drawing.height
    if not (math.isfinite(w) and math.isfinite(h)) or w <= 0 or h <= 0:
        raise SvgRefused(f"expected an SVG with a size (width and height, or a viewBox), got "
                         f"{_size(w)} x {_size(h)}")
    if max(w / h, h / w) > MAX_ASPECT:
        raise SvgRefused(f"expected a logo at most {MAX_ASPECT:g} times as wide as tall (or tall as wide), "
                         f"got {_size(w)} x {_size(h)}")
    return VectorLogo(drawing, file)


def _size(v: float) -> str:
    return f"{v:.4g}"


class _Reports(logging.Handler):
    """What svglib logs while it converts one file (warnings and errors)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_HARMLESS):
            self.messages.append(" ".join(message.split()))


def _convert(root, file: str) -> Drawing:
    from svglib.svglib import SvgRenderer  # here: only a clinic with an SVG logo pays for the import

    reports = _Reports()
    log = logging.getLogger("svglib")
    log.addHandler(reports)   # (a handler also keeps svglib's messages off the terminal)
    try:
        made = SvgRenderer(file, color_converter=off_standins).render(root)
    except SvgRefused:
        raise
    except Exception as exc:  # svglib on a file it does not expect: any exception, reported as the file's fault
        text = str(exc).splitlines()[0] if str(exc) else ""
        raise SvgRefused(f"expected an SVG svglib can draw, got {type(exc).__name__}"
                         f"{': ' + text[:120] if text else ''}") from None
    finally:
        log.removeHandler(reports)
    if reports.messages:
        raise SvgRefused(f"expected an SVG svglib can draw as it is, got: {reports.messages[0][:160]}")
    return retype(made, Drawing)   # our Drawing: its initial font is an embedded one (seam.py)


# the stand-ins as a page's content writes them (replay.Recolour looks for these)
_STANDIN_VALUES = {fp_str((c.red, c.green, c.blue)) for c in map(HexColor, STANDINS)}


def off_standins(colour):
    """A colour as svglib read it, moved one level of blue off any of replay's stand-in colours: a
    page's stand-ins are swapped for the clinic's colours as it is closed, and the logo's must not be."""
    if isinstance(colour, CMYKColor) or not isinstance(colour, Color):
        return colour
    if fp_str((colour.red, colour.green, colour.blue)) not in _STANDIN_VALUES:
        return colour
    return Color(colour.red, colour.green, min(1.0, colour.blue + 1 / 255), colour.alpha)
