"""Byte-for-byte neutral speed-ups for reportlab, applied once on import (issue #4).

Every PDF a batch worker writes embeds the same few images (a clinic's logo on every page of every
handout, the exercise pictures) and the same font subsets again and again. reportlab recomputes both
for every document: it deflates the image's raw pixels (hundreds of KB) and rebuilds each TrueType
subset. Both results depend only on their inputs, so we memoise them:

* image XObjects by reportlab's own content digest of the pixels (and the mask and A85 setting);
* font subsets by (font file, glyph list).

And no ASCII85: it makes streams 25% bigger and costs time; the tagging pass (pikepdf) decodes it anyway.

The PDFs do not change: the same bytes go into the same objects.
"""
from __future__ import annotations

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts

_IMAGES: dict = {}
_SUBSETS: dict = {}
_MAX = 512


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
            smask = None
            if "_smask" in self.__dict__:
                data = source._dataA
                smask = (pdfdoc._digester(data.getRGBData()), data, None)
            if len(_IMAGES) >= _MAX:
                _IMAGES.clear()
            _IMAGES[key] = ({k: v for k, v in self.__dict__.items() if k != "_smask"}, smask)

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
            data = original(self, subset)
            if len(_SUBSETS) >= _MAX:
                _SUBSETS.clear()
            _SUBSETS[key] = data
        return data

    cls.makeSubset = makeSubset
    cls._handouts_cached = True


rl_config.useA85 = 0
_patch_images()
_patch_subsets()
