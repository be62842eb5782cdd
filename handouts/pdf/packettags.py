"""Tagged packets: a merge of tagged handouts keeps every handout's structure tree.

pypdf's merge (packet.py) copies the pages, with their marked content, but not the structure trees.
`restore` takes the merged file and the handouts it was made from, and rebuilds one structure tree:
Document > one Part per handout > that handout's elements, with page and annotation references moved
to the merged pages and the ParentTree renumbered. Untagged parts leave the packet as pypdf made it.
"""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from handouts.pdf.taggedpdf import xmp


def _kids(k) -> list:
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def restore(merged: bytes, parts: list[bytes]) -> bytes:
    out = pikepdf.open(io.BytesIO(merged))
    sources = [pikepdf.open(io.BytesIO(p)) for p in parts]
    if not sources or any("/StructTreeRoot" not in s.Root for s in sources):
        return merged
    if sum(len(s.pages) for s in sources) != len(out.pages):
        return merged
    top = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([]), RoleMap=Dictionary()))
    top.P = root
    root.K = top
    nums: list = []
    key = 0
    first = 0
    part_elems = Array()
    for src in sources:
        n = len(src.pages)
        page_map = {src.pages[i].obj.objgen: out.pages[first + i].obj for i in range(n)}
        annot_map = {}
        for i in range(n):
            a_src = list(src.pages[i].obj.get("/Annots", []))
            a_out = list(out.pages[first + i].obj.get("/Annots", []))
            for a, b in zip(a_src, a_out):
                annot_map[a.objgen] = b
        elem_map: dict = {}

        def copy(e, parent, page_map=page_map, annot_map=annot_map, elem_map=elem_map):  # this file's maps
            d = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name(str(e.S)), P=parent))
            elem_map[e.objgen] = d
            if "/Pg" in e:
                d.Pg = page_map[e.Pg.objgen]
            for k in ("/Alt", "/T", "/ActualText", "/Lang"):
                if k in e:
                    d[k] = pikepdf.String(str(e[k]))
            if "/A" in e:
                d.A = Dictionary({k: Name(str(v)) for k, v in e.A.items()})
            kids = Array()
            for k in _kids(e.get("/K")):
                if isinstance(k, int):
                    kids.append(k)
                elif k.get("/Type") == Name.MCR:
                    kids.append(Dictionary(Type=Name.MCR, Pg=page_map[k.Pg.objgen], MCID=int(k.MCID)))
                elif k.get("/Type") == Name.OBJR:
                    kids.append(Dictionary(Type=Name.OBJR, Obj=annot_map[k.Obj.objgen], Pg=page_map[k.Pg.objgen]))
                else:
                    kids.append(copy(k, d))
            if len(kids):
                d.K = kids[0] if len(kids) == 1 else kids
            return d

        tree = src.Root.StructTreeRoot
        part = copy(tree.K, top)
        if part.S == Name.Document:
            part.S = Name.Part
        part_elems.append(part)
        for name, value in tree.get("/RoleMap", {}).items():
            root.RoleMap[name] = Name(str(value))
        old = tree.ParentTree.Nums
        old = {int(old[i]): old[i + 1] for i in range(0, len(old), 2)}
        remap = {}
        for old_key, value in sorted(old.items()):
            remap[old_key] = key
            if isinstance(value, pikepdf.Array):
                value = out.make_indirect(Array([elem_map.get(v.objgen) if isinstance(v, pikepdf.Dictionary)
                                                 else None for v in value]))
            else:
                value = elem_map[value.objgen]
            nums.extend([key, value])
            key += 1
        for i in range(n):
            page = out.pages[first + i].obj
            src_page = src.pages[i].obj
            if "/StructParents" in src_page:
                page.StructParents = remap[int(src_page.StructParents)]
            page.Tabs = Name.S
            for a_src in src_page.get("/Annots", []):
                if "/StructParent" in a_src and a_src.objgen in annot_map:
                    annot_map[a_src.objgen].StructParent = remap[int(a_src.StructParent)]
        first += n
    top.K = part_elems
    root.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = key
    out.Root.StructTreeRoot = root
    out.Root.MarkInfo = Dictionary(Marked=True)
    info = {k[1:]: str(v) for k, v in out.docinfo.items()}
    lang = str(out.Root.get("/Lang", ""))
    out.Root.Metadata = out.make_stream(xmp(info, lang, False), Type=Name.Metadata, Subtype=Name.XML)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, compress_streams=False, fix_metadata_version=False,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue()
