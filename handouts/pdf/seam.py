"""The one seam to reportlab: every class we need to behave differently, as a subclass.

Nothing here, nor anywhere else in handouts, assigns to an attribute of a reportlab class or module:
a plain reportlab document made in the same process is drawn and written exactly as without
handouts (a test compares the bytes). What must lean on reportlab's private names (a table's
`_drawCell`, a canvas's `_code`, an image's `_filters`) is written here, for the reportlab versions
`SUPPORTED` names; importing this module on any other version fails at once with what was found.

The subclasses do nothing unusual on an ordinary canvas. On our canvas (`tagging.tagging_canvas`)
they ask it, through methods it has and reportlab's canvas has not:

* `tag_flowable(f, draw)`: draw f inside its marked content or as an artifact (tagging.py);
* `tag_bullet(body, draw)`: a list bullet, as the label of its list item;
* `as_artifact()`: a context in which what is drawn is an artifact (table backgrounds and rules);
* `draw_recorded(f, run, position)`: draw f, or replay a recorded drawing of it (replay.py).

Also here, the process caches that make a batch fast: parsed and broken paragraphs, image
XObjects and font subsets (same inputs, same bytes).
"""
from __future__ import annotations

import zlib
from contextlib import nullcontext
from weakref import WeakKeyDictionary

import reportlab
from reportlab.graphics import shapes as _shapes
from reportlab.lib import utils as _utils
from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.pdfbase import pdfdoc, pdfmetrics, pdfutils, ttfonts
from reportlab.pdfgen import canvas as _canvas
from reportlab.platypus import flowables as _flowables
from reportlab.platypus import paragraph as _paragraph
from reportlab.platypus import tables as _tables

from handouts.pdf.slimimages import slim
from handouts.reuse.cache import remember

SUPPORTED = ((5, 0, 1), (5, 2))  # from 5.0.1 (the first to refuse remote and data: images), below 5.2


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def check_reportlab(version: str = reportlab.Version) -> None:
    """Refuse a reportlab this module was not written against, or one missing what it overrides."""
    low, high = SUPPORTED
    if not low <= _version(version) < high:
        raise ImportError(f"handouts works with reportlab {'.'.join(map(str, low))} up to (not including) "
                          f"{'.'.join(map(str, high))}; this is reportlab {version}: "
                          f"pip install 'reportlab>=5.0.1,<5.2'")
    needed = [(_tables.Table, "_drawCell"), (_tables.Table, "_drawBkgrnd"), (_tables.Table, "_drawLines"),
              (_flowables.ListFlowable, "_makeLIIndenter"), (_flowables.LIIndenter, "split"),
              (_paragraph.Paragraph, "breakLines"), (ttfonts.TTFont, "splitString"),
              (ttfonts.TTFontFace, "makeSubset"), (pdfdoc.PDFImageXObject, "loadImageFromSRC"),
              (pdfdoc.PDFImageXObject, "_checkTransparency"), (_canvas.Canvas, "_setXObjects"),
              (_shapes.Drawing, "drawOn"), (pdfdoc, "_mode2CS"), (pdfdoc, "PDFBase85Encode"),
              (_utils, "_digester")]
    for owner, name in needed:
        if not hasattr(owner, name):
            raise ImportError(f"reportlab {version} has no {owner.__name__}.{name}, which handouts relies on")


check_reportlab()


def retype(obj, cls):
    """A copy of obj (made by reportlab as its own class) as our subclass cls, sharing its state."""
    new = cls.__new__(cls)
    new.__dict__.update(obj.__dict__)
    return new


def _artifact(canv):
    hook = getattr(canv, "as_artifact", None)
    return nullcontext() if hook is None else hook()


def _tagged_draw_on(f, canvas, draw):
    if getattr(canvas, "_dry", False):
        return None  # a page-count-only layout pass (document.count_pages): nothing to draw
    hook = getattr(canvas, "tag_flowable", None)
    return draw() if hook is None else hook(f, draw)


def _recorded(f, canv, run, position=None):
    hook = getattr(canv, "draw_recorded", None)
    return run() if hook is None else hook(f, run, position)


class Tagged:
    """Mixin: drawOn asks a tagging canvas to mark what the flowable draws."""

    def drawOn(self, canvas, x, y, _sW=0):
        return _tagged_draw_on(self, canvas, lambda: super(Tagged, self).drawOn(canvas, x, y, _sW))


class Flowable(Tagged, _flowables.Flowable):
    """Base of our own flowables (tick boxes, pictures)."""


class Spacer(Tagged, _flowables.Spacer):
    pass


class Drawing(Tagged, _shapes.Drawing):
    """A graphics drawing (the QR code) whose initial font is ours: reportlab's renderer sets a
    drawing's default font (Helvetica) before drawing any shape, a font the PDF would then name
    without embedding it (PDF/UA and PDF/A checkers object). The QR code draws no text."""

    initialFontName = "Atkinson"


# -- paragraphs: parsed and broken once per text, style and width ------------------------------------
_PARSED: dict = {}
_BREAKS: dict = {}
_STYLES: dict = {}
_NAMES: dict = {}
_PLAIN = (int, float, str, bool, type(None))
_MAX = 4096


def style_key(style) -> tuple:
    """Every attribute of a ParagraphStyle (own or inherited), as a hashable value."""
    hit = _STYLES.get(id(style))
    if hit is not None and hit[0] is style:
        return hit[1]
    names = _NAMES.get(type(style))
    if names is None:
        names = _NAMES[type(style)] = tuple(sorted(style.defaults))
    # plain values as they are (12 and 12.0 lay out alike), anything else (colours) by its repr
    key = tuple(v if type(v) in _PLAIN else repr(v) for v in (getattr(style, n, None) for n in names)) \
        + (style.name,)
    remember(_STYLES, id(style), (style, key), _MAX)  # kept alive: its id is not reused meanwhile
    return key


class Paragraph(Tagged, _paragraph.Paragraph):
    """A paragraph that parses its markup and breaks its lines once per (text, style, width) in a
    process: the same sentence in the same style breaks the same way for every clinic. Its pieces
    after a split are one structure element; drawn through the canvas's recorder when it has one."""

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        base = super().__init__
        if (frags is not None or style is None or not isinstance(text, str) or bulletText is not None
                or getattr(style, "bulletText", None) is not None or type(self) is not Paragraph):
            return base(text, style, bulletText, frags, caseSensitive, encoding)
        key = (text, style_key(style), caseSensitive, encoding)
        hit = _PARSED.get(key)
        if hit is None:
            base(text, style, bulletText, frags, caseSensitive, encoding)
            remember(_PARSED, key, (self.text, self.style is style, self.style, self.frags, self.bulletText),
                     _MAX)
        else:
            self.caseSensitive, self.encoding, self.debug = caseSensitive, encoding, 0
            self.text, same, parsed_style, self.frags, self.bulletText = hit
            self.style = style if same else parsed_style
        self.break_key = (key, ())

    def breakLines(self, width):
        hkey = self.__dict__.get("break_key")
        if hkey is None:
            return super().breakLines(width)
        wkey = tuple(width) if isinstance(width, (list, tuple)) else width
        key = (hkey, wkey)
        hit = _BREAKS.get(key)
        if hit is None:
            result = super().breakLines(width)
            hit = remember(_BREAKS, key, (result, self.frags, self.__dict__.get("_width_max")), _MAX)
        else:
            result, self.frags, width_max = hit
            if width_max is not None:
                self._width_max = width_max
        self.break_key = (hkey[0], hkey[1] + (wkey,))
        return hit[0]

    def split(self, availWidth, availHeight):
        pieces = super().split(availWidth, availHeight)
        elem = self.__dict__.get("_struct")
        if elem is not None:
            for piece in pieces:
                if piece is not self:
                    piece.__dict__["_struct"] = elem  # both halves of a split paragraph are one element
        return pieces

    def draw(self):
        return _recorded(self, self.canv, lambda: super(Paragraph, self).draw())


# -- tables -------------------------------------------------------------------------------------------
class Table(Tagged, _tables.Table):
    """A table that remembers how it was made (everything but its cells) and the styles it was given,
    so a recorded drawing of it can be replayed (drawkeys.py); backgrounds and rules are artifacts."""

    def __init__(self, data, *args, **kwargs):
        styles = self.__dict__["made_styles"] = []
        super().__init__(data, *args, **kwargs)
        if len(args) > 2:
            args = args[:2] + (None,) + args[3:]   # the style: what setStyle was given, below
        self.__dict__["made_with"] = (args, {k: v for k, v in kwargs.items() if k != "style"}, styles)

    def setStyle(self, tblstyle):
        cmds = tblstyle.getCommands() if hasattr(tblstyle, "getCommands") else tblstyle
        self.__dict__.setdefault("made_styles", []).append(list(cmds))
        self.__dict__.pop("made_key", None)
        return super().setStyle(tblstyle)

    def wrap(self, availWidth, availHeight):
        """A table is wrapped two or three times at the same width (by its KeepTogether group, then by
        the frame, with less height), and reportlab measures every row again each time (every cell's
        paragraphs broken again, under a longer width history). The rows do not depend on the height
        offered unless they overflow it, so once every row has been measured at a width, another wrap
        at that width with at least that much height, with the same cells, gives the same answer."""
        memo = self.__dict__.get("wrapped_at")
        if memo is not None and memo[0] == availWidth and availHeight >= memo[1] and memo[2] is self._cellvalues:
            self.availWidth = availWidth
            return self._width, self._height
        result = super().wrap(availWidth, availHeight)
        if getattr(self, "_hmax", None) == self._nrows and type(self).wrap is Table.wrap:
            self.__dict__["wrapped_at"] = (availWidth, self._height, self._cellvalues)
        else:
            self.__dict__.pop("wrapped_at", None)
        return result

    def _drawBkgrnd(self):
        with _artifact(self.canv):
            return super()._drawBkgrnd()

    def _drawLines(self):
        with _artifact(self.canv):
            return super()._drawLines()

    def _drawCell(self, cellval, cellstyle, pos, size):
        canv = self.canv
        if getattr(canv, "as_artifact", None) is None or isinstance(cellval, (tuple, list, _flowables.Flowable)):
            return super()._drawCell(cellval, cellstyle, pos, size)
        if cellval == "":
            return None  # nothing to draw (and no stray Helvetica in the resources)
        with _artifact(canv):  # a bare string cell (the builder only makes empty ones)
            return super()._drawCell(cellval, cellstyle, pos, size)

    def draw(self):
        return _recorded(self, self.canv, lambda: super(Table, self).draw())


# -- lists --------------------------------------------------------------------------------------------
class LIIndenter(_flowables.LIIndenter):
    """A list item's indented body: its bullet is the item's label in a tagged PDF."""

    def split(self, aW, aH):
        return [retype(piece, LIIndenter) for piece in super().split(aW, aH)]

    def drawOn(self, canv, x, y, _sW=0):
        if getattr(canv, "_dry", False):
            return
        bullet = self._bullet
        if bullet:
            draw = lambda: bullet.drawOn(self, canv, x, y, 0)  # noqa: E731
            hook = getattr(canv, "tag_bullet", None)
            draw() if hook is None else hook(self._flowable, draw)
        self._flowable.drawOn(canv, x + self._leftIndent, y, max(0, _sW - self._leftIndent - self._rightIndent))


class ListFlowable(_flowables.ListFlowable):
    def _makeLIIndenter(self, flowable, bullet, params=None):
        return retype(super()._makeLIIndenter(flowable, bullet, params), LIIndenter)

    def drawOn(self, canv, x, y, _sW=0, *args, **kwargs):
        base = super().drawOn
        if args or kwargs:
            return base(canv, x, y, _sW, *args, **kwargs)
        return _recorded(self, canv, lambda: base(canv, x, y, _sW), (x, y, _sW))


# -- fonts --------------------------------------------------------------------------------------------
_SUBSETS: dict = {}
_GLYPH_WATCH: WeakKeyDictionary = WeakKeyDictionary()


def watch_glyphs(doc, watcher) -> None:
    """Call watcher(font name, text) whenever a font of this document is asked for codes (replay.py
    checks the text stays within a seed's characters)."""
    _GLYPH_WATCH[doc] = watcher


class _Face(ttfonts.TTFontFace):
    def makeSubset(self, subset):
        """A subset's bytes depend only on the font and the glyphs: made once per process."""
        key = (id(self), self.filename, tuple(subset))
        data = _SUBSETS.get(key)
        if data is None:
            data = remember(_SUBSETS, key, super().makeSubset(subset), 512)
        return data


class TTFont(ttfonts.TTFont):
    """A TrueType font read from bytes (source: the file they came from, which the PDF names)."""

    def __init__(self, name, file, source: str | None = None, **kwargs):
        super().__init__(name, file, **kwargs)
        self.face: _Face = retype(self.face, _Face)
        if source is not None:
            self.face.filename = source

    def register(self) -> None:
        """pdfmetrics.registerFont, without taking the font file's face name in reportlab's registry:
        reportlab gives every later font registered with that face name (anyone's plain TTFont of the
        same file) the first one registered. Ours is slimmed and numbered differently, so it is
        registered under a name of its own; the PDF still names the face as the file does."""
        real = self.face.name
        self.face.name = b"handouts:" + real
        try:
            pdfmetrics.registerFont(self)
        finally:
            self.face.name = real

    def splitString(self, text, doc, encoding="utf-8"):
        watcher = _GLYPH_WATCH.get(doc)
        if watcher is not None:
            watcher(self.fontName, text)
        return super().splitString(text, doc, encoding)


# -- images -------------------------------------------------------------------------------------------
_IMAGES: dict = {}


class ImageXObject(pdfdoc.PDFImageXObject):
    """An image from an ImageReader, without ASCII85 (a quarter bigger, and slow), its filter written
    as a name (qpdf, which tags merged packets, then passes the stream through instead of inflating
    it again), re-encoded with PNG predictors or as a palette where that is smaller (slimimages.py)."""

    predictor = None   # (colours, bits, palette) once slimmed

    def loadImageFromSRC(self, im):
        fp = im.jpeg_fh()
        if fp:
            info = pdfutils.readJPEGInfo(fp)
            fp.seek(0)
            self.width, self.height, self.bitsPerComponent = info[0], info[1], 8
            self.colorSpace = {1: "DeviceGray", 3: "DeviceRGB"}.get(info[2], "DeviceCMYK")
            self._dotrans = 1 if info[2] not in (1, 3) else 0
            self.streamContent, self._filters, self.mask = fp.read(), ("DCTDecode",), None
            return
        self.width, self.height = im.getSize()
        self.streamContent = zlib.compress(im.getRGBData())
        self._filters = ("FlateDecode",)
        self.colorSpace = pdfdoc._mode2CS[im.mode]
        self.bitsPerComponent = 8
        self._checkTransparency(im)

    def _checkTransparency(self, im):
        if self.mask == "auto" and im._dataA:
            self.mask = None
            self._smask = ImageXObject(_utils._digester(im._dataA.getRGBData()), im._dataA, mask=None)
            self._smask._decode = [0, 1]
        else:
            super()._checkTransparency(im)

    def format(self, document):
        d = {"Type": pdfdoc.PDFName("XObject"), "Subtype": pdfdoc.PDFName("Image"),
             "Width": self.width, "Height": self.height}
        if self.predictor is not None:
            colors, bits, plte = self.predictor
            d["BitsPerComponent"] = bits
            d["ColorSpace"] = (pdfdoc.PDFName(self.colorSpace) if plte is None else pdfdoc.PDFArray(
                [pdfdoc.PDFName("Indexed"), pdfdoc.PDFName("DeviceRGB"), len(plte) // 3 - 1, _Hex(plte)]))
            d["Filter"] = pdfdoc.PDFName("FlateDecode")
            d["Length"] = len(self.streamContent)
            d["DecodeParms"] = pdfdoc.PDFDictionary({"Predictor": 15, "Colors": colors, "BitsPerComponent": bits,
                                                     "Columns": self.width})
        else:
            d["BitsPerComponent"] = self.bitsPerComponent
            d["ColorSpace"] = pdfdoc.PDFName(self.colorSpace)
            if self.colorSpace == "DeviceCMYK" and getattr(self, "_dotrans", 0):
                d["Decode"] = pdfdoc.PDFArray([1, 0, 1, 0, 1, 0, 1, 0])
            elif getattr(self, "_decode", None):
                d["Decode"] = pdfdoc.PDFArray(self._decode)
            names = [pdfdoc.PDFName(f) for f in self._filters]
            d["Filter"] = names[0] if len(names) == 1 else pdfdoc.PDFArray(names)
            d["Length"] = len(self.streamContent)
        if self.mask:
            d["Mask"] = pdfdoc.PDFArray(self.mask)
        if getattr(self, "smask", None):
            d["SMask"] = self.smask
        return pdfdoc.PDFStream(pdfdoc.PDFDictionary(d), self.streamContent).format(document)


class _Hex(pdfdoc.PDFObject):
    """Binary bytes as a PDF hex string (a palette: a literal string would need its bytes escaped)."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document) -> bytes:
        return b"<" + self.data.hex().upper().encode("ascii") + b">"


def image_xobject(name: str, reader, mask) -> ImageXObject:
    """The XObject of an ImageReader's pixels, made (and slimmed) once per process."""
    key = (name, repr(mask))
    hit = _IMAGES.get(key)
    if hit is None:
        made = ImageXObject(name, reader, mask)
        slim(made)
        smask = made.__dict__.pop("_smask", None)
        if smask is not None:
            del smask._decode    # [0 1], a gray mask's default: left out when it is slimmed
            slim(smask)
            if smask.predictor is None:
                smask._decode = [0, 1]
        hit = remember(_IMAGES, key, (made, smask), 512)
    made, smask = hit
    obj = retype(made, ImageXObject)
    if smask is not None:
        obj._smask = retype(smask, ImageXObject)
    return obj


class Canvas(_canvas.Canvas):
    """A canvas whose ImageReader images are named once per reader (an md5 of ~370 KB of pixels for
    the logo, on every page otherwise) and written as ImageXObject."""

    def drawImage(self, image, x, y, width=None, height=None, mask=None, preserveAspectRatio=False,
                  anchor="c", anchorAtXY=False, showBoundary=False, extraReturn=None):
        if not isinstance(image, _utils.ImageReader) or extraReturn:
            return super().drawImage(image, x, y, width, height, mask, preserveAspectRatio, anchor,
                                     anchorAtXY, showBoundary, extraReturn)
        self._currentPageHasImages = 1
        names = image.__dict__.setdefault("_handouts_names", {})
        name = names.get(repr(mask))
        if name is None:
            rawdata, smask = image.getRGBData(), image._dataA
            mdata = smask.getRGBData() if mask == "auto" and smask else str(mask).encode("utf8")
            name = names[repr(mask)] = _utils._digester(rawdata + mdata)
        doc = self._doc
        reg_name = doc.getXObjectName(name)
        img = doc.idToObject.get(reg_name, None)
        if not img:
            img = image_xobject(name, image, mask)
            img.name = name
            self._setXObjects(img)
            doc.Reference(img, reg_name)
            doc.addForm(name, img)
            smask = getattr(img, "_smask", None)
            if smask:
                m_reg_name = doc.getXObjectName(smask.name)
                if not doc.idToObject.get(m_reg_name, None):
                    self._setXObjects(smask)
                    img.smask = doc.Reference(smask, m_reg_name)
                else:
                    img.smask = pdfdoc.PDFObjectReference(m_reg_name)
                del img._smask
        x, y, width, height, _ = aspectRatioFix(preserveAspectRatio, anchor, x, y, width, height,
                                                img.width, img.height, anchorAtXY)
        self.saveState()
        self.translate(x, y)
        self.scale(width, height)
        self._code.append("/%s Do" % reg_name)
        self.restoreState()
        if showBoundary:
            self.drawBoundary(showBoundary, x, y, width, height)
        self._formsinuse.append(name)
        return img.width, img.height
