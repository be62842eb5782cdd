"""Tagged PDF, file side: write the structure tree a `tagging.Tagger` collected into reportlab's
document before it is written (write_structure), and declare PDF/UA-1, optionally PDF/A-2b as well
(declare): the catalog's StructTreeRoot, MarkInfo and XMP metadata, each page's StructParents and
Tabs. pdfwrite then writes the file, deterministically.

Adds StructTreeRoot (with ParentTree and a RoleMap), /StructParents on pages, /StructParent on link
annotations, MarkInfo, /Tabs /S on every page, and XMP metadata (dc:title, pdfuaid:part 1).
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import PDFName, PDFObject

from handouts.pdf.structure import Elem

if TYPE_CHECKING:  # (tagging imports this module to write what it collected)
    from handouts.pdf.tagging import Tagger

ROLE_MAP = {"Aside": "Div"}  # PDF 2.0's Aside is not a PDF 1.7 standard type
KEEP_EMPTY = {"TD", "TH"}    # empty table cells keep the grid regular


def _empty(elem: Elem) -> bool:
    return elem.role not in KEEP_EMPTY and all(isinstance(k, Elem) and _empty(k) for k in elem.kids)


def _page_of(elem: Elem) -> int | None:
    for k in elem.kids:
        if isinstance(k, tuple) and k[0] != "objr":
            return k[0]
    return None


def _xmp_date(value) -> str:
    """D:20261101000000+00'00' -> 2026-11-01T00:00:00+00:00"""
    s = str(value or "")
    if s.startswith("D:") and len(s) >= 16:
        d = s[2:]
        tz = "Z"
        rest = d[14:].replace("'", "")
        if rest[:1] in "+-" and len(rest) >= 5:
            tz = f"{rest[:3]}:{rest[3:5]}"
        return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}{tz}"
    return ""


# PDF/A accepts only the XMP schemas it predefines, or ones described like this (pdfuaid is not one)
PDFUA_EXTENSION = """
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def xmp(info: dict, lang: str, archive: bool) -> bytes:
    e = lambda s: escape(str(s or ""))  # noqa: E731
    created = _xmp_date(info.get("CreationDate"))
    modified = _xmp_date(info.get("ModDate")) or created
    dates = (f"<xmp:CreateDate>{created}</xmp:CreateDate><xmp:ModifyDate>{modified}</xmp:ModifyDate>"
             f"<xmp:MetadataDate>{modified}</xmp:MetadataDate>") if created else ""
    pdfa = ('<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>' if archive else "")
    extension = PDFUA_EXTENSION if archive else ""
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(info.get("Title"))}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{e(info.get("Author"))}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(info.get("Subject"))}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{e(lang)}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{e(info.get("Keywords"))}</pdf:Keywords>
<pdf:Producer>{e(info.get("Producer"))}</pdf:Producer>
<xmp:CreatorTool>{e(info.get("Creator"))}</xmp:CreatorTool>{dates}
<pdfuaid:part>1</pdfuaid:part>{pdfa}
</rdf:Description>{extension}
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


class _Raw(PDFObject):
    """An object whose PDF text is already written (reportlab copies it into the file as it is)."""

    __RefOnly__ = 1

    def __init__(self, text: bytes = b""):
        self.text = text

    def format(self, document) -> bytes:
        return self.text


def _string(text: str) -> bytes:
    """A PDF text string: literal when it is printable ASCII, else UTF-16BE with a byte order mark."""
    if text.isascii() and text.isprintable():
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def write_structure(doc, tagger: Tagger) -> _Raw:
    """Add the structure tree to reportlab's document (a PDFDocument about to be written): one object
    per element, the ParentTree and the StructTreeRoot, which it returns.

    Each object is written as PDF text, which reportlab copies into the file; building the ~150
    elements of a handout one pikepdf call at a time cost more than the whole save did. reportlab
    numbers an object when it is registered, and by now every page and link annotation has been."""
    numbers = doc.idToObjectNumberAndVersion
    page_nums: list = []
    while f"Page{len(page_nums) + 1}" in numbers:
        page_nums.append(numbers[f"Page{len(page_nums) + 1}"][0])
    objects: dict[int, _Raw] = {}

    id_to_object, number_to_id = doc.idToObject, doc.numberToId

    def new() -> int:
        """A new object, registered as doc.Reference registers it (name R<number>), without its
        general checks: ~200 of them a handout."""
        raw = _Raw()
        num = doc.objectcounter + 1
        name = f"R{num}"
        if name in id_to_object:        # (never, unless reportlab changes how it names objects)
            num = numbers[doc.Reference(raw).name][0]
        else:
            doc.objectcounter = num
            raw.__InternalName__ = name
            numbers[name] = (num, 0)
            number_to_id[num] = name
            id_to_object[name] = raw
        objects[num] = raw
        return num

    root = new()
    parents: dict[int, list] = {i: [None] * len(m) for i, m in tagger.pages.items()}
    link_parent: dict[int, int] = {}

    def build(elem: Elem, parent: int) -> int:
        num = new()
        pg = _page_of(elem)
        kids = []
        for k in elem.kids:
            if isinstance(k, Elem):
                if not _empty(k):
                    kids.append(b"%d 0 R" % build(k, num))
            elif k[0] == "objr":
                if k[1] in tagger.annots:
                    name, page = tagger.annots[k[1]]
                    kids.append(b"<< /Type /OBJR /Obj %d 0 R /Pg %d 0 R >>" % (numbers[name][0], page_nums[page]))
                    link_parent[k[1]] = num
            else:
                page, mcid = k
                parents[page][mcid] = num
                kids.append(b"%d" % mcid if page == pg else
                            b"<< /Type /MCR /Pg %d 0 R /MCID %d >>" % (page_nums[page], mcid))
        d = [b"<< /Type /StructElem /S /%s /P %d 0 R" % (elem.role.encode("ascii"), parent)]
        if pg is not None:
            d.append(b"/Pg %d 0 R" % page_nums[pg])
        if kids:
            d.append(b"/K " + (kids[0] if len(kids) == 1 else b"[ " + b" ".join(kids) + b" ]"))
        if elem.alt is not None:
            d.append(b"/Alt " + _string(elem.alt))
        if elem.title:
            d.append(b"/T " + _string(elem.title))
        if elem.scope:
            d.append(b"/A << /O /Table /Scope /%s >>" % elem.scope.encode("ascii"))
        objects[num].text = b" ".join(d) + b" >>"
        return num

    top = build(tagger.root, root)
    nums = []
    first_page_key = len(tagger.links)
    for key in range(len(tagger.links)):
        if key in link_parent:
            nums.append(b"%d %d 0 R" % (key, link_parent[key]))
    for i in range(len(page_nums)):
        arr = new()
        objects[arr].text = b"[ " + b" ".join(b"null" if n is None else b"%d 0 R" % n
                                               for n in parents.get(i, [])) + b" ]"
        nums.append(b"%d %d 0 R" % (first_page_key + i, arr))
    tree = new()
    objects[tree].text = b"<< /Nums [ " + b" ".join(nums) + b" ] >>"
    roles = b" ".join(b"/%s /%s" % (k.encode("ascii"), v.encode("ascii")) for k, v in ROLE_MAP.items())
    objects[root].text = (b"<< /Type /StructTreeRoot /K %d 0 R /RoleMap << %s >> /ParentTree %d 0 R "
                          b"/ParentTreeNextKey %d >>" % (top, roles, tree, first_page_key + len(page_nums)))
    return objects[root]


def declare(doc, tagger: Tagger, tree: _Raw, info: dict) -> None:
    """The rest of a tagged PDF/UA-1 file (PDF/A-2b too when tagger.archive), in reportlab's
    document: the catalog's StructTreeRoot (tree), MarkInfo and XMP metadata (info, tagger.lang),
    each page's StructParents and Tabs."""
    for i, page in enumerate(doc.Pages.pages):
        page.__NoDefault__ = type(page).__NoDefault__ + ["StructParents", "Tabs"]
        page.StructParents = len(tagger.links) + i
        page.Tabs = PDFName("S")
    cat = doc.Catalog
    cat.StructTreeRoot = doc.Reference(tree)
    cat.MarkInfo = _Raw(b"<< /Marked true >>")
    body = xmp(info, tagger.lang, tagger.archive)
    # not compressed: PDF/A wants the metadata readable as it is
    cat.Metadata = _Raw(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream\n"
                        % (len(body), body))
    if tagger.archive:
        cat.__NoDefault__ = type(cat).__NoDefault__ + ["OutputIntents"]
        cat.OutputIntents = _Raw(_output_intents(doc))


def _output_intents(doc) -> bytes:
    """PDF/A-2b: an sRGB output intent (the drawing uses DeviceRGB), as the array's PDF text."""
    icc = _srgb_profile()
    if icc is None:
        raise RuntimeError("PDF/A needs an sRGB ICC profile; none found (install one or drop --archive)")
    data = zlib.compress(icc)
    profile = doc.Reference(_Raw(b"<< /N 3 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\n"
                                 % (len(data), data)))
    number = doc.idToObjectNumberAndVersion[profile.name][0]
    return (b"[ << /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
            b"/Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >> ]" % number)


# ICC header bytes 24-35: the profile's creation date and time (six big-endian 16-bit numbers)
ICC_DATE = slice(24, 36)
FIXED_ICC_DATE = bytes.fromhex("07e8 0001 0001 0000 0000 0000")  # 2024-01-01 00:00:00


def _srgb_profile() -> bytes | None:
    try:
        from PIL import ImageCms
        profile = ImageCms.createProfile("sRGB")
        data = bytearray(ImageCms.ImageCmsProfile(profile).tobytes())
        # littlecms stamps the profile with the clock: fix the date so archive builds stay
        # byte-identical (the profile ID, bytes 84-99, is left unset by littlecms, so nothing else
        # depends on the date)
        data[ICC_DATE] = FIXED_ICC_DATE
        return bytes(data)
    except Exception:  # pragma: no cover - Pillow without littlecms
        for path in ("/usr/share/color/icc/colord/sRGB.icc", "/usr/share/color/icc/sRGB.icc"):
            if Path(path).is_file():
                return Path(path).read_bytes()
    return None
