"""Draw once, replay for every clinic (issue #4).

A batch builds the same handout for many clinics. Most of what reportlab draws is the same for all of
them: every paragraph, the weekly log, the callout boxes. Only three things made those drawings differ
from one clinic's PDF to the next, and each is made clinic-independent here:

* **Font codes.** reportlab numbers the glyphs of a font subset in the order a document first uses
  them, and the clinic's letterhead is drawn first. `seed_document` gives every font of a document
  a fixed code for each character the handout's own text uses in it (worked out once, from the
  handout with every clinic value blank, see build.py), before anything is drawn; the letterhead's
  other characters follow.
* **Brand colours.** Styles and tables are made with a stand-in colour for each theme colour
  (`neutral_theme`), and each page's content has the stand-ins swapped for the clinic's colours as
  the page is closed (`Recolour`).
* **Marked-content ids.** The MCID a cell's text gets depends on what is already on the page, so a
  recorded drawing keeps slots for them, filled in order and tied to the same structure elements of
  the document being drawn.

What `Paragraph.draw`, `Table.draw` and a list's `drawOn` emit is then recorded once per `Seed`
(one handout, layout, paper and fit step) and appended again for every later clinic. A drawing is
recorded only when replaying it gives what drawing it would: no character outside the seed, every
marked-content sequence inside it tied to an element under it, links only in the outermost drawing
(made again at its page matrix, see `link_made`), no bookmark or other annotation. Images it places
are registered again. Every document, the first included,
goes through the same font seed and colour swap, so the bytes never depend on which clinic was
built first (a test builds each shipped handout cold and after others and compares the bytes).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.platypus import ListFlowable, Paragraph, Table
from reportlab.platypus.flowables import KeepTogether

from handouts.layout.theme import Box, Theme
from handouts.pdf.seam import watch_glyphs
from handouts.pdf.structure import Elem
from handouts.reuse.drawkeys import list_drawn, list_key, paragraph_key, table_drawn, table_key
from handouts.reuse.standins import BOXES as _BOXES
from handouts.reuse.standins import FIELDS as _FIELDS
from handouts.reuse.standins import STANDINS as _STANDINS


class Seed:
    """One handout, layout, paper and fit step: its fixed font codes and the drawings recorded under them."""

    __slots__ = ("chars", "allowed", "fragments", "hits")

    def __init__(self, chars: dict[str, str]):
        self.chars = chars                      # font name -> its characters, in code order
        self.allowed = {name: frozenset(text + ("\xa0" if " " in text else "")) for name, text in chars.items()}
        self.fragments: dict = {}               # key (drawkeys.py) -> _Fragment
        self.hits = 0                           # drawings replayed (tests check replay happens)


# -- font codes ----------------------------------------------------------------------------------
def collect_chars(flowables) -> dict[str, str]:
    """The characters each font draws in these flowables' text, sorted: the seed of their codes."""
    found: dict[str, set] = {}

    def add(font, text):
        if font and text:
            found.setdefault(font, set()).update(text)

    def walk(f):
        if isinstance(f, (list, tuple)):
            for x in f:
                walk(x)
        elif isinstance(f, Paragraph):
            for frag in f.frags:
                text = getattr(frag, "text", None)
                if isinstance(text, str):
                    add(getattr(frag, "fontName", None), text)
        elif isinstance(f, Table):
            for row in f._cellvalues:
                walk(list(row))
        elif isinstance(f, ListFlowable):   # its bullets: the list's start, or numbers
            start = getattr(f, "_start", None)
            add(getattr(f, "_bulletFontName", None), "0123456789." + (start if isinstance(start, str) else ""))
            for item in f._flowables:
                value = getattr(item, "_params", {}).get("value")
                if isinstance(value, str):
                    add(getattr(f, "_bulletFontName", None), value)
            walk(list(f._flowables))
        elif isinstance(f, KeepTogether):
            walk(f._content)
        elif hasattr(f, "_flowables"):
            walk(list(f._flowables))

    walk(flowables)
    known = set(pdfmetrics.getRegisteredFontNames())
    return {name: "".join(sorted(chars - {"\xa0"}))
            for name, chars in sorted(found.items())
            if name in known and isinstance(pdfmetrics.getFont(name), ttfonts.TTFont)}


def seed_document(canv, seed: Seed) -> None:
    """Give the document's fonts the seed's codes and names before anything is drawn."""
    doc = canv._doc
    for name, text in seed.chars.items():
        font = pdfmetrics.getFont(name)
        font.splitString(text, doc)
        font.getSubsetInternalName(0, doc)
    canv._replay = seed
    canv._recs = []
    watch_glyphs(doc, _glyph_watcher(canv._recs, seed.allowed))


def _glyph_watcher(recs: list, allowed: dict):
    """Marks the drawings being recorded impure when they use a character outside the seed."""
    def watch(font: str, text: str) -> None:
        if recs:
            chars = allowed.get(font)
            if chars is None or not chars.issuperset(text):
                for r in recs:
                    r.impure = True
    return watch


# -- colours -------------------------------------------------------------------------------------


def _ops(hex_colour: str) -> list[str]:
    c = HexColor(hex_colour)
    values = fp_str((c.red, c.green, c.blue))
    return [f"{values} rg", f"{values} RG"]


class Recolour:
    """Swaps the stand-in colours in a page's content for the clinic's."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = [(a, b) for s, r in pairs if s != r for a, b in zip(_ops(s), _ops(r))]

    def __call__(self, text: str) -> str:
        for a, b in self.pairs:
            if a in text:
                text = text.replace(a, b)
        return text


def _colours(theme: Theme) -> list[str]:
    """Every colour of a theme, in the order of _STANDINS."""
    return [getattr(theme, f) for f in _FIELDS] + [getattr(theme.box(k), f) for k in _BOXES
                                                   for f in ("fill", "border", "title")]


def neutral_theme(theme: Theme) -> tuple[Theme, Recolour | None]:
    """The theme with a stand-in for each colour, and what swaps them back; (theme, None) when the
    theme itself uses a stand-in colour."""
    real = _colours(theme)
    if {c.upper() for c in real} & set(_STANDINS):
        return theme, None
    it = iter(_STANDINS)
    plain: dict[str, Any] = {f: next(it) for f in _FIELDS}
    boxes: dict[str, Any] = {k: Box(next(it), next(it), next(it)) for k in _BOXES}
    return dataclasses.replace(theme, **plain, **boxes), Recolour(list(zip(_STANDINS, real)))


# -- recording and replaying drawings --------------------------------------------------------------
class _Recorder:
    """What one drawing did besides appending to the page, in order: marked content opened, images
    placed, links made; and whether it did anything a replay could not repeat."""

    __slots__ = ("start", "events", "impure", "outer", "matrix")

    def __init__(self, start: int, outer, matrix):
        self.start, self.impure = start, False
        self.events: list = []
        self.outer = outer      # the element being drawn when the drawing began
        self.matrix = matrix    # the outermost recording's page matrix (links are made relative to it)


class _Fragment:
    """A recorded drawing: the page operators (None at each MCID slot), its events in order
    (("m", position, element index, role), ("i", reader, mask), ("l", link arguments, matrix,
    element index or None for the one being drawn)), and the objects whose ids are in its key (kept
    alive so the ids stay theirs)."""

    __slots__ = ("code", "events", "links", "keep")

    def __init__(self, code, events, keep):
        self.code, self.events, self.keep = code, events, keep
        self.links = any(e[0] == "l" for e in events)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(m, r) -> tuple:
    """m then r, as canvas.transform multiplies: the page matrix of a link made at r inside a drawing
    that starts at m (the same arithmetic whether the drawing is fresh or replayed)."""
    a0, b0, c0, d0, e0, f0 = m
    a, b, c, d, e, f = r
    return (a0 * a + c0 * b, b0 * a + d0 * b, a0 * c + c0 * d, b0 * c + d0 * d,
            a0 * e + c0 * f + e0, b0 * e + d0 * f + f0)


def note(canv, kind: str, value=None) -> None:
    """Called by the tagging canvas while drawings may be recording: an MCID just written
    ('mcid', elem), an image placed ('image', (reader, mask)), or anything a replay could not
    repeat ('impure')."""
    recs = getattr(canv, "_recs", None)
    if not recs:
        return
    if kind == "mcid":
        event = ("m", len(canv._code) - 1, value)
    elif kind == "image":
        event = ("i",) + value
    else:
        for r in recs:
            r.impure = True
        return
    for r in recs:
        r.events.append(event)


def link_made(canv, make, args: tuple, kwargs: dict):
    """A link annotation asked for while drawing (relative to the current matrix). Recorded by the
    outermost drawing being recorded only: it is made at that drawing's page matrix composed with
    the matrix inside it, as a replay makes it. Drawings recorded inside that one, or a link not
    relative to the drawing, cannot be replayed."""
    recs = getattr(canv, "_recs", None)
    if not recs:
        return make(*args, **kwargs)
    if not args[2]:   # relative=0: at a fixed place on the page
        note(canv, "impure")
        return make(*args, **kwargs)
    for r in recs[1:]:
        r.impure = True
    outer = recs[0]
    inside = canv._currentMatrix
    outer.events.append(("l", args, dict(kwargs), inside, canv._tagger.current()))
    canv._currentMatrix = _compose(outer.matrix, inside)
    try:
        return make(*args, **kwargs)
    finally:
        canv._currentMatrix = inside


def _elements(f) -> list:
    """The structure elements under a flowable (tagging.py pins the root on tables and lists), in
    tree order."""
    root = f.__dict__.get("_struct_root")
    out: list = []
    stack = [root] if root is not None else []
    while stack:
        e = stack.pop()
        out.append(e)
        stack.extend(reversed([k for k in e.kids if isinstance(k, Elem)]))
    return out


def _finish(canv, rec: _Recorder, f, keep: list) -> _Fragment | None:
    code = canv._code[rec.start:]
    events = []
    index = None
    for event in rec.events:
        if event[0] == "i":
            events.append(event)
            continue
        elem = event[-1]
        if event[0] == "l" and elem is rec.outer:
            events.append(event[:-1] + (None,))
            continue
        if index is None:
            index = {id(e): i for i, e in enumerate(_elements(f))}
        i = index.get(id(elem))
        if i is None:
            return None
        if event[0] == "m":
            code[event[1] - rec.start] = None
            events.append(("m", event[1] - rec.start, i, elem.role))
        else:
            events.append(event[:-1] + (i,))
    return _Fragment(tuple(code), tuple(events), tuple(keep))


def _replay(canv, f, frag: _Fragment) -> bool:
    recs = canv._recs
    if frag.links and recs:
        return False  # links are replayed only by the outermost drawing (see link_made)
    elems = None
    if any(e[0] != "i" for e in frag.events):
        elems = _elements(f)
        for e in frag.events:   # the same elements under this flowable as under the recorded one
            if e[0] == "m" and (e[2] >= len(elems) or elems[e[2]].role != e[3]):
                return False
            if e[0] == "l" and e[4] is not None and e[4] >= len(elems):
                return False
    code = list(frag.code) if elems is not None else frag.code
    base = len(canv._code)
    tagger = canv._tagger
    for e in frag.events:
        if e[0] == "m":
            assert elems is not None
            elem = elems[e[2]]
            code[e[1]] = tagger.open_mcid(canv, elem)
            for r in recs:
                r.events.append(("m", base + e[1], elem))
        elif e[0] == "i":    # register the image with this document, as drawImage would
            n = len(canv._code)
            canv.drawImage(e[1], 0, 0, 1, 1, mask=e[2])
            del canv._code[n:]
        else:
            _, args, kwargs, inside, i = e
            here = canv._currentMatrix
            tagger.stack.append(tagger.current() if i is None or elems is None else elems[i])
            canv._currentMatrix = _compose(here, inside)
            try:
                canv._make_link(*args, **kwargs)
            finally:
                canv._currentMatrix = here
                tagger.stack.pop()
    canv._code.extend(code)
    return True


def _through(seed: Seed, canv, f, key, keep: list, run, after) -> None:
    """Replay f's drawing under key, or draw it (run) and record it when a replay could repeat it."""
    frag = seed.fragments.get(key)
    if frag is not None and _replay(canv, f, frag):
        seed.hits += 1
        if after is not None:
            after(f, canv)
        return
    outermost = not canv._recs
    matrix = canv._currentMatrix
    rec = _Recorder(len(canv._code), canv._tagger.current(), matrix)
    canv._recs.append(rec)
    if outermost:   # inside, the page matrix starts afresh: links are made relative to here
        canv._currentMatrix = _IDENTITY
    try:
        run()
    finally:
        canv._recs.pop()
        if outermost:
            canv._currentMatrix = matrix
    if not rec.impure:
        frag = _finish(canv, rec, f, keep)
        if frag is not None:
            seed.fragments[key] = frag


_KEYS = ((Paragraph, paragraph_key, None), (Table, table_key, table_drawn), (ListFlowable, list_key, list_drawn))


def draw_recorded(canv, f, run, position=None):
    """Draw f (run), or replay its drawing recorded under an equal key (seam.py calls this for
    paragraphs' and tables' draw(), drawn inside a translation, and for lists' drawOn, whose
    content is drawn at page positions: the position is then part of the key)."""
    seed = getattr(canv, "_replay", None)
    if seed is None:
        return run()
    found = next((k for k in _KEYS if isinstance(f, k[0])), None)
    if found is None:
        return run()
    _, key_fn, after = found
    keep: list = []
    key = key_fn(f, canv, keep)
    if key is None:
        return run()
    _through(seed, canv, f, key if position is None else key + position, keep, run, after)
    return None
