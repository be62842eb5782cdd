"""The pipeline: load -> validate -> resolve -> render text -> lay out -> PDF bytes -> write atomically.

I/O happens only in `Project` loaders (read) and `write.write_atomic` (write); the stages in between are
functions over typed objects.
"""
from __future__ import annotations

import bisect
import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pydantic
from reportlab.lib.utils import TimeStamp
from reportlab.platypus.doctemplate import LayoutError

from handouts import __version__
from handouts.errors import HandoutError, Problem, display_path
from handouts.figures.model import Figure, FigureFile
from handouts.layout.flowables import Builder, contact_links
from handouts.layout.fonts import load_fonts
from handouts.layout.header import address_line, one_line, plan_header, text_lines
from handouts.layout.images import load_picture
from handouts.layout.styles import Scale, fit_steps, make_styles
from handouts.layout.theme import brand_backgrounds, resolve_theme
from handouts.model.clinic import ClinicProfile, blank_template_fields, load_clinic
from handouts.model.content import SLUG, DoseChange, Exercise, ExerciseLibrary, ExerciseUse, Handout
from handouts.model.labels import Labels, load_labels
from handouts.model.layout import Layout, load_layout
from handouts.model.schema import validate
from handouts.model.yamlfile import Document, load
from handouts.pdf.document import PAPERS as PAPER_SIZES
from handouts.pdf.document import PageInfo, Rendered, body_width, count_pages, render_pdf
from handouts.reuse.replay import Seed, collect_chars, neutral_theme
from handouts.text.rendering import RenderedHandout, check_texts, render_handout
from handouts.text.templating import escape_text, plain

PAPERS = ("letter", "a4")


def did_you_mean(given: str, choices: list[str], label: str = "available") -> str:
    """"; did you mean 'x'? available: x, y" with the closest choice (in any case) when one is close,
    else "; available: x, y"."""
    lowered = {c.lower(): c for c in choices}
    hint = difflib.get_close_matches(given.lower(), list(lowered), n=1, cutoff=0.6)
    listing = f"{label}: {', '.join(choices) or 'none'}"
    return f"; did you mean '{lowered[hint[0]]}'? {listing}" if hint else f"; {listing}"


@dataclass(frozen=True)
class Origin:
    """Where a library exercise in a handout came from."""
    condition: str
    doc: Document
    path: tuple     # ("exercises", j) in the library file


@dataclass(frozen=True)
class HandoutFile:
    name: str       # <condition>-<id>, unique across the project
    id: str
    condition: str
    language: str
    path: Path


@dataclass
class Project:
    """A project folder (content/, layouts/, clinics/) with caches, so each file is read once."""

    root: Path
    _handouts: dict = field(default_factory=dict)
    _layouts: dict = field(default_factory=dict)
    _brand_backgrounds: dict | None = None
    _labels: dict = field(default_factory=dict)
    _clinics: dict = field(default_factory=dict)
    _figures: dict = field(default_factory=dict)     # condition -> its figures.yaml, by id
    _fit_floors: dict = field(default_factory=dict)  # (content file, layout, paper) -> first fit step
    _fit_hints: dict = field(default_factory=dict)   # the same -> the step the last clinic needed
    _blanks: dict = field(default_factory=dict)      # content file -> the handout with clinic values blank
    _seeds: dict = field(default_factory=dict)       # (content file, layout, paper, step) -> replay.Seed
    _libraries: dict = field(default_factory=dict)   # (condition, language) -> (ExerciseLibrary, Document)
    _origins: dict = field(default_factory=dict)     # (handout file, block index) -> Origin of a library exercise

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def clinics_dir(self) -> Path:
        return self.root / "clinics"

    def handout_files(self, language: str | None = None) -> list[HandoutFile]:
        found = []
        for path in sorted(self.content_dir.glob("*/*/*.yaml")):
            condition, lang = path.parent.parent.name, path.parent.name
            if condition == "labels" or lang == "library" or (language and lang != language):
                continue
            found.append(HandoutFile(f"{condition}-{path.stem}", path.stem, condition, lang, path))
        return found

    def languages(self) -> list[str]:
        return sorted({h.language for h in self.handout_files()})

    def select(self, names: list[str] | None, language: str | list[str] | None) -> list[HandoutFile]:
        """Handouts by full name (condition-id) or bare id, in any case, in one or more languages (None:
        every language each handout exists in). An unknown language or handout, or a handout missing
        from a language asked for, is an error listing what there is."""
        languages = [language] if isinstance(language, str) else language
        problems = [self._no_language(lang) for lang in languages or [] if lang not in self.languages()]
        files = [f for f in self.handout_files() if languages is None or f.language in languages]
        if problems or not names:
            if not problems and not files:
                problems.append(Problem(f"no handouts under {display_path(self.content_dir)}"))
            if problems:
                raise HandoutError(problems)
            return files
        chosen: list[HandoutFile] = []
        for name in names:
            try:
                chosen += [f for f in self._pick(name, languages) if f not in chosen]
            except HandoutError as exc:
                problems += exc.problems
        if problems:
            raise HandoutError(problems)
        return chosen

    def _no_language(self, language: str) -> Problem:
        return Problem(f"no handouts in language '{language}' under {display_path(self.content_dir)}"
                       + did_you_mean(language, self.languages(), "languages"))

    def _pick(self, name: str, languages: list[str] | None) -> list[HandoutFile]:
        """The handouts one name given on the command line means, in every language asked for."""
        if not re.match(SLUG, name.lower()):
            raise HandoutError(Problem(f"a handout id is lower-case letters, digits and dashes, got {name!r}"))
        everywhere = [f for f in self.handout_files() if name.lower() in (f.name, f.id)]
        if not everywhere:
            ids = sorted({f.id for f in self.handout_files() if languages is None or f.language in languages})
            inside = "" if languages is None else (f" in language '{languages[0]}'" if len(languages) == 1
                                                   else f" in languages {', '.join(languages)}")
            raise HandoutError(Problem(f"unknown handout '{name}'{inside}{did_you_mean(name, ids)}"))
        have = sorted({f.language for f in everywhere})
        missing = [lang for lang in languages or [] if lang not in have]
        if missing:
            raise HandoutError([Problem(f"handout '{name}' is not in language '{lang}'; it is in: {', '.join(have)}")
                                for lang in missing])
        return [f for f in everywhere if languages is None or f.language in languages]

    def handout(self, hf: HandoutFile) -> tuple[Handout, Document]:
        if hf.path not in self._handouts:
            doc = load(hf.path)
            handout = validate(Handout, doc)
            problems = []
            if handout.id != hf.id:
                problems.append(doc.problem(("id",), f"expected '{hf.id}' (the file name), got '{handout.id}'"))
            if handout.language != hf.language:
                problems.append(doc.problem(("language",), f"expected '{hf.language}' (the folder), "
                                                           f"got '{handout.language}'"))
            if handout.condition != hf.condition:
                problems.append(doc.problem(("condition",), f"expected '{hf.condition}' (the folder), "
                                                             f"got '{handout.condition}'"))
            if problems:
                raise HandoutError(problems)
            blocks = list(handout.blocks)
            for i, block in enumerate(blocks):
                if isinstance(block, ExerciseUse):
                    try:
                        blocks[i], self._origins[(doc.file, i)] = self.library_exercise(
                            handout.condition, handout.language, block.use, block.dosing, block.note,
                            doc, ("blocks", i))
                    except HandoutError as exc:
                        problems += exc.problems
            if problems:
                raise HandoutError(problems)
            if blocks != list(handout.blocks):
                handout = handout.model_copy(update={"blocks": blocks})
            self._handouts[hf.path] = (handout, doc)
        return self._handouts[hf.path]

    def library_path(self, condition: str, language: str) -> Path:
        return self.content_dir / condition / "library" / f"{language}.yaml"

    def library(self, condition: str, language: str) -> tuple[ExerciseLibrary, Document] | None:
        """content/<condition>/library/<lang>.yaml, validated (None when there is no such file)."""
        key = (condition, language)
        if key not in self._libraries:
            path = self.library_path(condition, language)
            if not path.is_file():
                self._libraries[key] = None
            else:
                doc = load(path)
                library = validate(ExerciseLibrary, doc)
                problems = check_texts(doc.data, load_fonts(), doc)
                if library.language != language:
                    problems.append(doc.problem(("language",), f"expected '{language}' (the file name), "
                                                               f"got '{library.language}'"))
                if library.condition != condition:
                    problems.append(doc.problem(("condition",), f"expected '{condition}' (the folder), "
                                                                 f"got '{library.condition}'"))
                if problems:
                    raise HandoutError(problems)
                self._libraries[key] = (library, doc)
        return self._libraries[key]

    def library_exercise(self, condition: str, language: str, use: str, change: DoseChange | None,
                         note: str | None, doc: Document, at: tuple) -> tuple[Exercise, Origin]:
        """The library exercise `use` of a condition and language, with its dose changed and a note
        (an unknown id, a missing library or a change that leaves no dose is an error at `at`)."""
        found = self.library(condition, language)
        if found is None:
            raise HandoutError(doc.problem(at + ("use",), f"expected an exercise from the {condition} exercise "
                               f"library, but there is no {display_path(self.library_path(condition, language))}"))
        library, lib_doc = found
        ids = [e.id for e in library.exercises]
        if use not in ids:
            hint = difflib.get_close_matches(use, ids, n=1, cutoff=0.6)
            more = f"; did you mean '{hint[0]}'?" if hint else f"; available: {', '.join(ids)}"
            raise HandoutError(doc.problem(at + ("use",), f"no exercise '{use}' in {condition}/library/"
                                                          f"{language}.yaml{more}"))
        j = ids.index(use)
        body = library.exercises[j]
        fields = {name: getattr(body, name) for name in type(body).model_fields}
        if change is not None:
            try:
                fields["dosing"] = change.apply(body.dosing)
            except pydantic.ValidationError as exc:
                reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
                raise HandoutError(doc.problem(at + ("dosing",), f"with these changes the dose of '{use}' "
                                                                 f"is not a dose: {reason}")) from None
        if note is not None:
            fields["note"] = note
        return Exercise.model_construct(type="exercise", **fields), Origin(condition, lib_doc, ("exercises", j))

    def figures(self, condition: str) -> dict:
        """content/<condition>/figures.yaml: figure id -> Figure (none when there is no such file)."""
        if condition not in self._figures:
            path = self.content_dir / condition / "figures.yaml"
            self._figures[condition] = dict(validate(FigureFile, load(path)).figures) if path.is_file() else {}
        return self._figures[condition]

    def exercise_figure(self, handout: Handout, doc: Document, i: int) -> Figure:
        """The figure of the exercise at blocks[i]: its own poses, or the figures.yaml figure it uses
        (an unknown id is an error at the exercise's `use`, in the library when it came from one)."""
        block = handout.blocks[i]
        assert isinstance(block, Exercise) and block.figure is not None
        ref = block.figure
        own = ref.own()
        if own is not None:
            return own
        origin = self._origins.get((doc.file, i))
        condition = origin.condition if origin else handout.condition
        shared = self.figures(condition)
        if ref.use not in shared:
            where, at = (origin.doc, origin.path) if origin else (doc, ("blocks", i))
            raise HandoutError(where.problem(at + ("figure", "use"),
                                             f"expected a figure id from {condition}/figures.yaml "
                                             f"({', '.join(sorted(shared)) or 'none'}), got {ref.use!r}"))
        return shared[ref.use]

    def image_source(self, doc: Document, i: int) -> tuple[Document, tuple]:
        """Where the image of the exercise at blocks[i] was written: (its file's document, key path)."""
        origin = self._origins.get((doc.file, i))
        return (origin.doc, origin.path + ("image", "file")) if origin else (doc, ("blocks", i, "image", "file"))

    def register(self, hf: HandoutFile, handout: Handout, doc: Document, origins: dict[int, Origin]) -> None:
        """A handout made in memory (a patient's program): built like one read from hf.path."""
        self._handouts[hf.path] = (handout, doc)
        for i, origin in origins.items():
            self._origins[(doc.file, i)] = origin

    def forget(self, hf: HandoutFile) -> None:
        """Drop what was kept for one handout (a program, built once), so a worker building hundreds
        keeps no more than it needs."""
        entry = self._handouts.pop(hf.path, None)
        for cache in (self._fit_floors, self._fit_hints, self._seeds):
            for key in [k for k in cache if k[0] == hf.path]:
                del cache[key]
        for blank in [k for k in self._blanks if k[0] == hf.path]:
            del self._blanks[blank]
        if entry is not None:
            for key in [k for k in self._origins if k[0] == entry[1].file]:
                del self._origins[key]

    def layout(self, layout_id: str) -> tuple[Layout, Document]:
        if layout_id not in self._layouts:
            self._layouts[layout_id] = load_layout(self.layouts_dir, layout_id)
        return self._layouts[layout_id]

    def brand_backgrounds(self) -> dict[str, set[str]]:
        """Every background each brand colour meets in the project's layouts (the ones that load):
        colour advice for a brand colour passes in all of them (theme.resolve_theme)."""
        if self._brand_backgrounds is None:
            layouts = []
            for lid in self.layout_ids():
                try:
                    layouts.append(self.layout(lid)[0])
                except HandoutError:
                    continue
            self._brand_backgrounds = brand_backgrounds(layouts)
        return self._brand_backgrounds

    def layout_ids(self) -> list[str]:
        return sorted(p.stem for p in self.layouts_dir.glob("*.yaml"))

    def labels(self, language: str, locale: str | None = None) -> tuple[Labels, list[Document]]:
        """A language's label table, with its locale's changes (labels/en-GB.yaml) when there are any."""
        if (language, locale) not in self._labels:
            labels, docs = load_labels(self.content_dir / "labels", language, locale)
            problems = [p for doc in docs for p in check_texts(doc.data, load_fonts(), doc)]
            if problems:
                raise HandoutError(problems)
            self._labels[(language, locale)] = (labels, docs)
        return self._labels[(language, locale)]

    def blank(self, hf: HandoutFile, locale: str | None = None) -> Handout:
        """The handout's own text in a locale's words, every clinic value (name, phone, ...) left blank."""
        if (hf.path, locale) not in self._blanks:
            handout, doc = self.handout(hf)
            words = self.labels(handout.language, locale)[0].words
            self._blanks[(hf.path, locale)] = render_handout(handout, doc, blank_template_fields(), load_fonts(),
                                                             words=words).handout
        return self._blanks[(hf.path, locale)]

    def clinic(self, folder: Path) -> ClinicProfile:
        key = folder.resolve()
        if key not in self._clinics:
            profile = load_clinic(folder)
            problems = check_texts(profile.doc.data, load_fonts(), profile.doc)
            if problems:
                raise HandoutError(problems)
            self._clinics[key] = profile
        return self._clinics[key]

    def find_clinic(self, given: str | Path) -> Path:
        """The clinic folder a user means: a clinic id (a folder under clinics/, as `list` shows it,
        in any case) or a path to a clinic folder. Anything else is an error naming the clinics there are."""
        path = Path(given)
        if len(path.parts) == 1 and not path.is_absolute() and (self.clinics_dir / path.name.lower()).is_dir():
            return self.clinics_dir / path.name.lower()
        if path.is_dir():
            return path   # load_clinic reports a folder name that is not an id or a missing clinic.yaml
        names = [f.name for f in self.clinic_folders()]
        raise HandoutError(Problem(f"clinic '{given}' not found{did_you_mean(path.name, names, 'clinics')}"))

    def clinic_folders(self) -> list[Path]:
        return sorted(p for p in self.clinics_dir.iterdir() if (p / "clinic.yaml").is_file()) \
            if self.clinics_dir.is_dir() else []


@dataclass(frozen=True)
class Built:
    pdf: bytes
    pages: int
    budget: int
    scale: Scale
    body_size: float
    rendered: RenderedHandout
    replayed: int = 0   # drawings replayed from an earlier clinic's build, not drawn afresh (replay.py)


def timestamp_for(reviewed: dt.date) -> TimeStamp:
    """A fixed PDF date: SOURCE_DATE_EPOCH when set, else the content's review date (UTC midnight)."""
    ts = TimeStamp(invariant=1)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    t = int(epoch) if epoch.isdigit() else int(dt.datetime(reviewed.year, reviewed.month, reviewed.day,
                                                             tzinfo=dt.timezone.utc).timestamp())
    import time
    ts.t = t
    ts.lt = time.gmtime(t)
    ts.YMDhms = tuple(ts.lt)[:6]
    return ts


def _pictures(project: Project, handout: Handout, doc: Document) -> dict:
    """The handout's pictures: image file -> Picture, and ("figure", exercise id) -> Figure."""
    pictures: dict = {}
    for i, block in enumerate(handout.blocks):
        if isinstance(block, Exercise) and block.image is not None:
            where, at = project.image_source(doc, i)
            pictures[block.image.file] = load_picture(Path(where.file).parent, block.image.file, where, at)
        elif isinstance(block, Exercise) and block.figure is not None:
            pictures[("figure", block.id)] = project.exercise_figure(handout, doc, i)
    return pictures


def _page_info(clinic: ClinicProfile, layout: Layout, labels: Labels, handout: Handout,
               paper: str = "letter") -> PageInfo:
    """What the header and footer print, in the handout's language; the letterhead fitted to the
    layout and paper (header.py), or a located error for the clinic.yaml key that does not fit."""
    c, language = clinic.clinic, handout.language
    contacts = [f"{labels.phone} {c.phone}", c.email, c.website.removeprefix("https://").rstrip("/")]
    links = contact_links(c)
    urls: list[str | None] = [links[c.phone], links[c.email], c.website]
    hours = text_lines(clinic.text("hours", language))
    contacts += hours
    urls += [None] * len(hours)
    name, tagline = one_line(c.name), one_line(clinic.text("tagline", language))
    address = address_line(clinic.text("address", language))
    plan, problems = plan_header(layout, PAPER_SIZES[paper][0], load_fonts(), name, tagline, contacts,
                                 clinic.logo.aspect, address)
    if problems:
        raise HandoutError([clinic.doc.problem((key,), f"{message} ({layout.name}, {paper})")
                            for key, message in problems])
    r = handout.review
    footer = {"title": plain(handout.title), "reviewed": f"{labels.reviewed} {r.reviewed.isoformat()}",
              "version": f"{labels.version} {r.version}"}
    left = " · ".join(footer[k] for k in layout.footer.show if k in footer)
    return PageInfo(name, tagline, contacts, plain(handout.title), left, labels.page_of,
                    clinic.logo, clinic.logo_alt(language), urls, plan)


def _one_line(exc: Exception) -> str:
    """reportlab's message on one line, without the memory addresses it names objects by."""
    return " ".join(re.sub(r"(?: at |@)0x[0-9a-fA-F]+", "", str(exc)).split())


def make_flowables(h: Handout, clinic: ClinicProfile | None, styles, labels: Labels, pictures: dict,
                   width: float, address: str = "") -> list:
    """The handout's flowables, title to end matter, in one set of styles (one fit step).
    clinic None: the handout's own text alone, every clinic value blank (see fit_floor). address:
    the clinic's, printed after its name at the end when the layout's letterhead does not show it."""
    builder = Builder(styles, labels, pictures, width)
    if clinic is not None:
        builder.links = contact_links(clinic.clinic)  # phone, email, web address in the text: links
    flowables = builder.title(h)
    for block in h.blocks:
        flowables += builder.block(block)
    return flowables + builder.end_matter(h, escape_text(clinic.clinic.name) if clinic is not None else "",
                                          escape_text(address))


def end_address(clinic: ClinicProfile, layout: Layout, language: str) -> str:
    """The clinic's address for the end matter: only when the layout's letterhead does not print it."""
    return "" if "address" in layout.header.show else address_line(clinic.text("address", language))


def _layout_problem(exc: Exception, file) -> HandoutError:
    if isinstance(exc, LayoutError):
        return HandoutError(Problem(f"a block is too large to fit on one page ({_one_line(exc)[:120]})", file))
    if str(exc).startswith(("xml parser error", "paraparser:")):   # reportlab's paragraph markup parser
        return HandoutError(Problem(f"the text has markup reportlab cannot read ({_one_line(exc)[:200]})", file))
    return HandoutError(Problem(f"reportlab could not lay out this handout ({type(exc).__name__}: "
                                f"{_one_line(exc)[:200]})", file))


def fit_floor(project: Project, hf: HandoutFile, layout_id: str, paper: str, theme, budget: int | None = None,
              locale: str | None = None) -> int:
    """The first fit step at which the handout's own text fits its budget with every clinic value
    (name, phone, ...) left blank: where the search for each clinic starts (see build_handout).

    It depends on the content, layout and paper only, so it is worked out once per handout, layout
    and paper (and worker), by layout-only passes; no clinic's build searches below it, and most
    draw it and nothing else. A clinic's values only add text, so in practice no
    earlier step would fit the clinic's handout either (a test checks it for every shipped handout);
    either way the answer depends on the inputs alone, never on which clinic was built first.
    Colours do not move text, so any clinic's theme gives the same answer."""
    key = (hf.path, layout_id, paper, budget, locale)
    if key not in project._fit_floors:
        handout, doc = project.handout(hf)
        layout, _ = project.layout(layout_id)
        budget = budget or handout.pages * layout.page_factor

        def fits(step: int) -> bool:
            flowables = _blank_flowables(project, hf, layout_id, paper, step, theme, locale)
            try:
                return count_pages(flowables, layout, paper, load_fonts())[0] <= budget
            except (LayoutError, ValueError) as exc:
                raise _layout_problem(exc, doc.file) from None

        # steps only shrink spacing and type: a bisection finds the first that fits in ~3 passes
        project._fit_floors[key] = bisect.bisect_left(range(len(fit_steps(layout)) - 1), True, key=fits)
    return project._fit_floors[key]


def _blank_flowables(project: Project, hf: HandoutFile, layout_id: str, paper: str, step: int, theme,
                     locale: str | None) -> list:
    """The flowables of the handout's own text (every clinic value blank) at one fit step."""
    handout, doc = project.handout(hf)
    layout, _ = project.layout(layout_id)
    labels, _ = project.labels(handout.language, locale)
    fonts = load_fonts()
    styles = make_styles(layout, theme, fonts, fit_steps(layout)[step])
    return make_flowables(project.blank(hf, locale), None, styles, labels, _pictures(project, handout, doc), body_width(layout, paper))


def seed_for(project: Project, hf: HandoutFile, layout_id: str, paper: str, step: int, theme,
             locale: str | None = None) -> Seed:
    """The font codes every clinic's rendering of this handout, layout, paper and fit step starts
    from (the characters of the handout's own text, font by font), and the drawings recorded under
    them (replay.py)."""
    key = (hf.path, layout_id, paper, step, locale)
    seed = project._seeds.get(key)
    if seed is None:
        blank = _blank_flowables(project, hf, layout_id, paper, step, theme, locale)
        seed = project._seeds[key] = Seed(collect_chars(blank))
    return seed


def natural_length(project: Project, clinic: ClinicProfile, hf: HandoutFile, layout_id: str,
                   paper: str) -> tuple[int, float, float]:
    """(pages, fill of the last page, body size) of a clinic's handout at the layout's own sizes (the
    first fit step): a layout pass, nothing drawn."""
    fonts = load_fonts()
    handout, doc = project.handout(hf)
    layout, layout_doc = project.layout(layout_id)
    locale = clinic.locale(handout.language)
    labels, _ = project.labels(handout.language, locale)
    neutral, _ = neutral_theme(resolve_theme(layout, layout_doc, clinic, project.brand_backgrounds()))
    h = render_handout(handout, doc, clinic.template_fields(handout.language), fonts,
                             clinic.emergency_fields(), labels.words).handout
    styles = make_styles(layout, neutral, fonts, fit_steps(layout)[0])
    flowables = make_flowables(h, clinic, styles, labels, _pictures(project, handout, doc), body_width(layout, paper),
                               end_address(clinic, layout, handout.language))
    try:
        return (*count_pages(flowables, layout, paper, fonts), styles.body_size)
    except (LayoutError, ValueError) as exc:
        raise _layout_problem(exc, doc.file) from None


def build_handout(project: Project, clinic: ClinicProfile, hf: HandoutFile, layout_id: str,
                  paper: str, archive: bool = False, budget: int | None = None, natural: bool = False,
                  counted: tuple | None = None, seed_from: HandoutFile | None = None) -> Built:
    """Build one handout for one clinic, layout and paper size, fitted to its page budget.
    Always a tagged PDF/UA-1 file; archive: PDF/A-2b as well.

    budget: pages allowed (default: the handout's `pages` times the layout's page factor).
    natural: a handout built once (a patient's program): the first fit step (the layout's own sizes)
    is drawn at once, and when it fits that is the answer, without the search a batch amortises.
    counted: natural_length's answer, when it was asked already. seed_from: the handout whose font
    codes and recorded drawings a one-off build shares (a program: its exercise guide's), so what it
    has in common with it (the safety boxes, the figures, the sources) is replayed, not drawn."""
    fonts = load_fonts()
    handout, doc = project.handout(hf)
    layout, layout_doc = project.layout(layout_id)
    locale = clinic.locale(handout.language)
    labels, _ = project.labels(handout.language, locale)
    theme = resolve_theme(layout, layout_doc, clinic, project.brand_backgrounds())
    neutral, recolour = neutral_theme(theme)  # styled in stand-in colours, swapped per page (replay.py)
    rendered = render_handout(handout, doc, clinic.template_fields(handout.language), fonts,
                             clinic.emergency_fields(), labels.words)
    pictures = _pictures(project, handout, doc)
    info = _page_info(clinic, layout, labels, rendered.handout, paper)
    h = rendered.handout
    meta = {"title": plain(h.title), "author": clinic.clinic.name,
            "subject": plain(h.subtitle) if h.subtitle else plain(h.title),
            "keywords": ", ".join([plain(k) for k in h.keywords] + [h.condition.replace("-", " "), h.kind]),
            "creator": f"handouts {__version__} (reportlab)", "lang": labels.bcp47}
    budget = budget or handout.pages * layout.page_factor
    stamp = timestamp_for(handout.review.reviewed)
    width = body_width(layout, paper)
    address = end_address(clinic, layout, handout.language)
    steps = fit_steps(layout)
    tried: dict[int, tuple] = {}  # step -> (pages, fill of the last page, body size)
    drawn: dict[int, Rendered] = {}  # step -> Rendered, for the steps rendered in full
    replays: dict[int, int] = {}   # step -> drawings replayed in its rendering
    if counted is not None:
        tried[0] = counted

    def fits(i: int, draw: bool) -> bool:
        if i not in tried or (draw and i not in drawn):
            styles = make_styles(layout, neutral, fonts, steps[i])
            flowables = make_flowables(h, clinic, styles, labels, pictures, width, address)
            try:
                if draw:
                    # built once: the font codes from its own text, or from the handout it shares them with
                    if natural and seed_from is None:
                        seed = Seed(collect_chars(flowables))
                    else:
                        seed = seed_for(project, seed_from or hf, layout_id, paper, i, neutral, locale)
                    hits = seed.hits
                    out = drawn[i] = render_pdf(flowables, layout, theme, fonts, info, paper, meta, stamp,
                                                archive, seed, recolour)
                    replays[i] = seed.hits - hits
                    pages, fill = out.pages, out.last_page_fill
                else:
                    pages, fill = count_pages(flowables, layout, paper, fonts)
            except (LayoutError, ValueError) as exc:
                raise _layout_problem(exc, doc.file) from None
            tried[i] = (pages, fill, styles.body_size)
        return tried[i][0] <= budget

    # The answer is the first fit step, from the handout's floor on, that fits this clinic's handout.
    # Usually the floor itself: one full rendering. When the clinic's own text (its name, its phone)
    # pushes it over, later steps are laid out without drawing (count_pages) until one fits, and only
    # that one is drawn. Steps only shrink spacing and type, so once a step does not fit, no earlier
    # one does: starting from the step the previous clinic needed (checking that the one before it
    # does not fit) gives the same answer at the cost of one layout pass, not a wasted rendering,
    # when every clinic's text needs more than the floor.
    if natural:
        # a bisection over this handout's own steps (no floor from its blank text, no hint from an
        # earlier clinic: nothing is built twice), then the full rendering has the last word
        i = 0 if fits(0, draw=False) else 1 + bisect.bisect_left(range(1, len(steps)), True,
                                                                  key=lambda j: fits(j, draw=False))
        while i < len(steps) and not fits(i, draw=True):
            i += 1
    else:
        floor = fit_floor(project, hf, layout_id, paper, neutral, budget, locale)
        key = (hf.path, layout_id, paper, budget)
        i = max(floor, min(project._fit_hints.get(key, floor), len(steps) - 1))
        while i > floor and fits(i - 1, draw=False):
            i -= 1
        if not fits(i, draw=True):
            i += 1
            while i < len(steps) and not fits(i, draw=False):
                i += 1
            while i < len(steps) and not fits(i, draw=True):  # the full rendering has the last word
                i += 1
        if i < len(steps):
            project._fit_hints[key] = i
    if i < len(steps):
        return Built(drawn[i].pdf, drawn[i].pages, budget, steps[i], tried[i][2], rendered, replays[i])
    pages, fill, size = tried[len(steps) - 1]
    over = pages - budget - 1 + fill
    raise HandoutError(doc.problem(("pages",),
        f"handout '{hf.name}' ({hf.language}, {paper}, {layout_id}) does not fit its budget of {budget} "
        f"page{'s' if budget > 1 else ''}: at the smallest allowed size (body {size:g} pt) it needs "
        f"{pages} pages, about {over:.1f} page{'s' if over >= 1.05 else ''} too many; "
        "shorten the text or raise 'pages'"))
