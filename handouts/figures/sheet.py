"""Stage: every figure of a condition -> one contact-sheet PDF, so content writers can see their poses.

`generate.py figures` draws each figure large, captioned with its id, its props and the labels of
its poses, two to a row on A4-or-Letter-safe pages (210 x 279 mm). For the writer's desk, not for
patients: it is not tagged, but it names every font it uses and embeds them.
"""
from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from handouts.figures.draw import Palette, paint, picture
from handouts.figures.model import Figure

PAGE = (595.0, 792.0)      # fits on A4 and on Letter
MARGIN = 36.0
CELL_W, CELL_H = (PAGE[0] - 2 * MARGIN - 18) / 2, 150.0


def contact_sheet(title: str, figures: list[tuple[str, str, Figure]], fonts, accent: str = "#1F6F5C") -> bytes:
    """figures: (id, where it is written, Figure). The same figures give the same bytes."""
    out = io.BytesIO()
    canv = Canvas(out, pagesize=PAGE, invariant=1, initialFontName=fonts.regular, pageCompression=1)
    canv.setTitle(title)
    canv.setAuthor("handouts")
    pal = Palette(accent=accent)
    rows = int((PAGE[1] - 2 * MARGIN - 30) // (CELL_H + 40))
    per_page = rows * 2
    for start in range(0, max(1, len(figures)), per_page):
        canv.setFont(fonts.bold, 16)
        canv.setFillColor(HexColor("#1B1B1B"))
        canv.drawString(MARGIN, PAGE[1] - MARGIN - 12, title)
        for i, (fig_id, where, figure) in enumerate(figures[start:start + per_page]):
            col, row = i % 2, i // 2
            x = MARGIN + col * (CELL_W + 18)
            top = PAGE[1] - MARGIN - 36 - row * (CELL_H + 40)
            canv.setStrokeColor(HexColor("#B8C2CC"))
            canv.setLineWidth(0.75)
            canv.rect(x, top - CELL_H - 34, CELL_W, CELL_H + 34, stroke=1, fill=0)
            canv.setFillColor(HexColor("#1B1B1B"))
            canv.setFont(fonts.bold, 12)
            canv.drawString(x + 6, top - 14, fig_id)
            canv.setFont(fonts.regular, 9)
            poses = ", ".join(p.label or p.position.replace("_", " ") for p in figure.poses)
            props = ", ".join(figure.props) or "no props"
            canv.drawString(x + 6, top - 26, f"{poses} · {props} · {where}"[:95])
            canv.saveState()
            canv.translate(x + 6, top - CELL_H - 30)
            paint(canv, picture(figure, pal), CELL_W - 12, CELL_H)
            canv.restoreState()
        canv.showPage()
    canv.save()
    return out.getvalue()
