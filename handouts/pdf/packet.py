"""Packets: several handout PDFs merged into one (e.g. a "new patient packet"), with one bookmark per
handout, page labels that restart for each handout ("2-1" is page 1 of the second handout), and the
document metadata (Title, Author, /Lang) kept.
"""
from __future__ import annotations

import io
from pathlib import Path

from handouts.errors import HandoutError, Problem, display_path


def merge(parts: list[bytes | Path], title: str, creator: str = "") -> tuple[bytes, int]:
    """Merge handout PDFs into one packet; return its bytes and page count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    first_info, lang, start = None, None, 0
    for number, part in enumerate(parts, 1):
        name = display_path(part) if isinstance(part, Path) else f"part {number}"
        try:
            reader = PdfReader(io.BytesIO(part) if isinstance(part, bytes) else part)
            info = reader.metadata or {}
            count = len(reader.pages)
        except (PdfReadError, OSError, ValueError) as exc:
            raise HandoutError(Problem(f"cannot read the handout PDF for the packet ({exc})", name)) from None
        if first_info is None:
            first_info = info
            root_lang = reader.trailer["/Root"].get("/Lang")
            lang = str(root_lang) if root_lang is not None else None
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=str(info.get("/Title") or f"Handout {number}"), page_number=start)
        writer.set_page_label(start, start + count - 1, style="/D", prefix=f"{number}-", start=1)
        start += count
    if first_info is None:
        raise HandoutError(Problem("a packet needs at least one handout"))
    meta = {"/Title": title, "/Author": str(first_info.get("/Author", "")),
            "/Subject": title, "/Creator": creator or str(first_info.get("/Creator", "")),
            "/Producer": creator or str(first_info.get("/Producer", ""))}
    for key in ("/CreationDate", "/ModDate"):
        if key in first_info:
            meta[key] = str(first_info[key])
    writer.add_metadata(meta)
    if lang:
        writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    prefs = writer.create_viewer_preferences()
    prefs.display_doctitle = True
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    from handouts.pdf.packettags import restore  # the handouts' structure trees (tagged PDF), which pypdf drops
    return restore(buf.getvalue(), [p if isinstance(p, bytes) else Path(p).read_bytes() for p in parts]), start


def add_command(sub) -> None:
    from handouts.build import PAPERS
    p = sub.add_parser("packet", help="merge chosen handouts into one PDF for one clinic and language",
                       description="Build the chosen handouts for one clinic, language, paper and layout and "
                       "merge them, in order, into OUT/<clinic>/<lang>/<paper>/<layout>/packets/<name>.pdf "
                       "with one bookmark per handout.")
    p.add_argument("--handout", nargs="+", metavar="ID", required=True, help="handout ids, in packet order")
    p.add_argument("--title", required=True, help="the packet's title (PDF title)")
    p.add_argument("--name", default="packet", help="file name of the packet, without .pdf (default: packet)")
    p.add_argument("--clinic", type=Path, default=None, help="clinic folder (default: clinics/example)")
    p.add_argument("--lang", default="en", help="language code (default: en)")
    p.add_argument("--paper", choices=PAPERS, default=None, help="paper size (default: the clinic's, from "
                   "clinic.yaml's country)")
    p.add_argument("--layout", default="standard", help="layout id from layouts/ (default: standard)")
    p.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")


def cmd_packet(project, args) -> int:
    import re
    import sys

    from handouts import __version__
    from handouts.build import build_handout
    from handouts.model.content import SLUG
    from handouts.write import write_atomic

    if not re.match(SLUG, args.name):
        raise HandoutError(Problem(f"a packet name is lower-case letters, digits and dashes, got {args.name!r}"))
    clinic_dir = args.clinic or project.clinics_dir / "example"
    clinic = project.clinic(clinic_dir)
    paper = args.paper or clinic.clinic.paper
    project.layout(args.layout)
    files = project.select(args.handout, args.lang)
    pdfs, problems = [], []
    for hf in files:
        try:
            pdfs.append(build_handout(project, clinic, hf, args.layout, paper).pdf)
        except HandoutError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise HandoutError(problems)
    data, pages = merge(pdfs, args.title, f"handouts {__version__} (reportlab, pypdf)")
    target = args.out / clinic_dir.name / args.lang / paper / args.layout / "packets" / f"{args.name}.pdf"
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise HandoutError(Problem(f"cannot write the PDF: {exc.strerror}", display_path(target))) from None
    print(f"{display_path(target)}  ({len(pdfs)} handouts, {pages} pages)", file=sys.stdout)
    return 0
