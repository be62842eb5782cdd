"""Flowables of our own (a tick box, a picture at its printed size) and the keep rules that hold
blocks together across page breaks (a callout in one piece, a heading with what follows it)."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.platypus import KeepTogether

from handouts.pdf.seam import Flowable, ListFlowable


class TickBox(Flowable):
    """Empty squares to tick by hand: one, or one per session of the day (as many to a line as fit)."""

    GAP = 3.0

    def __init__(self, size: float, colour: str, count: int = 1):
        super().__init__()
        self.size = size
        self.colour = colour
        self.count = count
        self.per_line = count
        self.role = "Artifact"

    def wrap(self, aw, ah):
        step = self.size + self.GAP
        self.per_line = max(1, min(self.count, int((aw + self.GAP) // step)))
        lines = -(-self.count // self.per_line)
        return self.per_line * step - self.GAP, lines * step - self.GAP

    def draw_key(self):
        """What its drawing depends on, so a table of them can be replayed (replay.py)."""
        return "tick", self.size, self.colour, self.count, self.per_line

    def draw(self):
        self.canv.setStrokeColor(HexColor(self.colour))
        self.canv.setLineWidth(1)
        step = self.size + self.GAP
        lines = -(-self.count // self.per_line)
        for k in range(self.count):
            line, col = divmod(k, self.per_line)
            self.canv.rect(col * step, (lines - 1 - line) * step, self.size, self.size, stroke=1, fill=0)


class PictureBox(Flowable):
    """A resampled picture (an ImageReader, which platypus' Image does not take) at a fixed size."""

    def __init__(self, reader, width: float, height: float):
        super().__init__()
        self.reader, self.width, self.height = reader, width, height
        self.hAlign = "LEFT"

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw_key(self):
        return "picture", id(self.reader), self.width, self.height  # readers are kept per printed size

    def draw(self):
        self.canv.drawImage(self.reader, 0, 0, self.width, self.height, mask="auto")


_FUZZ = 1e-3  # points of rounding slack when comparing heights


class KeepWhole(KeepTogether):
    """A block kept in one piece (a callout box): moved to the next frame when it does not fit in what
    is left of this one; split (between its rows) only when it is taller than a whole frame.

    A KeepTogether, so the tagger reads the structure of what it holds (tagging.Tagger._add)."""

    def split(self, aW, aH):
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        content = list(self._content)
        if self._H <= aH + _FUZZ or frame is None or frame._atTop or self._H > frame._aH + _FUZZ:
            return content
        return [self.FrameBreak()] + content


class KeepWithNext(KeepTogether):
    """Headings and list titles ("leads") kept with at least the first lines of the block after them.

    reportlab's own keepWithNext does nothing when the next flowable is a list or another container
    (the heading is left alone at the foot of the page), and with a paragraph or table it moves the
    whole next block, however long. Here the leads move to the next frame only when they and the first
    piece of the block do not fit where they are: the first item of a list, the first two lines of a
    paragraph (reportlab never leaves one line alone), the header and first row of a table, or all of
    a block kept in one piece (an exercise, a callout). The block may then break as usual.

    A KeepTogether, so the tagger reads the structure of what it holds (tagging.Tagger._add); the
    leads are drawn one by one, so headings keep their role and bookmark."""

    def __init__(self, leads: list):
        super().__init__(list(leads))
        for f in leads:
            f.__dict__["keepWithNext"] = 0  # reportlab's rule would regroup them after our split
        self.leads = len(leads)

    def add(self, flowable, lead: bool) -> None:
        if lead:
            flowable.__dict__["keepWithNext"] = 0
            self.leads += 1
        self._content.append(flowable)

    def split(self, aW, aH):
        frame = getattr(self, "_frame", None)
        content = list(self._content)
        if frame is None or frame._atTop or self._first_fits(aW, aH):
            return content
        return [self.FrameBreak()] + content

    def _first_fits(self, aW, aH) -> bool:
        canv = self.canv
        used = 0.0
        leads, rest = self._content[:self.leads], self._content[self.leads:]
        for i, f in enumerate(leads):
            _, h = f.wrapOn(canv, aW, 0xFFFFFF)
            used += (f.getSpaceBefore() if i else 0) + h + f.getSpaceAfter()
        if not rest:
            return used <= aH + _FUZZ
        body = rest[0]
        room = aH - used - body.getSpaceBefore()
        return room > 0 and _first_piece_fits(body, canv, aW, room, self._frame._aH)


def _first_piece_fits(f, canv, aW: float, room: float, frame_height: float) -> bool:
    """Whether the first piece platypus would place of flowable f fits in room (height)."""
    if isinstance(f, ListFlowable):  # a list breaks between (and inside) its items
        items = f._content
        return not items or _first_piece_fits(items[0], canv, aW, room - items[0].getSpaceBefore(), frame_height)
    if isinstance(f, KeepTogether):  # one piece, unless taller than a frame (then its first part)
        content = [x for x in f._content if not getattr(x, "frameAction", None)]
        _, h = f.wrapOn(canv, aW, room)
        h = getattr(f, "_H", h)
        if h <= room + _FUZZ:
            return True
        if h <= frame_height + _FUZZ or not content:
            return False
        return _first_piece_fits(content[0], canv, aW, room, frame_height)
    _, h = f.wrapOn(canv, aW, room)
    if h <= room + _FUZZ:
        return True
    return bool(f.splitOn(canv, aW, room))
