"""Stage: reportlab's document -> compact PDF bytes, in one pass.

reportlab writes every object as `N 0 obj ... endobj` with a classic cross-reference table. A tagged
handout has some 350 small objects (structure elements, annotations, font dictionaries), so that
layout is ~20 KB larger than it need be. Here every object that is not a stream goes into a
Flate-compressed object stream (one per 10,000 objects: one for a handout), indexed by a compressed
cross-reference stream (ISO 32000-1 7.5.7 and 7.5.8); streams are written by format_object below. The objects' text is reportlab's own:
only the file around them differs. The file ID is the MD5 of the objects, so identical inputs give
identical bytes.

This replaces a round trip through qpdf (pikepdf), which parsed the whole file again to do the same:
~3.5 ms of a ~29 ms handout.
"""
from __future__ import annotations

import hashlib
import re
import struct
import types
import zlib
from collections import OrderedDict

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from handouts.reuse.cache import remember

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PER_STREAM = 10_000
ROW = struct.Struct(">BIH")  # a cross-reference stream row: type, offset or stream, generation or index


def _is_stream(body: bytes) -> bool:
    return body.endswith((b"endstream\n", b"endstream"))    # (no copy of the stream to strip it)


def packed_format(doc) -> bytes:
    """What PDFDocument.format returns (the whole file), with object and cross-reference streams."""
    if doc.encrypt.info():      # object streams may not hold an encryption dictionary: reportlab's way
        return pdfdoc.PDFDocument.format(doc)
    doc.encrypt.prepare(doc)
    root, info = doc.Reference(doc.Catalog), doc.Reference(doc.info)
    numbers, objects = doc.numberToId, doc.idToObject
    streams: list[tuple[int, bytes]] = []
    packed: list[tuple[int, bytes]] = []
    n = 0
    while (n := n + 1) in numbers:  # objects may register more objects while they are formatted
        body = format_object(objects[numbers[n]], doc)
        (streams if _is_stream(body) else packed).append((n, body))
    out = bytearray(HEADER)
    rows = {0: (0, 0, 65535)}
    for num, body in streams:
        rows[num] = (1, len(out), 0)
        out += b"%d 0 obj\n%s%sendobj\n" % (num, body, b"" if body.endswith(b"\n") else b"\n")
    # one object stream per PER_STREAM objects (a handout needs one; the index is two bytes wide)
    for first in range(0, len(packed), PER_STREAM):
        objstm = n
        n += 1
        index, data = [], bytearray()
        for i, (num, body) in enumerate(packed[first:first + PER_STREAM]):
            rows[num] = (2, objstm, i)
            index.append(b"%d %d" % (num, len(data)))
            data += body + b"\n"
        head = b" ".join(index) + b"\n"
        packed_data = zlib.compress(head + bytes(data))
        rows[objstm] = (1, len(out), 0)
        out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                % (objstm, len(index), len(head), len(packed_data)) + packed_data + b"\nendstream\nendobj\n")
    xref = n

    digest = hashlib.md5(bytes(out)).hexdigest().upper().encode("ascii")
    rows[xref] = (1, len(out), 0)
    table = zlib.compress(b"".join(map(ROW.pack, *zip(*(rows[i] for i in range(xref + 1))))))
    start = len(out)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 4 2 ] /Root %d 0 R /Info %d 0 R /ID [ <%s> <%s> ] "
            b"/Filter /FlateDecode /Length %d >>\nstream\n"
            % (xref, xref + 1, _number(doc, root), _number(doc, info), digest, digest, len(table))
            + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
    return bytes(out)


def _number(doc, ref) -> int:
    return doc.idToObjectNumberAndVersion[ref.name][0]


def install(doc) -> None:
    """Make this reportlab PDFDocument write itself with packed_format."""
    doc.format = types.MethodType(packed_format, doc)


# -- formatting objects: reportlab's text, without its per-value dispatch, ASCII85 or filter arrays --
_ENCODED: dict = {}


def _deflate(f, content):
    """f.encode(content); Flate at zlib's level 9 (reportlab uses the default, 6): a few per cent
    smaller page contents and font files, the same bytes every run."""
    if f is pdfdoc.PDFZCompress:
        return zlib.compress(content.encode("utf8") if isinstance(content, str) else content, 9)
    return f.encode(content)


def _encoded(f, content):
    """_deflate(f, content), remembered for the font files and their maps: every handout embeds the
    same few subsets, deflated again each time (page contents differ and just pass through)."""
    if not isinstance(content, bytes) or len(content) < 1024:
        return _deflate(f, content)
    key = (f.pdfname, content)
    hit = _ENCODED.pop(key, None)
    if hit is None:
        hit = _deflate(f, content)
    _ENCODED[key] = hit                 # most recent last: page contents age out, fonts stay
    while len(_ENCODED) > 64:
        del _ENCODED[next(iter(_ENCODED))]
    return hit


_TEXT: dict = {}
_PDFNAMES: dict = {}
_PDFDOC_GAP = re.compile("[\x18-\x1f]")  # the only ASCII characters PDFDocEncoding spells otherwise


def _text(x: str) -> bytes:
    """pdfdoc.pdfdocEnc(x), remembered: ASCII (nearly every name and string written) taken straight."""
    hit = _TEXT.get(x)
    if hit is None:
        hit = x.encode("ascii") if x.isascii() and not _PDFDOC_GAP.search(x) else pdfdoc.pdfdocEnc(x)
        remember(_TEXT, x, hit, 4096)
    return hit


def _name(key: str) -> bytes:
    hit = _PDFNAMES.get(key)
    if hit is None:
        hit = remember(_PDFNAMES, key, _text(pdfdoc.PDFName(key)), 4096)
    return hit


def _format(e, doc) -> bytes:
    """pdfdoc.format(e, doc) for a value inside an object: the same bytes, with plain values,
    dictionaries and arrays (~1,000 a handout) written here without reportlab's dispatch per value."""
    t = type(e)
    if t is str:
        return _text(e)
    if t is int or t is float:
        return pdfdoc.fp_str(e).encode("ascii")
    if t is bytes:
        return e
    if t is pdfdoc.PDFDictionary and not e.__dict__.keys() - {"dict"}:
        d = e.dict
        keys = list(d)
        if not all(type(k) is str for k in keys):
            return pdfdoc.format(e, doc)
        if not isinstance(d, OrderedDict):
            keys.sort()
        return b"<<\n" + _joined([_name(k) + b" " + _format(d[k], doc) for k in keys], 6) + b"\n>>"
    if t is pdfdoc.PDFArray and not e.__dict__.keys() - {"sequence"}:
        return b"[ " + _joined([_format(x, doc) for x in e.sequence], 10) + b" ]"
    return pdfdoc.format(e, doc)


def _joined(items: list[bytes], every: int) -> bytes:
    """A dictionary's entries (every 6) or an array's items (every 10) as reportlab lays them out:
    one a line with pdfMultiLine, else on one line broken after each `every`."""
    if rl_config.pdfMultiLine:
        return b"\n ".join(items)
    for i in reversed(range(every, len(items), every)):
        items.insert(i, b"\n ")
    return b" ".join(items)


def format_object(obj, doc) -> bytes:
    """A top-level object as reportlab formats it, except streams: no ASCII85 (reportlab's page
    contents ask for it by default), and one filter written as a name, not a one-element array."""
    if type(obj) in (pdfdoc.PDFDictionary, pdfdoc.PDFArray) and not rl_config.pdfComments:
        return _format(obj, doc)
    if type(obj) is not pdfdoc.PDFStream or obj.content is None:
        return pdfdoc.format(obj, doc, toplevel=1)
    d = obj.dictionary.dict
    given = d.get("Filter")
    if isinstance(given, pdfdoc.PDFArray) and len(given.sequence) == 1:      # filtered already
        copy = d.copy()
        copy["Filter"] = given.sequence[0]
        return pdfdoc.PDFStream(pdfdoc.PDFDictionary(copy), obj.content).format(doc)
    filters = obj.filters if obj.filters is not None else doc.defaultStreamFilters
    if given is not None or not filters:
        return pdfdoc.format(obj, doc, toplevel=1)
    filters = [f for f in filters if f is not pdfdoc.PDFBase85Encode]
    if len(filters) != 1:
        return pdfdoc.format(pdfdoc.PDFStream(obj.dictionary, obj.content, filters), doc, toplevel=1)
    f = filters[0]
    copy = d.copy()      # keeps an OrderedDict's key order
    copy["Filter"] = pdfdoc.PDFName(f.pdfname)
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary(copy), _encoded(f, obj.content)).format(doc)
