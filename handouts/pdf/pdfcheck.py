"""The project's own tagged-PDF checker (PDF/UA-1, the machine-checkable part we rely on).

Walks every page's content stream with pikepdf and the structure tree, and reports:
- text or drawing operators outside any marked-content sequence or artifact;
- MCIDs that no structure element references, that two references share, or that do not exist;
- a ParentTree that does not map a page's MCIDs back to their elements;
- Figures without /Alt, Tables without TH cells (or TH without /Scope), headings that skip a level;
- annotations outside the structure tree, links without /Contents;
- a missing StructTreeRoot, MarkInfo /Marked, /Lang, DisplayDocTitle, /Tabs /S, PDF/UA XMP id, dc:title.

Run: python -m handouts.pdf.pdfcheck FILE.pdf ...   (exit 1 when any file has a problem)
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pikepdf

TEXT_OPS = {"Tj", "TJ", "'", '"'}
PAINT_OPS = TEXT_OPS | {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "INLINE IMAGE"}
HEADING = re.compile(r"^H([1-6])$")


def _open(source) -> pikepdf.Pdf:
    if isinstance(source, pikepdf.Pdf):
        return source
    return pikepdf.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)


def _kids(elem) -> list:
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _is_elem(obj) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj and obj.get("/Type", pikepdf.Name.StructElem) \
        == pikepdf.Name.StructElem


def walk(pdf: pikepdf.Pdf):
    """Structure elements in reading order: (element, depth, [(page objgen, mcid), ...], [OBJR dicts])."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    stack = [(k, 0) for k in reversed(_kids(root))]
    while stack:
        elem, depth = stack.pop()
        if not _is_elem(elem):
            continue
        page = elem.get("/Pg")
        mcrs, objrs, children = [], [], []
        for k in _kids(elem):
            if isinstance(k, int):
                mcrs.append((page.objgen if page is not None else None, int(k)))
            elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == pikepdf.Name.MCR:
                pg = k.get("/Pg", page)
                mcrs.append((pg.objgen if pg is not None else None, int(k.MCID)))
            elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == pikepdf.Name.OBJR:
                objrs.append(k)
            elif _is_elem(k):
                children.append(k)
        yield elem, depth, mcrs, objrs
        stack.extend((c, depth + 1) for c in reversed(children))


class _Fonts:
    """Byte -> text for the fonts on a page, from each font's /ToUnicode map."""

    def __init__(self, resources):
        self.maps: dict[str, dict[int, str]] = {}
        fonts = resources.get("/Font", {}) if resources is not None else {}
        for name, font in fonts.items():
            table: dict[int, str] = {}
            tu = font.get("/ToUnicode")
            if tu is not None:
                data = tu.read_bytes().decode("latin-1")
                for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
                    for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                        table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
                for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
                    for a, b, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                        start = int(dst, 16)
                        for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                            table[code] = chr(start + i)
            self.maps[str(name)] = table

    def decode(self, font: str | None, data: bytes) -> str:
        table = self.maps.get(font or "")
        if not table:
            return data.decode("latin-1")
        return "".join(table.get(b, "") for b in data).replace("\x00", "")


def scan_page(page: pikepdf.Page):
    """One pass over a page's content: (mcids in order, {mcid: text}, stray operators, fonts showing text)."""
    fonts = _Fonts(page.obj.get("/Resources"))
    stack: list[int | str | None] = []   # open sequences: MCID, "Artifact" or None (other BMC/BDC)
    mcids: list[int] = []
    text: dict[int, list[str]] = {}
    stray: list[str] = []
    font = None
    used_fonts = set()
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            if tag == "/Artifact":
                stack.append("Artifact")
            elif op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
                mcids.append(mcid)
                stack.append(mcid)
            else:
                stack.append(None)
        elif op == "EMC":
            if stack:
                stack.pop()
            else:
                stray.append("EMC without BMC/BDC")
        elif op == "Tf":
            font = str(operands[0])
            if font not in fonts.maps:
                stray.append(f"Tf {font} (no such font in the page resources)")
        elif op in PAINT_OPS:
            owner = next((s for s in reversed(stack) if s is not None), None)
            if owner is None:
                stray.append(op)
            if op in TEXT_OPS:
                used_fonts.add(font)
                if isinstance(owner, int):
                    parts = operands[-1] if op == "TJ" else [operands[-1]]
                    chunk = "".join(fonts.decode(font, bytes(p)) for p in parts if isinstance(p, pikepdf.String))
                    text.setdefault(owner, []).append(chunk)
        elif op in ("T*", "Td", "TD", "Tm") and stack and isinstance(stack[-1], int):
            text.setdefault(stack[-1], []).append(" ")
    if stack:
        stray.append("BMC/BDC without EMC")
    return mcids, {k: "".join(v) for k, v in text.items()}, stray, used_fonts


def element_texts(source) -> list[tuple[str, str]]:
    """(role, text) per marked-content piece, in structure (reading) order."""
    pdf = _open(source)
    texts = {}
    for page in pdf.pages:
        _, t, _, _ = scan_page(page)
        for mcid, s in t.items():
            texts[(page.obj.objgen, mcid)] = s
    return [(str(elem.S)[1:], " ".join(texts.get(m, "").split())) for elem, _, mcrs, _ in walk(pdf) for m in mcrs]


def check(source) -> list[str]:
    """Problems with one PDF (empty when it passes)."""
    pdf = _open(source)
    problems: list[str] = []
    root = pdf.Root
    if "/StructTreeRoot" not in root:
        return ["no structure tree (/StructTreeRoot): the PDF is not tagged"]
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        problems.append("/MarkInfo /Marked is not true")
    if not str(root.get("/Lang", "")).strip():
        problems.append("no document language (/Lang)")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    xmp = root.get("/Metadata")
    xmp = xmp.read_bytes().decode("utf-8", "replace") if xmp is not None else ""
    if not re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", xmp):
        problems.append("XMP metadata does not declare PDF/UA-1 (pdfuaid:part 1)")
    if not re.search(r"<dc:title>.*?<rdf:li[^>]*>[^<]+</rdf:li>", xmp, re.S):
        problems.append("XMP metadata has no dc:title")

    content: dict[tuple, set] = {}
    for n, page in enumerate(pdf.pages, 1):
        if page.obj.get("/Tabs") != pikepdf.Name.S:
            problems.append(f"page {n}: /Tabs is not /S")
        mcids, _, stray, _ = scan_page(page)
        if stray:
            bad_font = [s for s in stray if s.startswith("Tf ")]
            if bad_font:
                problems.append(f"page {n}: {bad_font[0]}")
            stray = [s for s in stray if not s.startswith("Tf ")]
        if stray:
            problems.append(f"page {n}: {len(stray)} operator(s) outside marked content or artifacts "
                            f"(first: {stray[0]})")
        dup = sorted({m for m in mcids if mcids.count(m) > 1})
        if dup:
            problems.append(f"page {n}: MCID used by more than one marked-content sequence: {dup}")
        content[page.obj.objgen] = set(mcids)

    page_no = {p.obj.objgen: i for i, p in enumerate(pdf.pages, 1)}
    refs: dict[tuple, int] = {}
    owner: dict[tuple, object] = {}
    level = 0
    annots_tagged = set()
    for elem, _, mcrs, objrs in walk(pdf):
        role = str(elem.S)[1:]
        for m in mcrs:
            refs[m] = refs.get(m, 0) + 1
            owner[m] = elem
        for o in objrs:
            annots_tagged.add(o.Obj.objgen)
        if role == "Figure" and not str(elem.get("/Alt", "")).strip():
            problems.append("a Figure has no /Alt text")
        if role == "Table":
            cells = [e for e, _, _, _ in walk_sub(elem)]
            heads = [e for e in cells if str(e.S) == "/TH"]
            if not heads:
                problems.append("a Table has no header cells (TH)")
            for th in heads:
                if "/Scope" not in th.get("/A", {}):
                    problems.append("a TH has no /Scope")
        m = HEADING.match(role)
        if m:
            new = int(m.group(1))
            if new > level + 1:
                problems.append(f"heading level skips from H{level or '-'} to H{new}")
            level = new
    for (pg, mcid), count in sorted(refs.items(), key=lambda kv: (page_no.get(kv[0][0], 0), kv[0][1])):
        where = f"page {page_no.get(pg, '?')} MCID {mcid}"
        if count > 1:
            problems.append(f"{where} is referenced by {count} structure elements")
        if mcid not in content.get(pg, set()):
            problems.append(f"{where} is referenced but not in the page content")
    for pg, mcids in content.items():
        for mcid in sorted(mcids):
            if (pg, mcid) not in refs:
                problems.append(f"page {page_no[pg]} MCID {mcid} belongs to no structure element")

    # ParentTree: page -> MCID -> element
    tree = {}
    nums = root.StructTreeRoot.get("/ParentTree", {}).get("/Nums", [])
    for i in range(0, len(nums) - 1, 2):
        tree[int(nums[i])] = nums[i + 1]
    for n, page in enumerate(pdf.pages, 1):
        key = page.obj.get("/StructParents")
        if content[page.obj.objgen] and key is None:
            problems.append(f"page {n}: no /StructParents")
            continue
        arr = tree.get(int(key)) if key is not None else None
        for mcid in content[page.obj.objgen]:
            e = owner.get((page.obj.objgen, mcid))
            if arr is None or mcid >= len(arr) or e is None or arr[mcid].objgen != e.objgen:
                problems.append(f"page {n}: ParentTree does not map MCID {mcid} to its element")
                break
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == pikepdf.Name.Popup:
                continue
            if annot.objgen not in annots_tagged or "/StructParent" not in annot:
                problems.append(f"page {n}: a {annot.get('/Subtype')} annotation is not in the structure tree")
            elif annot.get("/Subtype") == pikepdf.Name.Link and not str(annot.get("/Contents", "")).strip():
                problems.append(f"page {n}: a link annotation has no /Contents")
    return problems


def walk_sub(elem):
    """Descendant elements of one element."""
    stack = [k for k in reversed(_kids(elem)) if _is_elem(k)]
    while stack:
        e = stack.pop()
        yield e, 0, [], []
        stack.extend(k for k in reversed(_kids(e)) if _is_elem(k))


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        print("usage: python -m handouts.pdf.pdfcheck FILE.pdf ...", file=sys.stderr)
        return 2
    bad = 0
    for path in paths:
        problems = check(path)
        bad += bool(problems)
        for p in problems:
            print(f"{path}: {p}")
        if not problems:
            print(f"{path}: ok")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
