"""The embedded font family and a check that it has every character we print.

reportlab silently drops glyphs a font lacks; we refuse instead, naming the character and where it is.
"""
from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping

from handouts.pdf.seam import TTFont
from handouts.write import write_atomic

FAMILY = "Atkinson"
FACES = {
    "regular": ("Atkinson", "AtkinsonHyperlegible-Regular.ttf"),
    "bold": ("Atkinson-Bold", "AtkinsonHyperlegible-Bold.ttf"),
    "italic": ("Atkinson-Italic", "AtkinsonHyperlegible-Italic.ttf"),
    "bolditalic": ("Atkinson-BoldItalic", "AtkinsonHyperlegible-BoldItalic.ttf"),
}
# Characters that never need a glyph: line breaks, soft hyphen, zero-width and direction marks
IGNORED = {0x0A, 0x0D, 0x09, 0xAD, 0x200B, 0x200C, 0x200D, 0xFEFF}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    bolditalic: str
    files: tuple[Path, ...]
    covered: frozenset[int]

    def missing(self, text: str) -> list[str]:
        """Characters of text the fonts cannot draw, in order of first appearance."""
        seen = []
        for ch in text:
            cp = ord(ch)
            if cp not in self.covered and cp not in IGNORED and ch not in seen:
                seen.append(ch)
        return seen


def describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"'{ch}' (U+{ord(ch):04X} {name})"


def font_folder() -> Path:
    return Path(str(resources.files("fontpkg_atkinson_hyperlegible") / "files"))


RECIPE = "1"   # change when slim_font's options change: cached fonts made the old way are not used


def cache_folder() -> Path:
    """Where de-hinted fonts are kept between runs: HANDOUTS_CACHE_DIR, else the user's cache."""
    given = os.environ.get("HANDOUTS_CACHE_DIR", "").strip()
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "handouts"


def slimmed(path: Path) -> bytes:
    """slim_font(path), made once per machine: fontTools takes ~0.2 s a face, every process.

    Kept in cache_folder()/fonts under a hash of the font file, the fontTools version and RECIPE,
    each file its content's sha256 then the font. A file that does not match its hash (cut short,
    damaged) is made again; the cache is written by write_atomic, so runs at the same time each
    write the same bytes whole; a cache that cannot be written is skipped."""
    import hashlib

    from fontTools import version as fonttools_version

    raw = path.read_bytes()
    key = hashlib.sha256(b"%s\0%s\0" % (RECIPE.encode(), fonttools_version.encode()) + raw).hexdigest()
    target = cache_folder() / "fonts" / f"{path.stem}-{key[:32]}.bin"
    try:
        kept = target.read_bytes()
        if len(kept) > 32 and hashlib.sha256(kept[32:]).digest() == kept[:32]:
            return kept[32:]
    except OSError:
        pass
    data = slim_font(path)
    try:
        write_atomic(target, hashlib.sha256(data).digest() + data, sync=False)  # (checked by its hash)
    except OSError:
        pass   # a read-only home, a full disk: this run makes the fonts itself, as before
    return data


def slim_font(path: Path) -> bytes:
    """The font without its TrueType hinting, glyph names or layout tables, as bytes.

    PDF viewers rasterise glyphs themselves and ignore hinting programs, yet reportlab copies them
    (fpgm, prep, cvt and per-glyph instructions) into every subset it embeds: about 40% of each
    embedded font. fontTools removes them while keeping every outline and character of the family.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont as FontFile

    font = FontFile(str(path), recalcTimestamp=False)  # keep head.modified: same bytes every run
    options = subset.Options()
    options.hinting = False
    options.glyph_names = False
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep copyright, family, version and PostScript names
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def load_fonts() -> FontSet:
    """Register the family with reportlab once per process (reportlab's registry is global)."""
    folder = font_folder()
    covered: set[int] | None = None
    files = []
    for name, file in FACES.values():
        path = folder / file
        files.append(path)
        # asciiReadable=0: subsets hold only the glyphs a handout uses, not all of printable ASCII
        # source: where it came from (reportlab names it after the file object)
        font = TTFont(name, io.BytesIO(slimmed(path)), source=str(path), asciiReadable=0)
        font.register()
        cmap = set(font.face.charToGlyph.keys())
        covered = cmap if covered is None else covered & cmap
    addMapping(FAMILY, 0, 0, FACES["regular"][0])
    addMapping(FAMILY, 1, 0, FACES["bold"][0])
    addMapping(FAMILY, 0, 1, FACES["italic"][0])
    addMapping(FAMILY, 1, 1, FACES["bolditalic"][0])
    return FontSet(FACES["regular"][0], FACES["bold"][0], FACES["italic"][0], FACES["bolditalic"][0],
                   tuple(files), frozenset(covered or ()))
