"""Stage: flowables -> PDF bytes. Page templates with the running header and footer, page X of Y,
bookmarks, metadata, and the fit loop that keeps a handout within its page budget."""
from __future__ import annotations

import copy
import io
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from handouts.layout.images import fit_box
from handouts.layout.logo import Logo
from handouts.pdf.seam import Canvas
from handouts.pdf.tagging import Tagger, contact_url, link, marked, tagging_canvas
from handouts.reuse.replay import seed_document

PAPERS = {"letter": LETTER, "a4": A4}


@dataclass(frozen=True)
class PageInfo:
    """Everything the running header and footer print."""

    clinic_name: str
    tagline: str
    contacts: list[str]
    title: str
    footer_left: str
    page_of: str  # with {page} and {pages}
    logo: Logo  # a PNG/JPEG picture or an SVG drawing
    logo_alt: str
    contact_urls: list | None = None  # what each contact line links to (None: worked out from its text)
    plan: object = None  # layout.header.HeaderPlan: the letterhead's lines and sizes, fitted


def numbered_canvas(page_info: PageInfo, draw_footer):
    """A canvas class that holds pages until the end so the footer can say 'page X of Y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                draw_footer(self, self._pageNumber, total)
                recolour = getattr(self, "_recolour", None)
                if recolour is not None:  # the clinic's colours for the stand-ins (replay.py)
                    self._code = [recolour("\n".join(self._code))]
                super().showPage()
            if hasattr(self, "write_structure"):   # a tagging canvas: every page and link is numbered now
                self.write_structure()
            super().save()

    return NumberedCanvas


class HandoutDoc(BaseDocTemplate):
    """Doc template that records bookmarks and how far down the last page the text reached."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_y = None
        self.frame_height = None

    def afterFlowable(self, flowable):
        outline = getattr(flowable, "outline", None)
        if outline:
            title, level, key = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)
        frame = self.frame
        if frame is not None:
            self.last_y = frame._y - frame._y1p
            self.frame_height = frame._height


@dataclass
class Rendered:
    pdf: bytes  # the finished tagged PDF/UA-1 file
    pages: int
    last_page_fill: float  # 0..1 of the last page's text area used


def _plain_plan(info: PageInfo, t):
    """A letterhead plan for a PageInfo made without one (tests, tools): the texts as they are."""
    from handouts.layout.header import HeaderPlan
    return HeaderPlan((info.clinic_name,), t.header, (info.tagline,) if info.tagline else (), t.small,
                      tuple(info.contacts), t.small)


class Painter:
    """Draws the running header and footer for one layout, theme and clinic."""

    def __init__(self, layout, theme, fonts, info: PageInfo, page_size):
        self.layout, self.theme, self.fonts, self.info = layout, theme, fonts, info
        self.width, self.height = page_size

    def header(self, canv, doc):
        if getattr(canv, "_dry", False):
            return
        L, t, info = self.layout, self.layout.type, self.info
        m, h = L.margins, L.header
        top = self.height - m.top
        x = m.left
        right = self.width - m.right
        canv.saveState()
        if "logo" in h.show:
            w, hh = fit_box(info.logo.aspect, h.logo_width, h.logo_height)
            y = top - (h.height - hh) / 2 - hh
            with marked(canv, "Figure", slot=0, alt=info.logo_alt):
                info.logo.draw(canv, x, y, w, hh)
            x += w + 12
        plan = info.plan if info.plan is not None else _plain_plan(info, t)
        if plan.contacts:
            cs = plan.contact_size
            canv.setFont(self.fonts.regular, cs)
            canv.setFillColor(HexColor(self.theme.text))
            lines = plan.contacts
            step = cs * 1.25
            y = top - (h.height - step * len(lines)) / 2 - cs
            urls = info.contact_urls or [contact_url(line) for line in lines]
            for line, url in zip(lines, urls):
                with marked(canv, "P", slot=3):
                    canv.drawRightString(right, y, line)
                    lw = stringWidth(line, self.fonts.regular, cs)
                    link(canv, url, (right - lw, y - cs * 0.25, right, y + cs), line)
                y -= step
        if plan.name_lines:
            size, lines, tag_lines, ts = plan.name_size, plan.name_lines, plan.tag_lines, plan.tag_size
            block = len(lines) * size * 1.15 + (len(tag_lines) + len(plan.address_lines)) * ts * 1.25
            y = top - (h.height - block) / 2 - size
            canv.setFillColor(HexColor(self.theme.heading))
            canv.setFont(self.fonts.bold, size)
            with marked(canv, "P", slot=1):
                for line in lines:
                    canv.drawString(x, y, line)
                    y -= size * 1.15
            canv.setFillColor(HexColor(self.theme.text))
            canv.setFont(self.fonts.regular, ts)
            for part in (tag_lines, plan.address_lines):  # tagline, then the address: one paragraph each
                if part:
                    with marked(canv, "P", slot=2):
                        for line in part:
                            canv.drawString(x, y + size * 1.15 - ts * 1.25 - 1, line)
                            y -= ts * 1.25
        if h.rule:
            canv.setStrokeColor(HexColor(self.theme.accent))
            canv.setLineWidth(1.5)
            with marked(canv, "Artifact"):
                canv.line(m.left, top - h.height, right, top - h.height)
        canv.restoreState()

    def footer(self, canv, page: int, total: int):
        L, t, info = self.layout, self.layout.type, self.info
        m = L.margins
        y = m.bottom + L.footer.height - t.small - 6
        canv.saveState()
        canv.setStrokeColor(HexColor(self.theme.rule))
        canv.setLineWidth(0.75)
        canv.line(m.left, m.bottom + L.footer.height - 2, self.width - m.right, m.bottom + L.footer.height - 2)
        canv.setFont(self.fonts.regular, t.small)
        canv.setFillColor(HexColor(self.theme.text))
        canv.drawString(m.left, y, info.footer_left)
        if "page" in L.footer.show:
            canv.drawRightString(self.width - m.right, y,
                                 info.page_of.replace("{page}", str(page)).replace("{pages}", str(total)))
        canv.restoreState()


class BodyFrame(Frame):
    """A platypus Frame that copies cheaply. reportlab deep-copies the current frame each time it
    measures a group (KeepTogether, lists in a table cell): ~2 ms per handout. A frame's attributes are
    numbers and names only, so a shallow copy is the same frame at a fraction of the cost."""

    def __deepcopy__(self, memo):
        return copy.copy(self)


class DryCanvas(Canvas):
    """A canvas that draws and writes nothing: the layout pass alone, to count pages.

    Page breaks, splits and keep rules are all decided by wrap() and split(), before anything is
    drawn, so the page count equals a full rendering's (a test compares them) at a quarter of the
    cost. The fit loop uses it to rule out larger fit steps without writing their PDFs."""

    _dry = True

    def showPage(self):
        self._startPage()

    def save(self):
        pass


def count_pages(flowables: list, layout, paper: str, fonts) -> tuple[int, float]:
    """(pages, fill of the last page) the flowables take in this layout and paper, without drawing."""
    doc, _ = _doc_template(flowables, layout, None, paper, fonts, {})
    doc.build(list(flowables), canvasmaker=DryCanvas)
    return doc.page, _fill(doc)


def _fill(doc) -> float:
    if doc.last_y is not None and doc.frame_height:
        return max(0.0, min(1.0, 1 - doc.last_y / doc.frame_height))
    return 1.0


def _doc_template(flowables, layout, painter, paper: str, fonts, meta: dict):
    page_size = PAPERS[paper]
    m = layout.margins
    body_top = page_size[1] - m.top - layout.header.height - 8
    body_bottom = m.bottom + layout.footer.height + 4
    width = page_size[0] - m.left - m.right
    height = body_top - body_bottom
    cols = layout.columns
    col_w = (width - layout.column_gap * (cols - 1)) / cols
    frames = [BodyFrame(m.left + i * (col_w + layout.column_gap), body_bottom, col_w, height, id=f"col{i}",
                    leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0) for i in range(cols)]
    buf = io.BytesIO()
    doc = HandoutDoc(buf, pagesize=page_size, leftMargin=m.left, rightMargin=m.right, topMargin=m.top,
                     bottomMargin=m.bottom, invariant=1, displayDocTitle=1, lang=meta.get("lang"),
                     title=meta.get("title"), author=meta.get("author"), subject=meta.get("subject"),
                     keywords=meta.get("keywords"), creator=meta.get("creator"), producer=meta.get("creator"),
                     initialFontName=fonts.regular, initialFontSize=layout.type.body)
    on_page = painter.header if painter is not None else (lambda canv, doc: None)
    doc.addPageTemplates([PageTemplate("page", frames=frames, onPage=on_page)])
    return doc, buf


def render_pdf(flowables: list, layout, theme, fonts, info: PageInfo, paper: str, meta: dict,
               timestamp, archive: bool = False, seed=None, recolour=None) -> Rendered:
    """Lay out and write one tagged (PDF/UA-1) PDF into memory; archive: PDF/A-2b too.
    seed (replay.Seed): fixed font codes, and drawings to replay; recolour: the clinic's colours for
    the stand-ins the flowables were styled with (replay.neutral_theme)."""
    painter = Painter(layout, theme, fonts, info, PAPERS[paper])
    doc, buf = _doc_template(flowables, layout, painter, paper, fonts, meta)
    tagger = Tagger(fonts.regular)
    tagger.lang, tagger.archive = meta.get("lang") or "", archive
    tagger.prepare(flowables)
    canvasmaker = tagging_canvas(numbered_canvas(info, tagger.artifact_fn(painter.footer)), tagger)

    def make_canvas(*args, **kwargs):
        canv = canvasmaker(*args, **kwargs)
        canv._doc._timeStamp = timestamp
        canv.setPageCompression(1)
        if seed is not None:
            seed_document(canv, seed)
        canv._recolour = recolour
        return canv

    doc.build(list(flowables), canvasmaker=make_canvas)
    return Rendered(buf.getvalue(), doc.page, _fill(doc))


def body_width(layout, paper: str) -> float:
    page_w = PAPERS[paper][0]
    width = page_w - layout.margins.left - layout.margins.right
    return (width - layout.column_gap * (layout.columns - 1)) / layout.columns
