"""Stage: reportlab's document -> compact PDF bytes, in one pass.

reportlab writes every object as `N 0 obj ... endobj` with a classic cross-reference table. A tagged
handout has some 350 small objects (structure elements, annotations, font dictionaries), so that
layout is ~20 KB larger than it need be. Here every object that is not a stream goes into a
Flate-compressed object stream (one per 10,000 objects: one for a handout), indexed by a compressed
cross-reference stream (ISO 32000-1 7.5.7 and 7.5.8); streams are written by seam.format_object. The objects' text is reportlab's own:
only the file around them differs. The file ID is the MD5 of the objects, so identical inputs give
identical bytes.

This replaces a round trip through qpdf (pikepdf), which parsed the whole file again to do the same:
~3.5 ms of a ~29 ms handout.
"""
from __future__ import annotations

import hashlib
import struct
import types
import zlib

from reportlab.pdfbase import pdfdoc

from handouts.pdf.seam import format_object

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
