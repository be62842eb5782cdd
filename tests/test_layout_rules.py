"""Layout rules read back from the built PDFs: headings stay with what follows them, callouts stay in one
piece, tracker day labels never break inside a word, exercise cautions are a list; and the reading-level
line of `check` survives a handout with no countable words."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.build import Project
from handouts.cli.main import _reading, main
from handouts.layout.fonts import load_fonts
from handouts.text.rendering import RenderedHandout, render_handout
from handouts.text.templating import plain

REPO = Path(__file__).resolve().parent.parent


# -- check: reading level ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, word", [("en", "grade"), ("es", "ease")])
def test_reading_level_without_countable_words_prints_na(lang, word):
    project = Project(REPO)
    hf = next(h for h in project.handout_files(lang) if h.id == "overview")
    handout, doc = project.handout(hf)
    for rendered in (RenderedHandout(handout, doc, []), RenderedHandout(handout, doc, ["", "  ", "..."])):
        text, ok = _reading(rendered)
        assert text.startswith(word) and "n/a" in text, text
        assert ok


def test_reading_level_with_words_still_scored():
    project = Project(REPO)
    hf = next(h for h in project.handout_files("en") if h.id == "overview")
    handout, doc = project.handout(hf)
    text, ok = _reading(RenderedHandout(handout, doc, ["The cat sat on the mat."]))
    assert text.startswith("grade") and "n/a" not in text and ok


# -- the shipped handouts, built once for every language, paper and layout -----------------------------
COMBOS = [(lang, paper, layout) for lang in ("en", "es") for paper in ("letter", "a4")
          for layout in ("standard", "large-print")]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """root of a copy of the project with output/ built by the default command."""
    root = tmp_path_factory.mktemp("shipped")
    for name in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / name, root / name)
    assert main(["--root", str(root)]) == 0
    return root


def pdfs(root: Path):
    """(lang, paper, layout, handout id, pages as whitespace-squashed text without the footer)."""
    out = []
    for lang, paper, layout in COMBOS:
        for pdf in sorted((root / "output" / "example" / lang / paper / layout).glob("*.pdf")):
            reader = PdfReader(pdf)
            pages = []
            for page in reader.pages:
                text = page.extract_text()
                # the footer (title · reviewed · version, page X of Y) is drawn last on every page
                lines = text.splitlines()
                pages.append(squash("\n".join(lines[:-2])))
            out.append((lang, paper, layout, pdf.stem.split("-")[-1], pages))
    return out


def rendered_blocks(root: Path, lang: str, handout_id: str):
    project = Project(root)
    hf = next(h for h in project.handout_files(lang) if h.id == handout_id)
    handout, doc = project.handout(hf)
    clinic = project.clinic(root / "clinics" / "example")
    words = project.labels(handout.language)[0].words
    return render_handout(handout, doc, clinic.template_fields(handout.language), load_fonts(),
                          clinic.emergency_fields(), words).handout.blocks


def test_tracker_day_labels_never_break_inside_a_word(built):
    seen = 0
    for lang, paper, layout in COMBOS:
        labels, _ = Project(built).labels(lang)
        pdf = built / "output" / "example" / lang / paper / layout / "hamstring-nerve-pain-exercises.pdf"
        lines = [line.strip() for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
        for day in labels.days:
            assert day in lines, f"{lang} {paper} {layout}: day label {day!r} is not one unbroken line"
        seen += 1
    assert seen == len(COMBOS)


LONG_DAYS = [["Mond", "Tues", "Wedn", "Thur", "Frid", "Satu", "Sund"],
             ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]]


@pytest.mark.parametrize("layout", ["standard", "large-print"])
@pytest.mark.parametrize("days", LONG_DAYS, ids=["4-letter", "full"])
def test_tracker_day_columns_fit_the_longest_label(tmp_path, layout, days):
    """Day names longer than the shipped ones (4 letters, or whole words) still never break."""
    root = tmp_path
    for name in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / name, root / name)
    labels = root / "content" / "labels" / "en.yaml"
    labels.write_text(re.sub(r"(?m)^days: .*$", f"days: [{', '.join(days)}]", labels.read_text()))
    # wider day columns leave less room for the row names, and the shipped handout has no line to
    # spare: short row names keep it within its budget (the day names are what this test is about)
    content = root / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml"
    content.write_text(re.sub(r"(?m)^    rows: .*$", "    rows: [Glide, Stretches, Bridge, Walk]",
                              content.read_text()))
    assert main(["--root", str(root), "build", "--handout", "exercises", "--layout", layout,
                 "--out", str(root / "out")]) == 0
    pdf = root / "out" / "example" / "en" / "letter" / layout / "hamstring-nerve-pain-exercises.pdf"
    lines = [line.strip() for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
    for day in days:
        assert day in lines


def test_exercise_cautions_are_one_bullet_each(built):
    checked = 0
    for lang, paper, layout, hid, pages in pdfs(built):
        if hid != "exercises":
            continue
        text = " ".join(pages)
        for block in rendered_blocks(built, lang, "exercises"):
            if block.type != "exercise" or len(block.cautions) < 2:
                continue
            cautions = [squash(plain(c)) for c in block.cautions]
            assert "; ".join(cautions) not in text
            for caution in cautions:
                assert f"• {caution}" in text, f"{lang} {paper} {layout}: {caution!r} is not a bullet of its own"
                checked += 1
    assert checked >= 8


# -- headings stay with what follows; callouts stay in one piece ---------------------------------------
def leads_and_callouts(blocks, sources_label: str):
    """Texts that must have body text after them on their page (headings, list titles), and each
    callout as (title, [every line of text in it])."""
    leads, callouts = [], []
    for b in blocks:
        if b.type == "heading":
            leads.append(plain(b.text))
        elif b.type == "exercise":
            leads.append(plain(b.name))
        elif b.type in ("bullets", "steps", "facts", "checklist", "tracker") and b.title:
            leads.append(plain(b.title))
        elif b.type == "callout":
            callouts.append((b.kind, plain(b.title), [plain(t) for t in ([b.text] if b.text else []) + b.items]))
    leads.append(sources_label)
    return [squash(x) for x in leads], [(k, squash(t), [squash(x) for x in xs]) for k, t, xs in callouts]


def body_pages(pdf: Path, title: str) -> list[str]:
    """Each page's text, whitespace squashed, up to the running footer (which starts with the title)."""
    pages = []
    for page in PdfReader(pdf).pages:
        text = squash(page.extract_text())
        cut = text.rfind(f"{title} · ")
        pages.append(text[:cut] if cut >= 0 else text)
    return pages


def check_rules(pdf: Path, title: str, leads: list[str], callouts: list, where: str,
                tracker_head: str | None = None) -> None:
    """tracker_head: the text the weekly log's header row starts with; an exercise name that is the
    last thing on a page after it is that log's last row, not a stranded heading."""
    pages = body_pages(pdf, title)
    for lead in leads:
        found = False
        for n, text in enumerate(pages, 1):
            at = text.find(lead)
            while at >= 0:
                found = True
                after = text[at + len(lead):].strip()
                in_log = tracker_head is not None and tracker_head in text[:at]
                assert after or in_log, \
                    f"{where}: {lead!r} is the last thing on page {n}; what follows it is on page {n + 1}"
                at = text.find(lead, at + 1)
        assert found, f"{where}: {lead!r} not found"
    for kind, head, lines in callouts:
        on = [n for n, text in enumerate(pages) if head in text]
        assert on, f"{where}: callout {head!r} not found"
        text = pages[on[0]]
        for line in lines:
            assert line in text[text.find(head):], \
                f"{where}: the {kind} box {head!r} is split: {line!r} is not on its page ({on[0] + 1})"


def shipped(built):
    """(where, pdf, title, leads, callouts) of every shipped handout in every language, paper and layout."""
    project = Project(built)
    clinic = project.clinic(built / "clinics" / "example")
    for lang, paper, layout in COMBOS:
        labels, _ = project.labels(lang)
        for hf in project.handout_files(lang):
            pdf = built / "output" / "example" / lang / paper / layout / f"{hf.name}.pdf"
            handout = render_handout(*project.handout(hf), clinic.template_fields(lang), load_fonts(),
                                     clinic.emergency_fields(), labels.words).handout
            leads, callouts = leads_and_callouts(handout.blocks, labels.sources)
            assert any(k == "red_flag" for k, _, _ in callouts)
            head = squash(f"{labels.tracker_item} {' '.join(labels.days[:2])}")
            yield f"{lang} {paper} {layout} {hf.id}", pdf, squash(plain(handout.title)), leads, callouts, head


def test_shipped_callouts_stay_whole(built):
    for where, pdf, title, _, callouts, _ in shipped(built):
        check_rules(pdf, title, [], callouts, where)


def test_shipped_headings_stay_with_what_follows(built):
    for where, pdf, title, leads, _, tracker_head in shipped(built):
        check_rules(pdf, title, leads, [], where, tracker_head)


SWEEP = """\
id: sweep
condition: sweep
kind: overview
language: en
title: Layout sweep
pages: 2
review: {{version: "1.0", reviewed: 2026-11-01, next_review: 2027-11-01}}
sources: [{{publisher: NHS, title: Sciatica, url: "https://www.nhs.uk/conditions/sciatica/"}}]
blocks:
{filler}
  - {{type: heading, text: Where it hurts}}
  - type: bullets
    items: [Pain in your buttock., Pain down the back of your thigh., Tingling in your foot., A weak leg.]
  - {{type: heading, text: What helps}}
  - type: paragraph
    text: >-
      Keep moving as much as you can. Gentle walks help more than rest in bed. Heat or cold may ease the
      pain for a while. Most people feel better in a few weeks, and some take a few months to heal.
  - type: callout
    kind: red_flag
    title: Call 911 right away if you have
    items: [New trouble controlling your bladder or bowels., Numbness around your genitals or buttocks.,
            Weakness in both legs., Weakness in a leg that gets worse fast.]
  - type: steps
    title: What you can do today
    items: [Stand up every 30 minutes., Take a short walk., Use a warm pack for 15 minutes.]
  - type: callout
    kind: info
    title: When to call us
    text: "Call us if:"
    items: [Your pain is not better in 4 weeks., The pain wakes you at night., One leg feels numb.]
"""


@pytest.fixture(scope="module")
def sweep_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    for name in ("layouts", "clinics"):
        shutil.copytree(REPO / name, root / name)
    shutil.copytree(REPO / "content" / "labels", root / "content" / "labels")
    (root / "content" / "sweep" / "en").mkdir(parents=True)
    return root


@pytest.mark.parametrize("layout", ["standard", "large-print"])
def test_headings_and_callouts_wherever_the_page_breaks(sweep_root, layout):
    """One more line of filler at a time moves every block past the foot of page 1: no heading or list
    title is ever left at the foot of a page, no callout is ever split."""
    from handouts.build import build_handout

    labels, _ = Project(sweep_root).labels("en")
    path = sweep_root / "content" / "sweep" / "en" / "sweep.yaml"
    for n in range(2, 30):
        filler = "\n".join(f"  - {{type: paragraph, text: Line {i} of filler text.}}" for i in range(n))
        path.write_text(SWEEP.format(filler=filler))
        project = Project(sweep_root)
        hf = project.handout_files("en")[0]
        built = build_handout(project, project.clinic(sweep_root / "clinics" / "example"), hf, layout, "letter")
        pdf = sweep_root / f"sweep-{layout}-{n}.pdf"
        pdf.write_bytes(built.pdf)
        handout, _ = project.handout(hf)
        leads, callouts = leads_and_callouts(handout.blocks, labels.sources)
        check_rules(pdf, "Layout sweep", leads, callouts, f"{layout} with {n} filler lines")


def test_sources_dates_and_disclaimer_share_a_page(built):
    """The end matter moves as one piece: never the disclaimer alone on a last page."""
    project = Project(built)
    for lang, paper, layout in COMBOS:
        labels, _ = project.labels(lang)
        for hf in project.handout_files(lang):
            pdf = built / "output" / "example" / lang / paper / layout / f"{hf.name}.pdf"
            handout = project.handout(hf)[0]
            pages = body_pages(pdf, squash(plain(handout.title)))
            last = pages[-1]
            where = f"{lang} {paper} {layout} {hf.id}"
            assert squash(labels.sources) in last, f"{where}: the sources are not on the last page"
            assert squash(labels.disclaimer)[:40] in last, f"{where}: the disclaimer is not on the last page"
