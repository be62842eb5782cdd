"""Read PNG/JPEG images safely (size, pixel and folder limits) and prepare them for print. (An SVG
logo is read by svglogo.py; logo.py picks the reader.)"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.utils import ImageReader

from handouts.errors import HandoutError, display_path
from handouts.model.yamlfile import Document

MAX_BYTES = 5_000_000
MAX_PIXELS = 25_000_000
PRINT_DPI = 300
RASTER = (".png", ".jpg", ".jpeg")


@dataclass(eq=False)
class Picture:
    """A decoded, checked image, with print-ready copies made once per printed size."""

    image: Image.Image
    file: str
    _readers: dict = field(default_factory=dict, repr=False)

    @property
    def aspect(self) -> float:
        return self.image.width / self.image.height

    def reader(self, width_pt: float, height_pt: float) -> ImageReader:
        """An ImageReader resampled to at most 300 dpi at the printed size."""
        key = (round(width_pt, 2), round(height_pt, 2))
        if key not in self._readers:
            w = max(1, round(width_pt / 72 * PRINT_DPI))
            h = max(1, round(height_pt / 72 * PRINT_DPI))
            img = self.image
            if img.width > w or img.height > h:
                img = img.resize((min(w, img.width), min(h, img.height)), Image.Resampling.LANCZOS)
            self._readers[key] = ImageReader(img)
        return self._readers[key]

    def draw(self, canv, x: float, y: float, w: float, h: float) -> None:
        """The picture into the box at x, y (w x h points: its aspect ratio), at most 300 dpi."""
        canv.drawImage(self.reader(w, h), x, y, w, h, mask="auto")


def fit_box(aspect: float, box_w: float, box_h: float) -> tuple[float, float]:
    """Largest width, height with the given aspect ratio inside a box."""
    if box_w / box_h > aspect:
        return box_h * aspect, box_h
    return box_w, box_w / aspect


def read_inside(folder: Path, name: str, doc: Document, where: tuple, suffixes: tuple[str, ...] = RASTER,
                kinds: str = "a PNG or JPEG file") -> tuple[Path, bytes]:
    """The bytes of a file that must live inside `folder`, be one of `kinds` and at most MAX_BYTES."""
    base = folder.resolve()
    path = (folder / name).resolve()
    if name.startswith(("/", "\\")) or ":" in name or not path.is_relative_to(base):
        raise HandoutError(doc.problem(where, f"expected a file inside {display_path(folder)}, got {name!r}"))
    if path.suffix.lower() not in suffixes:
        raise HandoutError(doc.problem(where, f"expected {kinds}, got {name!r}"))
    if not path.is_file():
        raise HandoutError(doc.problem(where, f"image file not found: {display_path(path)}"))
    size = path.stat().st_size          # before reading: a huge file is never read
    raw = path.read_bytes() if size <= MAX_BYTES else b""
    if size > MAX_BYTES or len(raw) > MAX_BYTES:
        raise HandoutError(doc.problem(where, f"image is too large ({max(size, len(raw))} bytes; at most {MAX_BYTES})"))
    return path, raw


def load_picture(folder: Path, name: str, doc: Document, where: tuple) -> Picture:
    """Read an image that must live inside `folder`, with limits on bytes and pixels."""
    path, raw = read_inside(folder, name, doc, where)
    return decode_picture(path, name, raw, doc, where)


def decode_picture(path: Path, name: str, raw: bytes, doc: Document, where: tuple) -> Picture:
    """A PNG or JPEG file's bytes, decoded and checked (format, pixels, a complete stream)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(raw))
            if image.format not in ("PNG", "JPEG"):
                raise HandoutError(doc.problem(where, f"expected a PNG or JPEG image, got {image.format}"))
            if image.width * image.height > MAX_PIXELS:
                raise HandoutError(doc.problem(where, f"image has too many pixels ({image.width}x{image.height}; "
                                                      f"at most {MAX_PIXELS} in all)"))
            image.load()
            image = ImageOps.exif_transpose(image)
    except HandoutError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        # Pillow's "cannot identify image file <_io.BytesIO object at 0x...>" names a memory address
        reason = "not a picture file Pillow recognises" if isinstance(exc, UnidentifiedImageError) else str(exc)
        # Pillow 10 says "Decompressed Data Too Large", later releases "Decompressed data too large"
        if "decompressed data too large" in reason.lower():
            reason = "a text chunk in it would unpack to too much data"
        raise HandoutError(doc.problem(where, f"{name!r} is not a readable PNG or JPEG image ({reason})")) from None
    if image.width < 1 or image.height < 1:
        raise HandoutError(doc.problem(where, "image has no pixels"))
    if image.mode not in ("RGB", "RGBA", "L"):
        has_alpha = image.mode in ("LA", "PA", "RGBa", "La") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    return Picture(image, display_path(path))
