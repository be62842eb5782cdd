"""Byte-for-byte neutral speed-ups for reportlab, applied once on import (issue #4).

Every PDF a batch worker writes embeds the same few images (a clinic's logo on every page of every
handout, the exercise pictures) and the same font subsets again and again. reportlab recomputes both
for every document: it deflates the image's raw pixels (hundreds of KB) and rebuilds each TrueType
subset. Both results depend only on their inputs, so we memoise them:

* image XObjects by reportlab's own content digest of the pixels (and the mask and A85 setting);
* font subsets by (font file, glyph list);
* paragraph parsing and line breaking by (markup, every style attribute, the widths broken at before,
  width): the same sentence in the same style breaks the same way for every clinic.

And no ASCII85: it makes streams 25% bigger and costs time.
And one filter is written as a name (`/Filter /FlateDecode`), not as reportlab's one-element array:
qpdf (pikepdf, which tags merged packets) does not take the array for "already compressed" and inflates
and deflates every such stream again (the logo's pixels too); the name it passes through.

The PDFs do not change: the same bytes go into the same objects.
"""
from __future__ import annotations

import re

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.platypus import paragraph

from .slimimages import slim

_IMAGES: dict = {}
_SUBSETS: dict = {}
_ENCODED: dict = {}
_MAX = 512


def remember(cache: dict, key, value, limit: int = _MAX):
    """cache[key] = value, emptying the cache first when it holds `limit` entries (a batch of
    thousands of handouts must not grow it without end); returns value."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def _patch_images() -> None:
    cls = pdfdoc.PDFImageXObject
    if getattr(cls, "_handouts_cached", False):
        return
    original = cls.__init__

    def __init__(self, name, source=None, mask=None):
        # only decoded images (ImageReader) are worth it; file names and the canned image are not
        key = (name, repr(mask), rl_config.useA85) if source is not None and hasattr(source, "jpeg_fh") else None
        hit = _IMAGES.get(key) if key is not None else None
        if hit is not None:
            attrs, smask = hit
            self.__dict__.update(attrs)
            if smask is not None:
                self._smask = cls(*smask)
                self._smask._decode = [0, 1]
            return
        original(self, name, source, mask)
        if key is not None:
            slim(self)  # PNG predictors, or a palette: the same pixels in fewer bytes (slimimages.py)
            smask = None
            if "_smask" in self.__dict__:
                data = source._dataA
                smask = (pdfdoc._digester(data.getRGBData()), data, None)
            remember(_IMAGES, key, ({k: v for k, v in self.__dict__.items() if k != "_smask"}, smask))

    cls.__init__ = __init__
    cls._handouts_cached = True


def _patch_subsets() -> None:
    cls = ttfonts.TTFontFile
    if getattr(cls, "_handouts_cached", False):
        return
    original = cls.makeSubset

    def makeSubset(self, subset):
        key = (id(self), getattr(self, "filename", None), tuple(subset))
        data = _SUBSETS.get(key)
        if data is None:
            data = remember(_SUBSETS, key, original(self, subset))
        return data

    cls.makeSubset = makeSubset
    cls._handouts_cached = True


def _patch_stream_filters() -> None:
    cls = pdfdoc.PDFStream
    if getattr(cls, "_handouts_filters", False):
        return
    original = cls.format

    def encoded(f, content):
        """f.encode(content), remembered for the font files and their maps: every handout embeds the
        same few subsets, deflated again each time (page contents differ and just pass through)."""
        if not isinstance(content, bytes) or len(content) < 1024:
            return f.encode(content)
        key = (f.pdfname, content)
        hit = _ENCODED.pop(key, None)
        if hit is None:
            hit = f.encode(content)
        _ENCODED[key] = hit                 # most recent last: page contents age out, fonts stay
        while len(_ENCODED) > 64:
            del _ENCODED[next(iter(_ENCODED))]
        return hit

    def dict_with(d, name):
        copy = d.copy()      # keeps an OrderedDict's key order
        copy["Filter"] = name
        return pdfdoc.PDFDictionary(copy)

    def format(self, document):
        d = self.dictionary.dict
        given = d.get("Filter")
        if isinstance(given, pdfdoc.PDFArray) and len(given.sequence) == 1:      # images: filtered already
            return original(cls(dict_with(d, given.sequence[0]), self.content),
                            document)
        filters = self.filters if self.filters is not None else document.defaultStreamFilters
        if given is None and filters is not None and len(filters) == 1 and self.content is not None:
            f = filters[0]                                   # what reportlab does, with the name alone
            return original(cls(dict_with(d, pdfdoc.PDFName(f.pdfname)), encoded(f, self.content)), document)
        return original(self, document)

    cls.format = format
    cls._handouts_filters = True


def _patch_split_string() -> None:
    """TTFont.splitString maps text to this document's subset codes, one character at a time in
    Python. When every character already has its code in subset 0 (nearly every string once a page
    is under way), str.translate does the same in C: the same bytes."""
    cls = ttfonts.TTFont
    if getattr(cls, "_handouts_split", False):
        return
    original = cls.splitString

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc)
        if state is not None and len(state.subsets) == 1 and isinstance(text, str) and text:
            assignments = state.assignments
            if assignments.keys() >= set(text):
                return [(0, text.translate(assignments).encode("latin-1"))]
        return original(self, text, doc, encoding)

    cls.splitString = splitString
    cls._handouts_split = True


_PARSED: dict = {}
_BREAKS: dict = {}
_STYLES: dict = {}
_NAMES: dict = {}
_PLAIN = (int, float, str, bool, type(None))


def _style_key(style) -> tuple:
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
    remember(_STYLES, id(style), (style, key), 8 * _MAX)  # kept alive: its id is not reused meanwhile
    return key


def _patch_paragraphs() -> None:
    cls = paragraph.Paragraph
    if getattr(cls, "_handouts_cached", False):
        return
    init, break_lines = cls.__init__, cls.breakLines

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        if (frags is not None or style is None or not isinstance(text, str) or bulletText is not None
                or getattr(style, "bulletText", None) is not None or type(self) is not cls):
            return init(self, text, style, bulletText, frags, caseSensitive, encoding)
        key = (text, _style_key(style), caseSensitive, encoding)
        hit = _PARSED.get(key)
        if hit is None:
            init(self, text, style, bulletText, frags, caseSensitive, encoding)
            remember(_PARSED, key, (self.text, self.style is style, self.style, self.frags, self.bulletText),
                     8 * _MAX)
        else:
            self.caseSensitive, self.encoding, self.debug = caseSensitive, encoding, 0
            self.text, same, parsed_style, self.frags, self.bulletText = hit
            self.style = style if same else parsed_style
        self._hkey = (key, ())

    def breakLines(self, width):
        hkey = self.__dict__.get("_hkey")
        if hkey is None:
            return break_lines(self, width)
        wkey = tuple(width) if isinstance(width, (list, tuple)) else width
        key = (hkey, wkey)
        hit = _BREAKS.get(key)
        if hit is None:
            result = break_lines(self, width)
            hit = remember(_BREAKS, key, (result, self.frags, self.__dict__.get("_width_max")), 8 * _MAX)
        else:
            result, self.frags, width_max = hit
            if width_max is not None:
                self._width_max = width_max
        self._hkey = (hkey[0], hkey[1] + (wkey,))
        return hit[0]

    cls.__init__ = __init__
    cls.breakLines = breakLines
    cls._handouts_cached = True


def _patch_table_wrap() -> None:
    """A table is wrapped two or three times at the same width (by its KeepTogether group, then by
    the frame, with less height): reportlab works out every row again each time. The rows do not
    depend on the height offered unless they overflow it, so once every row of a table has been
    measured at a width, another wrap at that width with at least that much height gives the same
    answer, and nothing has changed since (the table's cells are the same objects, untouched)."""
    from reportlab.platypus import tables
    cls = tables.Table
    if getattr(cls, "_handouts_wrap", False):
        return
    original = cls.wrap

    def wrap(self, availWidth, availHeight):
        memo = self.__dict__.get("_handouts_wrapped")
        if memo is not None and memo[0] == availWidth and availHeight >= memo[1] and memo[2] is self._cellvalues:
            self.availWidth = availWidth
            return self._width, self._height
        result = original(self, availWidth, availHeight)
        if getattr(self, "_hmax", None) == self._nrows and type(self).wrap is wrap:
            self.__dict__["_handouts_wrapped"] = (availWidth, self._height, self._cellvalues)
        else:
            self.__dict__.pop("_handouts_wrapped", None)
        return result

    cls.wrap = wrap
    cls._handouts_wrap = True


_PDFDOC_GAP = re.compile("[\x18-\x1f]")  # the only ASCII characters PDFDocEncoding spells otherwise


def _pdfdoc_encode(x):
    """pdfdoc.pdfdocEnc, with ASCII (nearly every name and string reportlab writes) taken straight:
    the same bytes, without a trip through a Python-level codec for each of ~800 objects a file."""
    if isinstance(x, str):
        if x.isascii() and not _PDFDOC_GAP.search(x):
            return x.encode("ascii")
        return x.encode("extpdfdoc")
    return x


def _patch_image_names() -> None:
    """canvas.drawImage names an image by an md5 of its pixels and alpha (~370 KB for the logo),
    on every page of every handout. The name only depends on the reader's pixels and the mask, so
    it is worked out once per ImageReader (they are cached per printed size, see images.py)."""
    from reportlab.pdfgen import canvas as canvas_module
    cls = canvas_module.Canvas
    if getattr(cls, "_handouts_names", False):
        return
    original, digester = cls.drawImage, canvas_module._digester

    def drawImage(self, image, x, y, width=None, height=None, mask=None, *args, **kwargs):
        if not isinstance(image, canvas_module.ImageReader):
            return original(self, image, x, y, width, height, mask, *args, **kwargs)
        names = image.__dict__.setdefault("_handouts_names", {})
        key = repr(mask)
        if key not in names:
            names[key] = digester(*_image_name_input(image, mask))
        canvas_module._digester = lambda data, name=names[key]: name
        try:
            return original(self, image, x, y, width, height, mask, *args, **kwargs)
        finally:
            canvas_module._digester = digester

    cls.drawImage = drawImage
    cls._handouts_names = True


def _image_name_input(image, mask) -> tuple:
    """What canvas.drawImage hands _digester for an ImageReader (reportlab 4 and 5)."""
    rawdata, smask = image.getRGBData(), image._dataA
    mdata = smask.getRGBData() if mask == "auto" and smask else str(mask)
    if isinstance(mdata, str):
        mdata = mdata.encode("utf8")
    return (rawdata + mdata,)


def _memo_names() -> None:
    """pdfdoc.PDFName escapes a dictionary key one character at a time in Python, for each of the
    ~300 keys a handout writes; the same few dozen names, so remembered (the same strings)."""
    if getattr(pdfdoc.PDFName, "_handouts_memo", False):
        return
    original, names = pdfdoc.PDFName, {}

    def PDFName(data, lo=chr(0x21), hi=chr(0x7e)):
        if lo != "!" or hi != "~" or not isinstance(data, str):
            return original(data, lo, hi)
        hit = names.get(data)
        return hit if hit is not None else remember(names, data, original(data), 4096)

    PDFName._handouts_memo = True
    pdfdoc.PDFName = PDFName


def _fast_format() -> None:
    """pdfdoc.format, which every dictionary and array calls for each of its ~1,000 values a
    handout, tried isinstance against PDFObject and two rl_config settings before reaching the
    plain numbers, strings and bytes that most values are. Those now go first: the same bytes."""
    if getattr(pdfdoc.format, "_handouts_fast", False):
        return
    original = pdfdoc.format
    fp_str = pdfdoc.fp_str

    encoded: dict = {}

    def format(element, document, toplevel=0):
        t = type(element)
        if t is str:       # names and keywords, mostly the same few dozen
            hit = encoded.get(element)
            return hit if hit is not None else remember(encoded, element, _pdfdoc_encode(element), 4096)
        if t is int or t is float:
            return fp_str(element).encode("ascii")   # digits, '.' and '-': ASCII, as pdfdocEnc gives
        if t is bytes:
            return element
        return original(element, document, toplevel)

    format._handouts_fast = True
    pdfdoc.format = format


rl_config.useA85 = 0
pdfdoc.pdfdocEnc = _pdfdoc_encode
_memo_names()
_fast_format()
_patch_image_names()
_patch_images()
_patch_subsets()
_patch_stream_filters()
_patch_split_string()
_patch_paragraphs()
_patch_table_wrap()
