"""Command line: a thin layer over handouts.build. Exit 0 ok, 1 bad input, 2 usage."""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from handouts.build import PAPERS, HandoutFile, Project, build_handout
from handouts.cli import options
from handouts.errors import HandoutError, Problem, display_path
from handouts.errors import attempt as collect
from handouts.layout.fonts import load_fonts
from handouts.text.readability import measure
from handouts.text.rendering import RenderedHandout, render_handout
from handouts.write import write_atomic

EXAMPLE_CLINIC = "example"


@dataclass(frozen=True)
class Item:
    clinic: Path
    handout: HandoutFile
    layout: str
    paper: str

    def output(self, out: Path) -> Path:
        h = self.handout
        return out / self.clinic.name / h.language / self.paper / self.layout / f"{h.name}.pdf"


def _parser() -> argparse.ArgumentParser:
    p = options.Parser(
        prog="generate.py", description="Make branded, printable patient handouts (PDF) from YAML content. "
        "With no command: build every handout in content/ for the example clinic into output/.")
    p.add_argument("--root", type=Path, default=Path("."), help="project folder with content/, layouts/, "
                   "clinics/ (default: the current folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    b = sub.add_parser("build", help="build chosen handouts for one clinic",
                       description="Build chosen handouts for one clinic, in one or more languages, papers and "
                       "layouts (every combination). Writes OUT/<clinic>/<lang>/<paper>/<layout>/<handout>.pdf. "
                       "Ids and choices may be given in any case.")
    b.add_argument("--clinic", default=None, metavar="ID|FOLDER", help="clinic id (a folder under clinics/, as "
                   "`list` shows it) or a path to a clinic folder (default: example)")
    b.add_argument("--handout", nargs="+", metavar="ID", help="handout ids (default: every handout in the "
                   "languages)")
    b.add_argument("--lang", nargs="+", default=["en"], metavar="LANG", help="language codes, or all: each "
                   "handout in every language it is written in (default: en)")
    b.add_argument("--paper", nargs="+", type=options.lower, choices=(*PAPERS, options.ALL), default=None,
                   metavar="PAPER", help="letter, a4 or all (default: the clinic's: Letter in the US, Canada "
                   "and Mexico, A4 elsewhere; clinic.yaml's country)")
    b.add_argument("--layout", nargs="+", default=["standard"], metavar="ID", help="layout ids from layouts/, "
                   "or all (default: standard)")
    b.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    b.add_argument("--archive", action="store_true", help="also make each PDF archival (PDF/A-2b); every "
                   "handout is a tagged PDF/UA-1 file either way")
    c = sub.add_parser("check", help="validate every file and check page budgets and reading levels",
                       description="Validate every content, layout and clinic file; fit every handout in every "
                       "paper and layout for the example clinic; measure reading levels. Exit 1 on any problem.")
    c.add_argument("--clinic", default=None, metavar="ID|FOLDER", help="clinic id or folder to fit with "
                   "(default: example)")
    sub.add_parser("list", help="list handouts, layouts and clinics",
                   description="List the handouts, layouts and clinics in the project.")
    f = sub.add_parser("figures", help="draw every exercise figure of a condition on a contact sheet",
                       description="Draw every exercise figure of a condition (its figures.yaml and the "
                       "figures written into its handouts) on one contact-sheet PDF, to see the poses. "
                       "Writes OUT/<condition>-figures.pdf.")
    f.add_argument("--condition", nargs="+", metavar="ID", help="condition folders under content/ "
                   "(default: every condition)")
    f.add_argument("--out", type=Path, default=Path("output") / "figures",
                   help="output folder (default: output/figures)")
    from handouts.batch import run as batch  # noqa: E402  (issue #4: batch and packet commands)
    from handouts.pdf import packet
    from handouts.program import run as program
    batch.add_command(sub)
    packet.add_command(sub)
    program.add_command(sub)
    return p


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)


def _build_item(project: Project, item: Item, out: Path, archive: bool) -> None:
    built = build_handout(project, project.clinic(item.clinic), item.handout, item.layout, item.paper, archive)
    target = item.output(out)
    try:
        write_atomic(target, built.pdf)
    except OSError as exc:
        raise HandoutError(Problem(f"cannot write the PDF: {exc.strerror}", display_path(target))) from None
    print(f"{display_path(target)}  ({built.pages} of {built.budget} pages, body {built.body_size:g} pt)")


def _build_items(project: Project, items: list[Item], out: Path, archive: bool = False) -> int:
    """Build every item, reporting each new problem once; the last line says what was written."""
    problems: list[Problem] = []
    failed = 0
    for item in items:
        try:
            _build_item(project, item, out, archive)
        except HandoutError as exc:
            failed += 1
            new = [p for p in exc.problems if p not in problems]
            _report(new)
            problems += new
    if failed:
        print(options.closing(failed, len(items)), file=sys.stderr)
        return 1
    return 0


def cmd_default(project: Project) -> int:
    clinic = project.find_clinic(EXAMPLE_CLINIC)
    project.clinic(clinic)   # a broken clinic stops here, before any handout
    items = [Item(clinic, hf, layout, paper)
             for hf in project.handout_files() for layout in project.layout_ids() for paper in PAPERS]
    if not items:
        raise HandoutError(Problem("no handouts found", display_path(project.content_dir)))
    return _build_items(project, items, project.root / "output")


def _build_plan(project: Project, args) -> list[Item]:
    """What `build` will make: every handout x language x layout x paper asked for, or every problem
    with what was asked (the clinic, the layouts, the handouts and languages) at once."""
    problems: list[Problem] = []
    folder = collect(problems, project.find_clinic, args.clinic or EXAMPLE_CLINIC)
    profile = collect(problems, project.clinic, folder) if folder is not None else None
    layouts = collect(problems, options.layouts, project, args.layout)
    files = collect(problems, project.select, args.handout, options.languages(project, args.lang))
    if problems or profile is None:
        raise HandoutError(problems)
    papers = options.papers(args.paper) or [profile.clinic.paper]
    return [Item(folder, hf, layout, paper) for hf in files for layout in layouts for paper in papers]


def cmd_build(project: Project, args) -> int:
    return _build_items(project, _build_plan(project, args), args.out, args.archive)


def _reading(rendered: RenderedHandout) -> tuple[str, bool]:
    """Reading level of the words a patient reads, against the handout's target. A handout with no
    countable words has no score ("n/a"), which is not counted as missing the target."""
    h = rendered.handout
    score = measure(rendered.texts, h.language)
    target = h.reading_level
    if score.language == "en":  # Flesch-Kincaid grade; other languages: reading ease
        limit = target.max_grade if target.max_grade is not None else 6
        if score.grade is None:
            return f"grade  n/a (max {limit:g}), {score.hard_words} long words", True
        return f"grade {score.grade:4.1f} (max {limit:g}), {score.hard_words} long words", score.grade <= limit
    limit = target.min_ease if target.min_ease is not None else 70
    if score.ease is None:
        return f"ease   n/a (min {limit:g}), {score.hard_words} long words", True
    return f"ease {score.ease:5.1f} (min {limit:g}), {score.hard_words} long words", score.ease >= limit


def cmd_check(project: Project, args) -> int:
    problems: list[Problem] = []

    def attempt(fn, *a):
        return collect(problems, fn, *a)

    layouts = [lid for lid in project.layout_ids() if attempt(project.layout, lid)]
    clinics = [f for f in project.clinic_folders() if attempt(project.clinic, f)]
    for lang in project.languages():
        attempt(project.labels, lang)
    for path in sorted((project.content_dir / "labels").glob("*-*.yaml")):  # locale files: en-GB.yaml
        attempt(project.labels, path.stem.split("-")[0], path.stem)
    clinic_dir = attempt(project.find_clinic, args.clinic or EXAMPLE_CLINIC)
    clinic = attempt(project.clinic, clinic_dir) if clinic_dir is not None else None
    combos = [(layout, paper) for layout in layouts for paper in PAPERS]
    print(f"{'handout':34} {'lang':4} " + " ".join(f"{layout + '/' + paper:>20}" for layout, paper in combos)
          + "  reading level")
    from handouts.pdf import pdfcheck  # pikepdf: only `check` reads PDFs back, so other commands start without it
    for hf in project.handout_files():
        if not attempt(project.handout, hf) or clinic is None:
            continue
        cells, reading, ok = [], "", True
        for layout, paper in combos:
            before = len(problems)
            built = attempt(build_handout, project, clinic, hf, layout, paper)
            if built is None:
                too_long = any(p.path == "pages" for p in problems[before:])
                cells.append(f"{'TOO LONG' if too_long else 'ERROR':>20}")
                continue
            cells.append(f"{built.pages}/{built.budget} pages {built.body_size:5.2f}pt".rjust(20))
            problems.extend(Problem(f"tagged PDF ({layout}, {paper}): {p}", display_path(hf.path))
                            for p in pdfcheck.check(built.pdf))
        handout, doc = project.handout(hf)
        words = project.labels(handout.language, clinic.locale(handout.language))[0].words
        rendered = attempt(render_handout, handout, doc, clinic.template_fields(handout.language), load_fonts(),
                           clinic.emergency_fields(), words)
        for where, number in _literal_emergency_numbers(doc.data):
            problems.append(doc.problem(where, f"expected {{{{ emergency.number }}}}, got the number {number} "
                                               "written into the content: the number comes from the clinic's "
                                               "country (clinic.yaml: country)"))
        if rendered is not None:
            reading, ok = _reading(rendered)
        if reading and not ok:
            problems.append(doc.problem(("reading_level",), f"reading level misses its target: {reading}"))
        print(f"{hf.name:34} {hf.language:4} {' '.join(cells)}  {reading}{'' if ok else '  <- too hard'}")
    libraries = sorted(project.content_dir.glob("*/library/*.yaml"))
    for path in libraries:
        attempt(project.library, path.parent.parent.name, path.stem)
    programs = _check_programs(project, attempt)
    print(f"{len(project.handout_files())} handouts, {len(libraries)} exercise libraries, {len(layouts)} layouts, "
          f"{len(clinics)} clinics, {programs} programs checked")
    if problems:
        _report(problems)
        return 1
    return 0


def _check_programs(project: Project, attempt) -> int:
    """Every programs/*.yaml of the project: read and composed (clinic, language, exercises, doses)."""
    from handouts.program.compose import compose, load_program
    files = sorted((project.root / "programs").glob("*.yaml"))
    for path in files:
        loaded = attempt(load_program, path)
        if loaded is not None:
            attempt(compose, project, *loaded)
    return len(files)


def cmd_figures(project: Project, args) -> int:
    from handouts.figures.sheet import contact_sheet
    from handouts.model.content import Exercise
    conditions = sorted({hf.condition for hf in project.handout_files()}
                        | {p.parent.name for p in project.content_dir.glob("*/figures.yaml")})
    chosen = args.condition or conditions
    unknown = [c for c in chosen if c not in conditions]
    if unknown:
        raise HandoutError([Problem(f"unknown condition '{c}'; available: {', '.join(conditions) or 'none'}")
                            for c in unknown])
    for condition in chosen:
        shared = project.figures(condition)
        where = f"{condition}/figures.yaml"
        figures = [(fid, where, fig) for fid, fig in shared.items()]
        for hf in project.handout_files():
            if hf.condition != condition:
                continue
            handout, doc = project.handout(hf)
            for i, block in enumerate(handout.blocks):
                if isinstance(block, Exercise) and block.figure is not None:
                    figure = project.exercise_figure(handout, doc, i)  # an unknown `use` is an error
                    if block.figure.use is None:
                        figures.append((f"{block.id} ({hf.language})", f"{hf.language}/{hf.id}.yaml", figure))
        if not figures:
            print(f"{condition}: no figures")
            continue
        target = args.out / f"{condition}-figures.pdf"
        pdf = contact_sheet(f"Exercise figures: {condition}", figures, load_fonts())
        try:
            write_atomic(target, pdf)
        except OSError as exc:
            raise HandoutError(Problem(f"cannot write the PDF: {exc.strerror}", display_path(target))) from None
        print(f"{display_path(target)}  ({len(figures)} figures)")
    return 0


def _literal_emergency_numbers(data, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(key path, number) for each emergency number written into content text."""
    from handouts.model.country import literal_numbers
    if isinstance(data, dict):
        return [hit for k, v in data.items() if k not in ("url", "id") for hit in _literal_emergency_numbers(v, path + (k,))]
    if isinstance(data, list):
        return [hit for i, v in enumerate(data) for hit in _literal_emergency_numbers(v, path + (i,))]
    if isinstance(data, str):
        return [(path, n) for n in literal_numbers(data)]
    return []


def cmd_list(project: Project) -> int:
    print("handouts:")
    for hf in project.handout_files():
        print(f"  {hf.name:36} {hf.language}  {display_path(hf.path)}")
    print("layouts:")
    for lid in project.layout_ids():
        try:
            layout, _ = project.layout(lid)
            print(f"  {lid:20} {layout.description}")
        except HandoutError:
            print(f"  {lid:20} (invalid: run check)")
    print("clinics:")
    for folder in project.clinic_folders():
        try:
            print(f"  {folder.name:20} {project.clinic(folder).clinic.name}")
        except HandoutError:
            print(f"  {folder.name:20} (invalid: run check)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project(args.root)
    try:
        if not project.root.is_dir():   # one problem, not one for each folder that is not in it
            raise HandoutError(Problem("project folder not found (expected one with content/, layouts/ and "
                                       "clinics/)", display_path(project.root)))
        if args.command is None:
            return cmd_default(project)
        if args.command == "build":
            return cmd_build(project, args)
        if args.command == "check":
            return cmd_check(project, args)
        if args.command == "figures":
            return cmd_figures(project, args)
        if args.command == "batch":
            from handouts.batch.run import cmd_batch
            return cmd_batch(project, args)
        if args.command == "program":
            from handouts.program.run import cmd_program
            return cmd_program(project, args)
        if args.command == "packet":
            from handouts.pdf.packet import cmd_packet
            return cmd_packet(project, args)
        return cmd_list(project)
    except HandoutError as exc:
        _report(exc.problems)
        if args.command in (None, "build"):
            print(options.nothing_built(len(exc.problems)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; no half-written files were left", file=sys.stderr)
        return 130
