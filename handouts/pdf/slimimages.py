"""Smaller image streams: re-encode reportlab's plain Flate images with PNG row predictors.

reportlab writes a picture's pixels as one Flate stream without a predictor. Logos are mostly flat
colour, which PNG's per-row filters (Paeth, Up, ...) compress far better: Pillow's PNG encoder picks
them, and a PNG's IDAT data is exactly a PDF FlateDecode stream with /Predictor 15. A picture with at
most 256 colours also becomes an Indexed image (one byte per pixel instead of three). The pixels a
viewer draws are unchanged; a test compares them.
"""
from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache

from PIL import Image

MODES = {"DeviceRGB": ("RGB", 3), "DeviceGray": ("L", 1)}  # reportlab colour space -> Pillow mode


def _png_parts(image: Image.Image) -> tuple[bytes, bytes | None, int]:
    """(IDAT data, PLTE data or None, bits per component) of the image saved as PNG.

    Pillow packs a palette of few colours into 1, 2 or 4 bits per pixel: the PDF must say so."""
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    data = buf.getvalue()
    pos, idat, plte, bits = 8, [], None, 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            bits = body[8]
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"PLTE":
            plte = body
        pos += 12 + length
    return b"".join(idat), plte, bits


def _exact_palette(image: Image.Image) -> Image.Image | None:
    """The RGB image as a palette image, only when that loses nothing."""
    if image.getcolors(256) is None:
        return None
    indexed = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=256)
    if indexed.convert("RGB").tobytes() != image.tobytes():
        return None
    return indexed


def _encode(mode: str, width: int, height: int, pixels: bytes) -> tuple[bytes, bytes | None, int, int]:
    """(Flate data with PNG predictors, palette or None, colours per pixel, bits) for raw pixels."""
    image = Image.frombytes(mode, (width, height), pixels)
    indexed = _exact_palette(image) if mode == "RGB" else None
    if indexed is not None:
        data, plte, bits = _png_parts(indexed)
        return data, plte, 1, bits
    data, _, bits = _png_parts(image)
    return data, None, len(mode), bits


@lru_cache(maxsize=64)
def _reencode(mode: str, width: int, height: int, raw: bytes) -> tuple | None:
    """_encode for a Flate stream as stored (the same logo in every handout of a batch is decoded
    once), or None when the stream is damaged or re-encoding would not make it smaller."""
    try:
        pixels = zlib.decompress(raw)
    except zlib.error:
        return None
    if len(pixels) != width * height * len(mode):
        return None
    found = _encode(mode, width, height, pixels)
    return found if len(found[0]) < len(raw) else None


def slim(xobj) -> None:
    """Re-encode an image XObject's 8-bit Flate pixels in place when that is smaller (seam.py calls
    it once per image and process, as it caches the image; it writes `predictor` out)."""
    if (tuple(xobj._filters) != ("FlateDecode",) or xobj.bitsPerComponent != 8
            or getattr(xobj, "_decode", None) or xobj.colorSpace not in MODES
            or not isinstance(xobj.streamContent, bytes)):
        return
    mode, _ = MODES[xobj.colorSpace]
    found = _reencode(mode, xobj.width, xobj.height, xobj.streamContent)
    if found is None:
        return
    data, plte, colors, bits = found
    xobj.streamContent, xobj.bitsPerComponent = data, bits
    xobj.predictor = (colors, bits, plte)
