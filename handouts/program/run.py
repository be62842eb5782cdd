"""`generate.py program FILE...`: build patient programs, one PDF each, on every core.

The patient's name stays where the user put it: in the program file and on the printed page. It is
not in the output's file name (unless --name asks for {patient}), not in the PDF's metadata (the
title is the program's title, the same for every patient), and nothing about a program is recorded
anywhere: no state file, no log, only the output path on the terminal.
"""
from __future__ import annotations

import os
import re
import sys
import unicodedata
from pathlib import Path

from handouts.errors import HandoutError, Problem, display_path
from handouts.write import write_atomic

DEFAULT_NAME = "{clinic}/programs/{stem}.pdf"
SQUEEZE = 0.6    # a last page less full than this is worth fitting onto the pages before it
FIELDS = ("clinic", "stem", "lang", "paper", "layout", "date", "patient")


def add_command(sub) -> None:
    p = sub.add_parser("program", help="build patient exercise programs (programs/*.yaml)",
                       description="Build a personal exercise program for each program file (or every .yaml "
                       "file in a folder): the chosen exercises and doses, the patient's details, a weekly "
                       "log and the safety boxes of the condition's exercise guide. Writes "
                       f"OUT/{DEFAULT_NAME} unless --name says otherwise.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="program files or folders of them")
    p.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    p.add_argument("--packet", action="store_true", help="add the handouts the program attaches (attach:) "
                   "to its PDF, one bookmark each")
    p.add_argument("--name", default=DEFAULT_NAME, metavar="PATTERN",
                   help="output path under --out, from {clinic} {stem} {lang} {paper} {layout} {date} "
                   "{patient} (default: %(default)s; the patient's name is only in it if you add {patient})")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="worker processes (default: one per core; 1 builds in this process)")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "patient"


def check_pattern(pattern: str) -> None:
    names = set(re.findall(r"\{([^{}]*)\}", pattern))
    unknown = sorted(names - set(FIELDS))
    if unknown:
        raise HandoutError(Problem(f"--name: unknown field {{{unknown[0]}}}; expected some of "
                                   + ", ".join("{" + f + "}" for f in FIELDS)))
    if pattern.startswith("/") or ".." in Path(pattern).parts or re.sub(r"\{[^{}]*\}", "", pattern).count("{"):
        raise HandoutError(Problem(f"--name: expected a relative path under --out, got {pattern!r}"))


def output_path(out: Path, pattern: str, composed) -> Path:
    p = composed.program
    values = {"clinic": composed.clinic.name, "stem": Path(composed.doc.file).stem, "lang": p.language,
              "paper": composed.paper, "layout": composed.layout, "date": p.date.isoformat(),
              "patient": _slug(p.patient) if p.patient else "anonymous"}
    relative = pattern.format(**values)
    if not relative.endswith(".pdf"):
        relative += ".pdf"
    parts = Path(relative).parts
    if not parts or any(part in ("..", "") for part in parts) or Path(relative).is_absolute():
        raise HandoutError(Problem(f"--name: the path {relative!r} is not inside --out"))
    return out / relative


def build_program(project, path: Path, packet: bool = False):
    """(composed program, PDF bytes, pages) for one program file."""
    from handouts import __version__
    from handouts.build import build_handout, natural_length
    from handouts.model.yamlfile import Document
    from handouts.program.compose import MAX_PAGES, compose, load_program
    from handouts.text.templating import plain

    program, doc = load_program(path)
    composed = compose(project, program, doc)
    clinic = project.clinic(composed.clinic)
    layout, _ = project.layout(composed.layout)
    hf = composed.file()
    project.register(hf, composed.handout, Document(None, doc.file, {}), composed.origins)
    try:
        # as long as it is at the layout's own sizes; a last page with a few lines on it is fitted
        # onto the pages before it (smaller spacing, type no smaller than the layout allows)
        counted = natural_length(project, clinic, hf, composed.layout, composed.paper)
        pages, fill, _ = counted
        most = MAX_PAGES * layout.page_factor
        if pages > most:
            raise HandoutError(doc.problem(("exercises",), f"the program needs {pages} pages, more than "
                                                           f"{most} in the {composed.layout} layout; choose "
                                                           "fewer exercises"))
        built = None
        if pages > 1 and fill < SQUEEZE:
            try:
                built = build_handout(project, clinic, hf, composed.layout, composed.paper, budget=pages - 1,
                                      counted=counted, natural=True, seed_from=composed.guide)
            except HandoutError as exc:
                if not any(p.path == "pages" for p in exc.problems):
                    raise
        if built is None:
            built = build_handout(project, clinic, hf, composed.layout, composed.paper, budget=pages,
                                  counted=counted, natural=True, seed_from=composed.guide)
    finally:
        project.forget(hf)
    pdf, pages = built.pdf, built.pages
    if packet and composed.attach:
        from handouts.pdf.packet import merge
        parts: list[bytes | Path] = [pdf]
        parts += [build_handout(project, clinic, hf, composed.layout, composed.paper).pdf for hf in composed.attach]
        pdf, pages = merge(parts, plain(built.rendered.handout.title), f"handouts {__version__} (reportlab, pypdf)")
    return composed, pdf, pages


def program_one(task) -> tuple:
    """A worker's job: (index, pages, bytes, problems, output) for one program file; writes the PDF."""
    from handouts.batch.run import _worker_project
    index, path, out, pattern, packet = task
    return _one(_worker_project(), index, Path(path), Path(out), pattern, packet, sync=False)


def _one(project, index: int, path: Path, out: Path, pattern: str, packet: bool, sync: bool = True) -> tuple:
    try:
        composed, pdf, pages = build_program(project, path, packet)
        target = output_path(out, pattern, composed)
        try:
            write_atomic(target, pdf, sync=sync)
        except OSError as exc:
            raise HandoutError(Problem(f"cannot write the PDF: {exc.strerror}", display_path(target))) from None
        return index, pages, len(pdf), [], str(target)
    except HandoutError as exc:
        return index, 0, 0, [str(p) for p in exc.problems], None
    except Exception as exc:  # a bug must not take the other programs down
        return index, 0, 0, [f"{display_path(path)}: internal error: {type(exc).__name__}: {exc}"], None


def program_files(paths: list[Path]) -> list[Path]:
    found, problems = [], []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.yaml") if p.is_file() and not p.name.startswith("."))
            if not inside:
                problems.append(Problem("no program files (*.yaml) in this folder", display_path(path)))
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem("file not found", display_path(path)))
    if problems:
        raise HandoutError(problems)
    return list(dict.fromkeys(found))


def cmd_program(project, args) -> int:
    check_pattern(args.name)
    files = program_files(args.files)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    jobs = min(jobs, len(files))
    tasks = [(i, str(f), str(args.out), args.name, args.packet) for i, f in enumerate(files)]
    failed = built = 0
    results: list = [None] * len(files)
    if jobs <= 1:
        # one program: synced before the rename; many: synced once at the end, as a batch does
        stream = (_one(project, i, Path(f), Path(o), n, pk, sync=len(tasks) == 1) for i, f, o, n, pk in tasks)
        pool = None
    else:
        from handouts.batch.run import Workers
        pool = Workers(jobs, project.root)
        stream = pool.map("handouts.program.run:program_one", tasks)
    try:
        for result in stream:
            index, pages, size, problems = result[:4]
            target = result[4] if len(result) > 4 else None
            results[index] = result
            if problems:
                failed += 1
                for problem in problems:
                    print(f"error: {problem}", file=sys.stderr, flush=True)
            else:
                built += 1
                print(f"{display_path(Path(str(target)))}  ({pages} page{'s' if pages != 1 else ''})", flush=True)
    finally:
        if pool is not None:
            pool.close()
        if len(tasks) > 1 and hasattr(os, "sync"):
            os.sync()  # every PDF written (renamed into place) reaches the disk before the summary says so
    if len(files) > 1 or failed:
        summary = f"{built} program{'s' if built != 1 else ''} built"
        if failed:
            summary += f", {failed} failed (nothing was written for {'them' if failed > 1 else 'it'})"
        print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0
