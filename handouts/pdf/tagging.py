"""Tagged PDF, drawing side: every mark reportlab draws becomes marked content or an artifact.

Before `doc.build`, `Tagger.prepare` turns the flowables (each carries `role`, see flowables.py) into a
tree of structure elements in content order and pins each element on the flowable that draws it
(`flowable._struct`). While reportlab draws, our flowables (seam.py) ask the tagging canvas to write
`/<Tag> <</MCID n>> BDC ... EMC` around each tagged flowable and `/Artifact BMC ... EMC` around
everything else, and it records (page, MCID) on the element. Before reportlab writes the file,
`taggedpdf` adds the structure tree and the PDF/UA declarations to it, and `pdfwrite` writes it.
Only the tagging canvas has these methods: plain reportlab use elsewhere is unchanged.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, Table
from reportlab.platypus.flowables import NullDraw

from handouts.pdf.structure import Elem
from handouts.reuse.replay import draw_recorded, link_made, note

LEAF_ROLES = {"H1", "H2", "H3", "H4", "P", "Figure", "Lbl", "LBody", "Caption"}


class Tagger:
    """Collects the structure tree of one rendering and writes the marked-content operators."""

    def __init__(self, font: str | None = None):
        self.font = font  # for table cells' own (unused) text state, instead of reportlab's Helvetica
        self.root = Elem("Document")
        self.header = self.root.add("Div", title="Letterhead")
        self.pages: dict[int, list[Elem]] = {}   # page index -> element of each MCID
        self.links: list[Elem] = []              # annotation StructParent key -> its Link element
        self.annots: dict[int, tuple] = {}       # StructParent key -> (reportlab's name, page index)
        self.lang = ""                           # BCP 47, for the XMP metadata
        self.archive = False                     # PDF/A-2b as well as PDF/UA-1
        self.stack: list[Elem | None] = []       # open marked-content sequences (None: artifact)
        self._drawn: dict[int, object] = {}      # flowables already drawn (repeated table rows)
        self.header_slots: dict[int, int] = {}
        self._level = 0  # last heading level, so the tree never skips one (a callout title after H1)

    # -- before the build: flowables -> element tree ---------------------------------------------
    def prepare(self, flowables: list) -> None:
        for f in flowables:
            self._add(f, self.root)

    def _add(self, f, parent: Elem) -> None:
        role = getattr(f, "role", None)
        if isinstance(f, (list, tuple)):
            for x in f:
                self._add(x, parent)
        elif isinstance(f, KeepTogether):
            self._add(f._content, parent)
        elif role == "Artifact" or isinstance(f, NullDraw) or isinstance(f, str):
            return
        elif isinstance(f, ListFlowable):
            lst = f.__dict__["_struct_root"] = parent.add("L")
            for item in f._flowables:
                li = lst.add("LI")
                li.lbl = li.add("Lbl")
                self._body(li, list(item._flowables) if isinstance(item, ListItem) else [item])
        elif isinstance(f, Table):
            self._table(f, role, parent)
        elif role == "Figure":
            f.__dict__["_struct"] = parent.add("Figure", alt=getattr(f, "alt", None))
        elif role in ("H1", "H2", "H3", "H4"):
            self._level = min(int(role[1]), self._level + 1)
            f.__dict__["_struct"] = parent.add(f"H{self._level}")
        elif role == "P":
            f.__dict__["_struct"] = parent.add(role)
        elif isinstance(f, Paragraph):
            f.__dict__["_struct"] = parent.add("P")
        # anything else draws as an artifact

    def _body(self, li: Elem, flowables: list) -> None:
        """LBody of a list item; a lone paragraph's text goes straight into the LBody."""
        body = li.add("LBody")
        paras = [f for f in flowables if isinstance(f, Paragraph) and getattr(f, "role", "P") == "P"]
        if len(paras) == 1 and all(f is paras[0] or getattr(f, "role", None) == "Artifact" for f in flowables):
            paras[0].__dict__["_struct"] = body
        else:
            self._add(flowables, body)

    def _table(self, t: Table, role: str | None, parent: Elem) -> None:
        rows = t._cellvalues
        if self.font:  # every cell sets its font before drawing, even a flowable cell
            for style in (cs for row in t._cellStyles for cs in row):
                style.fontname = self.font
        if role == "Aside":
            box = t.__dict__["_struct_root"] = parent.add("Aside", title=getattr(t, "kind", None))
            self._add(list(getattr(t, "cells", None) or [c for r in rows for c in r]), box)
        elif role == "L":  # a checklist: tick box (artifact) + text per row
            lst = t.__dict__["_struct_root"] = parent.add("L")
            for row in rows:
                self._body(lst.add("LI"), list(row))
        elif role == "Table" and (getattr(t, "header_row", False) or getattr(t, "header_col", False)):
            table = t.__dict__["_struct_root"] = parent.add("Table")
            for r, row in enumerate(rows):
                tr = table.add("TR")
                for c, cell in enumerate(row):
                    if r == 0 and t.header_row:
                        cell_elem = tr.add("TH", scope="Column")
                    elif c == 0 and t.header_col:
                        cell_elem = tr.add("TH", scope="Row")
                    else:
                        cell_elem = tr.add("TD")
                    self._add(cell, cell_elem)
        else:  # a layout table (QR block, dosing row): a group in reading order, no table semantics
            group = t.__dict__["_struct_root"] = parent.add("Div")
            self._add([c for r in rows for c in r], group)

    # -- while drawing ---------------------------------------------------------------------------
    def current(self) -> Elem | None:
        return self.stack[-1] if self.stack else None

    def open_mcid(self, canv, elem: Elem) -> str:
        """The next MCID of this page, tied to elem: the operator that opens its marked content."""
        page = canv.getPageNumber() - 1
        mcids = self.pages.setdefault(page, [])
        mcid = len(mcids)
        mcids.append(elem)
        elem.kids.append((page, mcid))
        return f"/{elem.role} <</MCID {mcid}>> BDC"

    @contextmanager
    def content(self, canv, elem: Elem):
        if self.stack:  # never nest marked content; the outer sequence owns what is drawn inside
            yield
            return
        canv._code.append(self.open_mcid(canv, elem))
        note(canv, "mcid", elem)  # a drawing being recorded keeps a slot for it (replay.py)
        self.stack.append(elem)
        try:
            yield
        finally:
            self.stack.pop()
            canv._code.append("EMC")

    @contextmanager
    def artifact(self, canv):
        if self.stack:
            yield
            return
        canv._code.append("/Artifact BMC")
        self.stack.append(None)
        try:
            yield
        finally:
            self.stack.pop()
            canv._code.append("EMC")

    def draw_flowable(self, f, canv, draw) -> None:
        if isinstance(f, NullDraw):
            return draw()
        if isinstance(f, Table) and getattr(f, "role", None) != "Artifact":
            return draw()  # a container: cells tag themselves, backgrounds and rules are artifacts
        elem = f.__dict__.get("_struct")
        seen = id(f) in self._drawn
        self._drawn[id(f)] = f
        if elem is None or seen:  # untagged, or a header row repeated on the next page
            with self.artifact(canv):
                return draw()
        with self.content(canv, elem):
            return draw()

    def link(self, canv, url: str, text: str) -> dict | None:
        """Register a link annotation made inside the current element: its /StructParent and
        /Contents. None when drawing an artifact (the link is then left out)."""
        elem = self.current()
        if elem is None:
            return None
        link = elem.add("Link")
        key = len(self.links)
        self.links.append(link)
        link.kids.append(("objr", key))
        return {"StructParent": key, "Contents": PDFString(text), "F": 4}  # F 4: printable (PDF/A)

    # -- running header and footer ----------------------------------------------------------------
    def artifact_fn(self, fn):
        """Wrap a drawing function (the footer) so all it draws is an artifact."""
        def wrapped(canv, *args):
            with self.artifact(canv):
                fn(canv, *args)
        return wrapped


def tagger_of(canv) -> Tagger | None:
    return getattr(canv, "_tagger", None)


@contextmanager
def marked(canv, role: str, slot: int = 0, **attrs):
    """Header part: on page 1 an element of the letterhead, placed in reading order by slot (logo,
    name, tagline, contacts), on later pages an artifact."""
    t = tagger_of(canv)
    if t is None:
        yield
    elif role == "Artifact" or canv.getPageNumber() != 1:
        with t.artifact(canv):
            yield
    else:
        elem = t.header.add(role, **attrs)
        t.header_slots[id(elem)] = slot
        t.header.kids.sort(key=lambda e: t.header_slots.get(id(e), 0))  # stable: drawing order within a slot
        with t.content(canv, elem):
            yield


_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{4,}[0-9]")
_WEB = re.compile(r"(https://)?([A-Za-z0-9-]+\.)+[A-Za-z]{2,}(/\S*)?")


def contact_url(text: str) -> str | None:
    """The address a printed contact line points at: mailto:, tel: or https:, else None."""
    text = text.strip()
    m = _EMAIL.fullmatch(text.split()[-1]) if text else None
    if m:
        return "mailto:" + m.group(0)
    m = _WEB.fullmatch(text)
    if m:
        return text if text.startswith("https://") else "https://" + text
    m = _PHONE.search(text)
    if m and not re.search(r"[0-9]\s*[-–]\s*[0-9]{1,2}\s*(am|pm|:)", text, re.I) and ":" not in m.group(0):
        digits = re.sub(r"[^0-9+]", "", m.group(0))
        if len(digits.lstrip("+")) >= 5:
            return "tel:" + digits
    return None


def link(canv, url: str | None, rect: tuple[float, float, float, float], text: str = "") -> None:
    """A link annotation over rect (absolute), tied to the element being drawn (tagged canvases
    only: an untagged link would be an untagged annotation)."""
    if url and tagger_of(canv) is not None:
        canv.linkURL(url, rect, relative=1, thickness=0, _text=text)


def tagging_canvas(base: type, tagger: Tagger) -> type:
    """A canvas class that knows its tagger and ties link annotations into the structure."""

    class TaggingCanvas(base):
        _tagger = tagger

        def linkURL(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
            # while a drawing is being recorded, it records the link too (replay.py)
            return link_made(self, self._make_link, (url, rect, relative, thickness, color, dashArray, kind), kw)

        def _make_link(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
            extra = tagger.link(self, url, kw.pop("_text", None) or _describe(url))
            if extra is None:
                return None
            kw.update(extra)
            result = super().linkURL(url, rect, relative, thickness, color, dashArray, kind, **kw)
            # reportlab registers (and numbers) the annotation at once, as Annot.NUMBER<count>
            tagger.annots[extra["StructParent"]] = (f"Annot.NUMBER{self._annotationCount}",
                                                    self.getPageNumber() - 1)
            return result

        # -- what seam.py's flowables ask of the canvas they are drawn on
        def tag_flowable(self, f, draw):
            return tagger.draw_flowable(f, self, draw)

        def tag_bullet(self, body, draw):
            """A list item's bullet: the label of the item whose body is `body`, once."""
            li = body.__dict__.get("_struct")
            while li is not None and li.role != "LI":
                li = li.parent
            with (tagger.content(self, li.lbl) if li is not None and li.lbl is not None and not li.lbl.kids
                  else tagger.artifact(self)):
                draw()

        def as_artifact(self):
            return tagger.artifact(self)

        def draw_recorded(self, f, run, position=None):
            return draw_recorded(self, f, run, position)

        def drawImage(self, image, *args, **kwargs):
            if isinstance(image, ImageReader):
                note(self, "image", (image, kwargs.get("mask", args[4] if len(args) > 4 else None)))
            else:
                note(self, "impure")
            return super().drawImage(image, *args, **kwargs)

        def write_structure(self):
            """Before reportlab writes the file: the structure tree and the PDF/UA (and PDF/A)
            declarations as objects of this document, which then writes itself compactly."""
            from reportlab.pdfbase.pdfdoc import PDFDate

            from handouts.pdf.pdfwrite import install
            from handouts.pdf.taggedpdf import declare, write_structure
            doc, inf = self._doc, self._doc.info
            date = PDFDate(ts=doc._timeStamp, dateFormatter=inf._dateFormatter).format(doc)
            date = date.decode("latin-1").strip("()")
            info = {"Title": inf.title, "Author": inf.author, "Subject": inf.subject, "Keywords": inf.keywords,
                    "Producer": inf.producer, "Creator": inf.creator, "CreationDate": date, "ModDate": date}
            declare(doc, tagger, write_structure(doc, tagger), info)
            install(doc)

    for name in _IMPURE:  # what a replayed drawing would leave out
        setattr(TaggingCanvas, name, _impure(getattr(TaggingCanvas, name)))
    return TaggingCanvas


_IMPURE = ("drawInlineImage", "bookmarkPage", "bookmarkHorizontal", "bookmarkHorizontalAbsolute",
           "addOutlineEntry", "linkAbsolute", "linkRect", "doForm", "beginForm", "textAnnotation",
           "freeTextAnnotation", "inkAnnotation", "highlightAnnotation")


def _impure(method):
    def wrapped(self, *args, **kwargs):
        note(self, "impure")
        return method(self, *args, **kwargs)
    return wrapped


def _describe(url: str) -> str:
    for scheme, what in (("mailto:", "Email "), ("tel:", "Phone "), ("https://", "")):
        if url.startswith(scheme):
            return what + url[len(scheme):].rstrip("/")
    return url
