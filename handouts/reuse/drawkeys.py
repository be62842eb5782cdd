"""What a recorded drawing depends on, as a key (replay.py): a drawing is replayed only under an
equal key, so everything that can change what a flowable draws is in it. Objects whose ids are in a
key are appended to `keep`, which the recording holds, so the ids stay theirs."""
from __future__ import annotations

import pickle

from reportlab.lib.colors import Color
from reportlab.platypus import ListFlowable, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable, LIIndenter


def _state(canv) -> tuple:
    """What of the canvas a drawing starts from: the font (a text object starts in it) and whether
    marked content is open (then nothing inside is marked again)."""
    return canv._fontname, canv._fontsize, canv._leading, bool(canv._tagger.stack)


def _paragraph(p, keep: list):
    """A laid-out paragraph by its line breaks: the broken lines are one cached object per text,
    style and width (seam.Paragraph), shared by every clinic's copy of the paragraph."""
    bl = p.__dict__.get("blPara")
    if bl is None or p.__dict__.get("break_key") is None:
        return None  # not parsed and broken through the caches (seam.Paragraph): a split piece, say
    keep.append(bl)
    return "P", id(bl), p.width, p.height


def _cell(v, keep: list):
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        keys = tuple(_cell(x, keep) for x in v)
        return None if None in keys else keys
    if isinstance(v, Paragraph):
        return _paragraph(v, keep)
    if isinstance(v, Spacer):
        return "S", v.width, v.height
    if isinstance(v, ListFlowable):
        content = v.__dict__.get("_list_content")  # what it draws, once laid out
        if content is None:
            return None
        settings = _flat([(k, x) for k, x in vars(v).items() if k.startswith("_bullet") or k in _LIST_SETTINGS])
        items = tuple(_item(x, keep) for x in content)
        return None if settings is None or None in items else ("L", settings, items, v.width, v.height)
    key = getattr(v, "draw_key", None)
    if key is not None:
        k = key()
        if k is not None:
            keep.append(v)
        return k
    return None


_LIST_SETTINGS = ("_start", "_leftIndent", "_rightIndent", "_auto", "_dims", "_caption", "role")


def _item(x, keep):
    if isinstance(x, LIIndenter):
        own = _flat([(k, y) for k, y in vars(x).items() if k not in ("_flowable", "_bullet", "canv")])
        bullet = _flat(list(vars(x._bullet).items())) if x._bullet is not None else ""
        body = _cell(x._flowable, keep)
        return None if own is None or bullet is None or body is None else ("LI", own, bullet, body)
    return _cell(x, keep)


def paragraph_key(p, canv, keep):
    k = _paragraph(p, keep)
    return None if k is None else k + _state(canv)


def table_key(t, canv, keep):
    made = _table_made(t)
    if made is None:
        return None
    drawn = canv._tagger._drawn
    cells = []
    for row in t._cellvalues:
        for v in row:
            if id(v) in drawn:
                return None  # a header row drawn again on the next page: drawn as an artifact there
            k = _cell(v, keep)
            if k is None:
                return None
            cells.append(k)
    return ("T", made, tuple(t._colpositions), tuple(t._rowpositions), tuple(cells),
            getattr(t, "role", None)) + _state(canv)


def list_key(v, canv, keep):
    k = _cell(v, keep)
    return None if k is None else k + _state(canv)


def list_drawn(v, canv) -> None:
    drawn = canv._tagger._drawn
    for li in v.__dict__.get("_list_content") or ():
        f = getattr(li, "_flowable", None)
        if isinstance(f, Flowable):
            drawn[id(f)] = f


def table_drawn(t, canv) -> None:
    """What drawing the table's cells would have told the tagger: these were drawn (tagging.py)."""
    drawn = canv._tagger._drawn
    for row in t._cellvalues:
        for v in row:
            for f in (v if isinstance(v, (list, tuple)) else (v,)):
                if isinstance(f, Flowable):
                    drawn[id(f)] = f


_ATOMS = (int, float, str, bool, type(None))


def _flat(items: list):
    """(name, value) pairs as a key: plain values as they are, colours by their components, anything
    else through _plain."""
    out: list = []
    for k, v in items:
        t = type(v)
        if t in _ATOMS:
            out.append((k, v))
        elif t is Color:  # (not a subclass: a CMYK colour is more than its RGB)
            out.append((k, "rgba", v.red, v.green, v.blue, v.alpha))
        else:
            return _plain(items)
    return tuple(out)


def _plain(value) -> bytes | None:
    """Settings as a key: their pickle (equal bytes, equal values), None when they do not pickle."""
    try:
        return pickle.dumps(value, protocol=5)
    except Exception:  # noqa: BLE001  (whatever pickle refuses: the drawing is simply not cached)
        return None


def _table_made(t):
    """How a table was made (everything but its cells) and styled, hashable; None: not known
    (seam.Table records it)."""
    made = t.__dict__.get("made_key")
    if made is None:
        args, kwargs, styles = t.__dict__.get("made_with", (None, None, None))
        if args is None:
            return None
        made = t.__dict__["made_key"] = _plain((args, kwargs, styles)) or False
    return made or None
