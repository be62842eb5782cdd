"""Batch manifests (manifests/*.yaml): which clinics, handouts, languages, papers and layouts to build,
where the PDFs go, and which packets to merge. Validated like every other file: file:line problems.

Paths in a manifest (clinic folders and globs, output patterns) are relative to the project folder.
"""
from __future__ import annotations

import difflib
import glob
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field

from handouts.build import PAPERS, HandoutFile, Project
from handouts.errors import HandoutError, Problem
from handouts.model.content import SLUG, Slug, Text
from handouts.model.schema import Model, validate
from handouts.model.yamlfile import Document, load

DEFAULT_OUTPUT = "output/<clinic>/<lang>/<paper>/<layout>/<handout>.pdf"
DEFAULT_PACKET_OUTPUT = "output/<clinic>/<lang>/<paper>/<layout>/packets/<packet>.pdf"
HANDOUT_FIELDS = ("clinic", "lang", "paper", "layout", "handout", "condition", "id")
PACKET_FIELDS = ("clinic", "lang", "paper", "layout", "packet")
_FIELD = re.compile(r"<([^<>]*)>")

Lang = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", json_schema_extra={"expect": "a language code like en"})]
Pattern = Annotated[str, Field(min_length=5, max_length=300)]


class PacketSpec(Model):
    """Handouts merged into one PDF per clinic, language, paper and layout."""

    id: Slug
    """A short id; the packet's file name."""
    title: Union[Text, dict[str, Text]]
    """The packet's title (PDF title): one text, or one per language code."""
    handouts: Annotated[list[Annotated[str, Field(pattern=SLUG)]], Field(min_length=1, max_length=30)]
    """Handout ids (or condition-id names), in the order they appear in the packet."""
    output: Pattern = DEFAULT_PACKET_OUTPUT
    """Where each packet goes; may use <clinic>, <lang>, <paper>, <layout> and <packet>."""


class Manifest(Model):
    """What `generate.py batch` builds."""

    clinics: Annotated[list[Annotated[str, Field(min_length=1, max_length=300)]], Field(min_length=1)]
    """Clinic folders or globs (like clinics/*), relative to the project folder."""
    handouts: Union[Literal["all"], Annotated[list[Annotated[str, Field(pattern=SLUG)]], Field(min_length=1)]] = "all"
    """Handout ids (or condition-id names), or all."""
    languages: Union[Literal["all"], Annotated[list[Lang], Field(min_length=1)]] = "all"
    """Language codes, or all the languages the content has."""
    papers: Union[Literal["all"], Annotated[list[Literal["letter", "a4"]], Field(min_length=1)]] = ["letter"]
    """Paper sizes (letter, a4), or all."""
    layouts: Union[Literal["all"], Annotated[list[Slug], Field(min_length=1)]] = ["standard"]
    """Layout ids from layouts/, or all."""
    output: Pattern = DEFAULT_OUTPUT
    """Where each PDF goes; may use <clinic>, <lang>, <paper>, <layout>, <handout>, <condition>, <id>."""
    packets: list[PacketSpec] = []
    """Packets to merge after the handouts are built."""
    archive: bool = False
    """Also make every handout PDF archival (PDF/A-2b, for records systems); packets are not."""


@dataclass(frozen=True)
class Job:
    """One handout PDF to make."""

    clinic: Path
    handout: HandoutFile
    layout: str
    paper: str
    output: Path
    archive: bool = False


@dataclass(frozen=True)
class PacketJob:
    """One packet PDF to merge from handout jobs."""

    packet: str
    title: str
    parts: tuple[Job, ...]
    output: Path


@dataclass
class Plan:
    jobs: list[Job]
    packets: list[PacketJob]


def _check_pattern(pattern: str, fields: tuple, doc: Document, where: tuple, problems: list) -> None:
    if not pattern.endswith(".pdf"):
        problems.append(doc.problem(where, f"an output pattern must end with .pdf, got {pattern!r}"))
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        problems.append(doc.problem(where, "an output pattern must stay inside the project folder "
                                           f"(no leading / and no ..), got {pattern!r}"))
    for name in _FIELD.findall(pattern):
        if name not in fields:
            hint = difflib.get_close_matches(name, fields, n=1, cutoff=0.5)
            tip = f"; did you mean <{hint[0]}>?" if hint else f"; expected one of: {', '.join(f'<{f}>' for f in fields)}"
            problems.append(doc.problem(where, f"unknown placeholder <{name}> in the output pattern{tip}"))


def fill(pattern: str, values: dict) -> str:
    return _FIELD.sub(lambda m: values[m.group(1)], pattern)


def _clinics(project: Project, m: Manifest, doc: Document, problems: list) -> list[Path]:
    found: list[Path] = []
    root = project.root
    for i, entry in enumerate(m.clinics):
        if glob.has_magic(entry):
            matches = sorted(Path(p) for p in glob.glob(str(root / entry)) if Path(p).is_dir())
            matches = [p for p in matches if (p / "clinic.yaml").is_file()]
            if not matches:
                problems.append(doc.problem(("clinics", i), f"no clinic folder (with a clinic.yaml) matches {entry!r}"))
        else:
            folder = root / entry
            if not folder.is_dir():
                known = ", ".join(p.name for p in project.clinic_folders()) or "none"
                problems.append(doc.problem(("clinics", i), f"clinic folder not found: {entry!r}; clinics in "
                                                            f"{project.clinics_dir.name}/: {known}"))
                continue
            matches = [folder]
        # a clinic folder stays inside the project and is named by an id: its name goes into output
        # paths (<clinic>), so '..' or /etc would put PDFs somewhere else
        outside = [p for p in matches if not p.resolve().is_relative_to(root.resolve()) or not re.match(SLUG, p.name)]
        for _ in outside:
            problems.append(doc.problem(("clinics", i), "a clinic folder must be inside the project folder and named "
                                                        f"by a short id (a-z, 0-9, -), got {entry!r}"))
        for p in matches:
            if p in outside:
                continue
            if p.resolve() not in {f.resolve() for f in found}:
                found.append(p)
    names = [p.name for p in found]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(doc.problem(("clinics",), f"two clinic folders are both named '{name}'; "
                                                  "outputs are named by folder, so rename one"))
    return found


def _handouts(project: Project, m: Manifest, langs: list[str], doc: Document, where: tuple,
              ids, problems: list) -> dict[str, list[HandoutFile]]:
    """Per language, the chosen handouts in the order given."""
    every = project.handout_files()
    out: dict[str, list[HandoutFile]] = {lang: [] for lang in langs}
    if ids == "all":
        for hf in every:
            if hf.language in out:
                out[hf.language].append(hf)
        return out
    known = sorted({h.id for h in every} | {h.name for h in every})
    for i, name in enumerate(ids):
        if not any(name in (h.id, h.name) for h in every):
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            tip = f"; did you mean '{hint[0]}'?" if hint else f"; available: {', '.join(sorted({h.id for h in every})) or 'none'}"
            problems.append(doc.problem(where + (i,), f"unknown handout '{name}'{tip}"))
            continue
        for lang in langs:
            match = [h for h in every if h.language == lang and name in (h.id, h.name)]
            if not match:
                problems.append(doc.problem(where + (i,), f"handout '{name}' has no '{lang}' version"))
            out[lang] += [h for h in match if h not in out[lang]]
    return out


def plan(project: Project, m: Manifest, doc: Document) -> Plan:
    """Expand a manifest into the jobs to run. Raises HandoutError listing every problem."""
    problems: list[Problem] = []
    _check_pattern(m.output, HANDOUT_FIELDS, doc, ("output",), problems)
    for i, p in enumerate(m.packets):
        _check_pattern(p.output, PACKET_FIELDS, doc, ("packets", i, "output"), problems)
    clinics = _clinics(project, m, doc, problems)
    have = project.languages()
    if m.languages == "all":
        langs = have
    else:
        langs = []
        for i, lang in enumerate(m.languages):
            if lang not in have:
                problems.append(doc.problem(("languages", i), f"no content in language '{lang}'; "
                                                              f"available: {', '.join(have) or 'none'}"))
            elif lang not in langs:
                langs.append(lang)
    known_layouts = project.layout_ids()
    if m.layouts == "all":
        layouts = known_layouts
    else:
        layouts = []
        for i, lid in enumerate(m.layouts):
            if lid not in known_layouts:
                hint = difflib.get_close_matches(lid, known_layouts, n=1, cutoff=0.6)
                tip = f"; did you mean '{hint[0]}'?" if hint else f"; available: {', '.join(known_layouts) or 'none'}"
                problems.append(doc.problem(("layouts", i), f"unknown layout '{lid}'{tip}"))
            elif lid not in layouts:
                layouts.append(lid)
    papers = list(PAPERS) if m.papers == "all" else list(dict.fromkeys(m.papers))
    chosen = _handouts(project, m, langs, doc, ("handouts",), m.handouts, problems)
    packet_parts = [_handouts(project, m, langs, doc, ("packets", i, "handouts"), p.handouts, problems)
                    for i, p in enumerate(m.packets)]
    for i, p in enumerate(m.packets):
        if isinstance(p.title, dict):
            for lang in langs:
                if lang not in p.title:
                    problems.append(doc.problem(("packets", i, "title"), f"no title for language '{lang}'"))
    if problems:
        raise HandoutError(sorted(dict.fromkeys(problems), key=lambda p: (p.line or 0, p.column or 0)))

    jobs: dict[tuple, Job] = {}
    seen: dict[Path, tuple] = {}

    def job(clinic: Path, hf: HandoutFile, layout: str, paper: str) -> Job:
        key = (clinic, hf.path, layout, paper)
        if key not in jobs:
            values = {"clinic": clinic.name, "lang": hf.language, "paper": paper, "layout": layout,
                      "handout": hf.name, "condition": hf.condition, "id": hf.id}
            target = project.root / fill(m.output, values)
            if target in seen:
                raise HandoutError(doc.problem(("output",), f"two handouts would both be written to {target}; "
                                                            "add placeholders such as <handout> or <lang>"))
            seen[target] = key
            jobs[key] = Job(clinic, hf, layout, paper, target, m.archive)
        return jobs[key]

    for clinic in clinics:
        for lang in langs:
            for layout in layouts:
                for paper in papers:
                    for hf in chosen[lang]:
                        job(clinic, hf, layout, paper)
    packets: list[PacketJob] = []
    for spec, parts in zip(m.packets, packet_parts):
        for clinic in clinics:
            for lang in langs:
                title = spec.title[lang] if isinstance(spec.title, dict) else spec.title
                for layout in layouts:
                    for paper in papers:
                        values = {"clinic": clinic.name, "lang": lang, "paper": paper, "layout": layout,
                                  "packet": spec.id}
                        target = project.root / fill(spec.output, values)
                        if target in seen:
                            raise HandoutError(doc.problem(("packets",), f"two PDFs would both be written to "
                                                                         f"{target}; check the output patterns"))
                        seen[target] = (spec.id,)
                        members = tuple(job(clinic, hf, layout, paper) for hf in parts[lang])
                        packets.append(PacketJob(spec.id, title, members, target))
    return Plan(list(jobs.values()), packets)


def load_manifest(project: Project, path: Path) -> tuple[Plan, Document]:
    doc = load(path)
    manifest = validate(Manifest, doc)
    return plan(project, manifest, doc), doc
