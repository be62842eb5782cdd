"""Stage: a program file -> a handout made for one patient, built like any other (build.build_handout).

The program is the condition's exercise guide with its exercises swapped for the chosen ones: the
same safety boxes (before you start, when to call, the red-flag box), sources, review date and
version, then the chosen exercises with their doses, a weekly log of exactly those exercises with a
box for each session of the day, and the program's details (patient, date, clinician, next visit,
goals) at the top. Nothing of the patient goes into the PDF's metadata: its title is the program's
title, the same for every patient.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from handouts.build import HandoutFile, Origin, Project
from handouts.errors import HandoutError, Problem, display_path
from handouts.errors import attempt as collect
from handouts.layout.fonts import load_fonts
from handouts.model.content import Callout, Exercise, ExerciseUse, FactRow, Facts, Handout, Tracker
from handouts.model.labels import date_words
from handouts.model.program import Program
from handouts.model.schema import validate
from handouts.model.yamlfile import Document, load
from handouts.text.rendering import check_texts

MAX_PAGES = 6


@dataclass(frozen=True)
class Composed:
    program: Program
    doc: Document
    clinic: Path
    layout: str
    paper: str
    handout: Handout
    origins: dict
    attach: list            # HandoutFiles for --packet
    guide: HandoutFile      # the exercise guide it is made from (its drawings are replayed: build_handout)

    def file(self) -> HandoutFile:
        """The handout's identity for the build caches (the program file's path)."""
        return HandoutFile(f"program-{Path(self.doc.file).stem}", "program", self.handout.condition,
                           self.handout.language, Path(self.doc.file))


def load_program(path: Path) -> tuple[Program, Document]:
    doc = load(path)
    program = validate(Program, doc)
    problems = check_texts(doc.data, load_fonts(), doc)
    if problems:
        raise HandoutError(problems)
    return program, doc


def _own_problems(program: Program, doc: Document) -> list[Problem]:
    """What is wrong with the program file on its own (dates, repeats)."""
    problems = []
    if program.follow_up is not None and program.follow_up < program.date:
        problems.append(doc.problem(("follow_up",), f"expected a date on or after the program's date "
                                                    f"({program.date}), got {program.follow_up}"))
    seen: dict = {}
    for i, chosen in enumerate(program.exercises):
        if chosen.use in seen:
            problems.append(doc.problem(("exercises", i, "use"), f"'{chosen.use}' is already in the program "
                                                                 f"(exercises[{seen[chosen.use]}]); give each exercise once"))
        seen.setdefault(chosen.use, i)
    return problems


def _clinic_folder(project: Project, program: Program, doc: Document) -> Path:
    named = project.clinics_dir / program.clinic
    if "/" not in program.clinic and (named / "clinic.yaml").is_file():
        return named
    given = Path(program.clinic)
    if (given / "clinic.yaml").is_file():
        return given
    names = [f.name for f in project.clinic_folders()]
    hint = difflib.get_close_matches(program.clinic, names, n=1, cutoff=0.6)
    more = f"; did you mean '{hint[0]}'?" if hint else f"; available: {', '.join(names) or 'none'}"
    raise HandoutError(doc.problem(("clinic",), f"no clinic '{program.clinic}' (a folder under "
                                                f"{display_path(project.clinics_dir)} or a path to one){more}"))


def library_languages(project: Project) -> list[str]:
    return sorted({p.stem for p in project.content_dir.glob("*/library/*.yaml")})


def _find(project: Project, language: str, use: str, doc: Document, at: tuple) -> tuple[str, str]:
    """(condition, exercise id) for a program's `use`: id, or condition/id."""
    if "/" in use:
        condition, eid = use.split("/", 1)
        if project.library(condition, language) is None:
            conditions = sorted({p.parent.parent.name for p in project.content_dir.glob(f"*/library/{language}.yaml")})
            raise HandoutError(doc.problem(at, f"no exercise library for condition '{condition}' in '{language}'; "
                                               f"available: {', '.join(conditions) or 'none'}"))
        return condition, eid
    owners = []
    every = []
    for path in sorted(project.content_dir.glob(f"*/library/{language}.yaml")):
        condition = path.parent.parent.name
        library, _ = project.library(condition, language)  # type: ignore[misc]
        ids = [e.id for e in library.exercises]
        every += ids
        if use in ids:
            owners.append(condition)
    if len(owners) > 1:
        raise HandoutError(doc.problem(at, f"'{use}' is an exercise of {' and '.join(owners)}; "
                                           f"write {owners[0]}/{use} to say which"))
    if not owners:
        hint = difflib.get_close_matches(use, every, n=1, cutoff=0.6)
        more = f"; did you mean '{hint[0]}'?" if hint else f"; available: {', '.join(sorted(set(every))) or 'none'}"
        raise HandoutError(doc.problem(at, f"no exercise '{use}' in the '{language}' exercise libraries{more}"))
    return owners[0], use


def _guide(project: Project, condition: str, language: str) -> tuple[HandoutFile, Handout] | None:
    """The condition's exercise guide in the language (its safety boxes go on every program)."""
    for hf in project.handout_files(language):
        if hf.condition == condition:
            handout, _ = project.handout(hf)
            if handout.kind == "exercises":
                return hf, handout
    return None


def compose(project: Project, program: Program, doc: Document) -> Composed:
    """The program's handout, or every problem with it at once (each at its program key)."""
    problems: list[Problem] = _own_problems(program, doc)

    def attempt(fn, *a):
        return collect(problems, fn, *a)

    clinic = attempt(_clinic_folder, project, program, doc)
    if clinic is not None:
        attempt(project.clinic, clinic)
    layouts = project.layout_ids()
    if program.layout not in layouts:
        hint = difflib.get_close_matches(program.layout, layouts, n=1, cutoff=0.6)
        more = f"; did you mean '{hint[0]}'?" if hint else f"; available: {', '.join(layouts) or 'none'}"
        problems.append(doc.problem(("layout",), f"no layout '{program.layout}'{more}"))
    else:
        attempt(project.layout, program.layout)
    language = program.language
    languages = library_languages(project)
    if language not in languages:
        raise HandoutError(sorted(problems + [doc.problem(("language",), f"no exercise library in language '{language}'; "
                                                                   f"available: {', '.join(languages) or 'none'}")],
                                  key=lambda p: (p.line or 0, p.column or 0)))
    profile = attempt(project.clinic, clinic) if clinic is not None else None
    labels = attempt(project.labels, language, profile.locale(language) if profile else None)
    chosen: list[tuple[Exercise, Origin]] = []
    for i, c in enumerate(program.exercises):
        found = attempt(_find, project, language, c.use, doc, ("exercises", i, "use"))
        if found is None:
            continue
        made = attempt(project.library_exercise, found[0], language, found[1], c.dosing, c.note, doc,
                       ("exercises", i))
        if made is not None:
            chosen.append(made)
    conditions = list(dict.fromkeys(origin.condition for _, origin in chosen))
    guides = {}
    for condition in conditions:
        guide = attempt(_guide, project, condition, language)
        if guide is None and not problems:
            problems.append(doc.problem(("exercises",), f"condition '{condition}' has no exercise guide in "
                                                        f"'{language}' to take its safety boxes from"))
        guides[condition] = guide
    attach = []
    if program.attach and conditions and not problems:
        base = conditions[0]
        files = [f for f in project.handout_files(language) if f.condition == base]
        for i, name in enumerate(program.attach):
            match = [f for f in files if name in (f.id, f.name)]
            if not match:
                known = ", ".join(f.id for f in files)
                problems.append(doc.problem(("attach", i), f"no handout '{name}' for {base} in '{language}'; "
                                                           f"available: {known}"))
            attach += match
    if problems:
        raise HandoutError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    assert clinic is not None and labels is not None
    handout, origins = _handout(program, labels[0], chosen, [guides[c][1] for c in conditions])
    paper = program.paper or project.clinic(clinic).clinic.paper
    return Composed(program, doc, clinic, program.layout, paper, handout, origins, attach, guides[conditions[0]][0])


def _handout(program: Program, labels, chosen: list, guides: list[Handout]) -> tuple[Handout, dict]:
    base = guides[0]
    rows = []
    # an anonymous program keeps the line, empty, for the name to be written in by hand
    rows.append(FactRow.model_construct(label=labels.program_for, value=program.patient or "\u00a0"))
    rows.append(FactRow(label=labels.program_date, value=date_words(labels, program.date)))
    if program.clinician:
        who = program.clinician.name + (f", {program.clinician.role}" if program.clinician.role else "")
        rows.append(FactRow(label=labels.program_from, value=who))
    if program.follow_up:
        rows.append(FactRow(label=labels.program_next, value=date_words(labels, program.follow_up)))
    head: list = [Facts(type="facts", rows=rows)]
    if program.goals:
        head.append(Callout(type="callout", kind="info", title=labels.program_goals, text=program.goals))

    def is_exercise(b) -> bool:
        return isinstance(b, (Exercise, ExerciseUse))

    blocks = list(base.blocks)
    first = next(i for i, b in enumerate(blocks) if is_exercise(b)) if any(map(is_exercise, blocks)) else len(blocks)
    last = max((i for i, b in enumerate(blocks) if is_exercise(b)), default=first - 1)
    before = [b for b in blocks[:first] if not isinstance(b, Tracker)]
    after = [b for b in blocks[last + 1:] if not isinstance(b, Tracker)]
    # the other conditions' safety boxes: a box of the same kind and title gets their new bullets
    for guide in guides[1:]:
        for b in guide.blocks:
            if not isinstance(b, Callout):
                continue
            for group in (before, after):
                same = [k for k, x in enumerate(group) if isinstance(x, Callout) and x.kind == b.kind and x.title == b.title]
                if same:
                    k = same[0]
                    box = group[k]
                    assert isinstance(box, Callout)
                    group[k] = box.model_copy(update={"items": list(dict.fromkeys([*box.items, *b.items]))})
                    break
            else:
                (after if b.kind == "red_flag" else before).append(b)
    exercises = [e for e, _ in chosen]
    tracker = Tracker(type="tracker", title=labels.program_log, days=7,
                      rows=[e.log_name or e.name for e in exercises],
                      boxes=[e.dosing.times if e.dosing.per == "day" else 1 for e in exercises])
    # the log goes before the red-flag box's neighbours at the end, where the guide had its own
    end = [b for b in after if not (isinstance(b, Callout) and b.kind == "red_flag")]
    flags = [b for b in after if isinstance(b, Callout) and b.kind == "red_flag"]
    body = head + before + exercises + flags + [tracker] + end
    origins = {len(head) + len(before) + k: origin for k, (_, origin) in enumerate(chosen)}
    sources = list({s.url: s for g in guides for s in g.sources}.values())[:8]
    handout = Handout.model_construct(
        id="program", condition=base.condition, kind="exercises", language=base.language,
        title=labels.program_title, subtitle=None, pages=2, reading_level=base.reading_level,
        review=base.review, sources=sources, keywords=[], blocks=body)
    return handout, origins
