"""Personal exercise programs (issue 14): what a clinician and a patient see on the page, what the
file system and the PDF's metadata keep of the patient, and every bad program input."""
import re
import shutil
import unicodedata

import pikepdf
import pytest
from pypdf import PdfReader

from handouts.cli.main import main
from tests.conftest import REPO

PATIENT = "Zofia Quellmann"


def run(root, *args) -> int:
    return main(["--root", str(root), *args])


def text_of(pdf) -> str:
    reader = PdfReader(pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def write(root, name: str, body: str):
    path = root / "programs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(body)
    return path


BASE = """clinic: example
language: {lang}
date: 2026-12-03
{extra}exercises:
{exercises}
"""


def program(lang="en", exercises="  - use: bridge\n", extra=""):
    return BASE.format(lang=lang, exercises=exercises.rstrip("\n"), extra=extra)


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_shipped_example_is_what_a_physiotherapist_hands_over(project, tmp_path, capsys):
    shutil.copytree(REPO / "programs", project / "programs")
    assert run(project, "program", str(project / "programs" / "example.yaml"), "--out", str(tmp_path / "out")) == 0
    pdf = tmp_path / "out" / "example" / "programs" / "example.pdf"
    assert f"{pdf}  (2 pages)" in capsys.readouterr().out
    text = text_of(pdf)
    # the three chosen exercises, not the two left out
    for name in ("Seated nerve glide", "Bridge", "Walking"):
        assert name in text
    for name in ("Knee to chest", "Buttock stretch"):
        assert name not in text
    # the changed doses, in words
    assert "How much: 3 sets · 8 times · hold 3 seconds · lower over 3 seconds · once a day · after work" in text
    assert "How much: 15 minutes · 2 times a day" in text
    assert "How much: 10 times · 2 times a day" in text   # the library's own dose, unchanged
    assert "Note: Keep your knees in line with your hips." in text
    # the program's details and the safety boxes every handout carries
    assert "Your home exercise program" in text
    assert "Date December 3, 2026" in text
    assert "From Sam Rivera, Physiotherapist" in text
    assert "Next visit December 17, 2026" in text
    assert "Your goals Sit through a work meeting" in text
    assert "Call 911 right away if you have:" in text
    assert "Call (217) 555-0142 if the exercises make your pain worse" in text
    assert "Where this information comes from" in text and "NHS" in text
    assert "Version 1.0" in text and "Reviewed 2026-11-01" in text
    assert "does not replace advice from your own doctor" in text
    # the weekly log lists exactly the chosen exercises
    log = text[text.index("My week: tick a box each time you do it"):]
    assert re.search(r"Exercise Mon Tue Wed Thu Fri Sat Sun Nerve glide Bridge Walking", log), log[:200]


def _tick_boxes(pdf_path) -> int:
    """Empty stroked squares drawn on the program's pages (the log's tick boxes)."""
    count = 0
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            for i, (operands, op) in enumerate(ops):
                if str(op) == "re" and i + 1 < len(ops) and str(ops[i + 1][1]) == "S":
                    w, h = float(operands[2]), float(operands[3])
                    if abs(w - h) < 0.01 and w < 20:
                        count += 1
    return count


def test_the_log_has_a_box_for_each_session_of_the_day(project, tmp_path):
    once = write(project, "once.yaml", program(exercises="  - use: bridge\n  - use: walking\n    dosing: {times: 1}\n"))
    more = write(project, "more.yaml", program(exercises="  - use: bridge\n    dosing: {times: 3}\n"
                                               "  - use: walking\n    dosing: {times: 3, per: week}\n"))
    assert run(project, "program", str(once), str(more), "--out", str(tmp_path / "out"), "--jobs", "1") == 0
    a = _tick_boxes(tmp_path / "out" / "example" / "programs" / "once.pdf")
    b = _tick_boxes(tmp_path / "out" / "example" / "programs" / "more.pdf")
    assert b - a == 7 * 2   # the bridge 3 a day: two more boxes each day; walking 3 a week: one a day
    assert "3 times a week" in text_of(tmp_path / "out" / "example" / "programs" / "more.pdf")


@pytest.mark.parametrize("lang,dose,words", [
    ("en", "{reps: 12, each: leg, hold_seconds: 5, times: 2, per: day}",
     "2 sets · 12 times with each leg · hold 5 seconds · 2 times a day"),
    ("en", "{sets: 2, reps: 1, each: arm, hold_seconds: null, lift_seconds: 2, lower_seconds: 1, times: 3, per: week}",
     "2 sets · 1 time with each arm · lift over 2 seconds · lower over 1 second · 3 times a week"),
    ("en", "{reps: 5, each: side, hold_seconds: 1, times: 1, per: week, when: before bed}",
     "2 sets · 5 times on each side · hold 1 second · once a week · before bed"),
    ("en", "{sets: 1, reps: 1, hold_seconds: null, times: 1, per: day}", "1 time · once a day"),
    ("es", "{reps: 12, each: leg, hold_seconds: 5, times: 2, per: day}",
     "2 series · 12 veces con cada pierna · sostenga 5 segundos · 2 veces al día"),
    ("es", "{sets: 3, reps: 1, each: arm, hold_seconds: null, lift_seconds: 1, lower_seconds: 3, times: 3, per: week}",
     "3 series · 1 vez con cada brazo · suba en 1 segundo · baje en 3 segundos · 3 veces por semana"),
    ("es", "{reps: 4, each: side, times: 1, per: week, when: después del trabajo}",
     "2 series · 4 veces de cada lado · sostenga 3 segundos · una vez por semana · después del trabajo"),
])
def test_dose_in_plain_words(project, tmp_path, lang, dose, words):
    path = write(project, "dose.yaml", program(lang, f"  - use: bridge\n    dosing: {dose}\n"))
    assert run(project, "program", str(path), "--out", str(tmp_path / "out")) == 0
    text = text_of(tmp_path / "out" / "example" / "programs" / "dose.pdf")
    label = "How much" if lang == "en" else "Cuánto"
    assert f"{label}: {words}" in text, text[:1500]
    assert "Sets" not in text and "Series" not in text and "1 set " not in text


def test_the_guide_takes_its_exercises_from_the_library(project, tmp_path):
    """Writing an exercise out in the guide or taking it from the library by id gives the same PDF."""
    assert run(project, "build", "--handout", "exercises", "--out", str(tmp_path / "a")) == 0
    guide = project / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml"
    library = (project / "content" / "hamstring-nerve-pain" / "library" / "en.yaml").read_text()
    bridge = library[library.index("  - id: bridge"):library.index("  - id: walking")]
    inline = bridge.replace("  - id: bridge", "  - type: exercise\n    id: bridge", 1)
    text = guide.read_text()
    assert "  - {type: exercise, use: bridge}\n" in text
    guide.write_text(text.replace("  - {type: exercise, use: bridge}\n", inline))
    assert run(project, "build", "--handout", "exercises", "--out", str(tmp_path / "b")) == 0
    rel = "example/en/letter/standard/hamstring-nerve-pain-exercises.pdf"
    assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_a_guide_can_change_a_library_dose(project, tmp_path):
    guide = project / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml"
    guide.write_text(guide.read_text().replace("{type: exercise, use: bridge}",
                                               "{type: exercise, use: bridge, dosing: {reps: 6, hold_seconds: null}}"))
    assert run(project, "build", "--handout", "exercises", "--out", str(tmp_path / "out")) == 0
    text = text_of(tmp_path / "out" / "example/en/letter/standard/hamstring-nerve-pain-exercises.pdf")
    assert "How much: 2 sets · 6 times · once a day" in text


def test_an_unknown_library_exercise_in_a_guide_is_located(project, tmp_path, capsys):
    guide = project / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml"
    text = guide.read_text().replace("use: bridge}", "use: bridje}")
    guide.write_text(text)
    assert run(project, "build", "--handout", "exercises", "--out", str(tmp_path / "out")) == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "bridje" in t)
    err = capsys.readouterr().err
    assert re.search(rf"exercises.yaml:{line}:\d+: blocks\[\d+\]\.use: no exercise 'bridje' in "
                     r"hamstring-nerve-pain/library/en.yaml; did you mean 'bridge'\?", err), err
    assert not (tmp_path / "out" / "example").exists()


def test_patient_name_stays_on_the_page(project, tmp_path):
    path = write(project, "visit-0412.yaml", program(extra=f"patient: {PATIENT}\n"))
    before = files_under(project)
    out = tmp_path / "out"
    assert run(project, "program", str(path), "--out", str(out), "--packet") == 0
    # the file name does not carry the name; nothing else was written, in --out or in the project
    assert files_under(out) == ["example/programs/visit-0412.pdf"]
    assert [f for f in files_under(project) if not f.startswith("out/")] == before
    pdf = out / "example" / "programs" / "visit-0412.pdf"
    assert f"For {PATIENT}" in text_of(pdf)
    raw = pdf.read_bytes()
    for form in (PATIENT, "Zofia", "Quellmann"):
        assert form.encode() not in raw and form.encode("utf-16-be") not in raw
    with pikepdf.open(pdf) as doc:
        info = {str(k): str(v) for k, v in doc.docinfo.items()}
        xmp = str(doc.Root.Metadata.read_bytes(), "utf-8") if "/Metadata" in doc.Root else ""
    assert info["/Title"] == "Your home exercise program"
    assert not any("Zofia" in v or "Quellmann" in v for v in info.values()), info
    assert "Zofia" not in xmp and "Quellmann" not in xmp


def test_the_name_is_in_the_file_name_only_when_asked(project, tmp_path):
    path = write(project, "p1.yaml", program(extra="patient: Zoë Müller-Ávila\n"))
    assert run(project, "program", str(path), "--out", str(tmp_path / "out"), "--name", "{clinic}/{patient}-{date}") == 0
    assert files_under(tmp_path / "out") == ["example/zoe-muller-avila-2026-12-03.pdf"]


def test_packet_adds_the_attached_handouts_with_bookmarks(project, tmp_path):
    path = write(project, "p.yaml", program("es", extra="paper: a4\nattach: [overview, prevention]\n"))
    assert run(project, "program", str(path), "--out", str(tmp_path / "out"), "--packet") == 0
    reader = PdfReader(tmp_path / "out" / "example" / "programs" / "p.pdf")
    titles = [item.title for item in reader.outline]
    assert titles[0] == "Su programa de ejercicios en casa" and len(titles) == 3
    assert reader.trailer["/Root"]["/Lang"] == "es-MX" or str(reader.trailer["/Root"]["/Lang"]).startswith("es")
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)
    assert len(reader.pages) >= 4


def test_same_program_same_bytes(project, tmp_path):
    path = write(project, "p.yaml", program(exercises="  - use: nerve-glide\n  - use: figure-4-stretch\n"))
    assert run(project, "program", str(path), "--out", str(tmp_path / "a")) == 0
    assert run(project, "program", str(path), "--out", str(tmp_path / "b")) == 0
    rel = "example/programs/p.pdf"
    assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_several_programs_keep_going_past_a_bad_one(project, tmp_path, capsys):
    write(project, "a.yaml", program())
    write(project, "b.yaml", program(exercises="  - use: walkin\n"))
    write(project, "c.yaml", program("es", exercises="  - use: walking\n"))
    assert run(project, "program", str(project / "programs"), "--out", str(tmp_path / "out"), "--jobs", "2") == 1
    captured = capsys.readouterr()
    assert files_under(tmp_path / "out") == ["example/programs/a.pdf", "example/programs/c.pdf"]
    assert re.search(r"programs/b.yaml:5:5: exercises\[0\]\.use: no exercise 'walkin' in the 'en' exercise "
                     r"libraries; did you mean 'walking'\?", captured.err), captured.err
    assert "2 programs built, 1 failed (nothing was written for it)" in captured.err
    assert "Traceback" not in captured.err


def test_a_second_condition_can_join_a_program(project, tmp_path):
    """An exercise from another condition's library: its red flags join the box, its exercise the log."""
    other = project / "content" / "low-back-pain"
    (other / "library").mkdir(parents=True)
    (other / "en").mkdir()
    (other / "library" / "en.yaml").write_text("""condition: low-back-pain
language: en
exercises:
  - id: cat-stretch
    name: Cat stretch
    purpose: Moves your back gently.
    start: Kneel on your hands and knees.
    steps: [Round your back up slowly., Let it sag down slowly.]
    dosing: {reps: 8, times: 1, per: day}
""")
    guide = (project / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml").read_text()
    guide = guide.replace("condition: hamstring-nerve-pain", "condition: low-back-pain")
    guide = guide.replace("      - Weakness in both legs, or in a leg that gets worse fast.",
                          "      - Weakness in both legs, or in a leg that gets worse fast.\n"
                          "      - A fever with your back pain.")
    guide = re.sub(r"  - \{type: exercise, use: [a-z0-9-]+\}\n\n?", "", guide)
    guide = guide.replace("  - type: callout\n    kind: red_flag", "  - {type: exercise, use: cat-stretch}\n\n"
                          "  - type: callout\n    kind: red_flag", 1)
    (other / "en" / "exercises.yaml").write_text(guide)
    path = write(project, "mixed.yaml", program(exercises="  - use: bridge\n  - use: low-back-pain/cat-stretch\n"))
    assert run(project, "program", str(path), "--out", str(tmp_path / "out")) == 0
    text = text_of(tmp_path / "out" / "example" / "programs" / "mixed.pdf")
    assert "Cat stretch" in text and "Bridge" in text
    assert "A fever with your back pain." in text
    assert text.count("Call 911 right away if you have:") == 1
    assert re.search(r"Sun Bridge Cat stretch", text)


BAD = [
    ("clinic: exampel", r"p.yaml:1:1: clinic: no clinic 'exampel' .*; did you mean 'example'\?"),
    ("language: fr", r"p.yaml:2:1: language: no exercise library in language 'fr'; available: en, es"),
    ("date: 2026-02-30", r"p.yaml:3:\d+: date: invalid date '2026-02-30'"),
    ("layout: big-print", r"p.yaml:\d+:1: layout: no layout 'big-print'; did you mean 'large-print'\?"),
    ("paper: A5", r"p.yaml:\d+:\d+: paper: expected letter or a4, got 'A5'"),
    ("follow_up: 2026-12-01", r"p.yaml:\d+:1: follow_up: expected a date on or after the program's date"),
    ("patient: '{{ clinic.phone }}'", r"p.yaml:\d+:\d+: patient: expected text without \{ or \}"),
    ("attach: [overveiw]", r"p.yaml:\d+:\d+: attach\[0\]: no handout 'overveiw' for hamstring-nerve-pain in 'en'"),
    ("pateint: Zofia", r"p.yaml:\d+:1: pateint: unknown key 'pateint'; did you mean 'patient'\?"),
    ("exercises: []", r"p.yaml:\d+:\d+: exercises: expected a list of at least 1 item, got a list"),
]
BAD_EXERCISES = [
    ("  - use: bridj", r"exercises\[0\]\.use: no exercise 'bridj' in the 'en' exercise libraries; did you mean 'bridge'\?"),
    ("  - use: Bridge", r"exercises\[0\]\.use: expected an exercise id like bridge, or condition/id, got 'Bridge'"),
    ("  - use: back/bridge", r"exercises\[0\]\.use: no exercise library for condition 'back' in 'en'"),
    ("  - use: bridge\n    dosing: {reps: 0}", r"exercises\[0\]\.dosing\.reps: expected a whole number from 1 to 100, got 0"),
    ("  - use: bridge\n    dosing: {times: 11}", r"exercises\[0\]\.dosing\.times: expected a whole number from 1 to 10, got 11"),
    ("  - use: bridge\n    dosing: {per: month}", r"exercises\[0\]\.dosing\.per: expected one of 'day' or 'week', got 'month'"),
    ("  - use: walking\n    dosing: {minutes: null}", r"exercises\[0\]\.dosing: with these changes the dose of 'walking' is "
                                                     r"not a dose: expected at least one of reps, hold_seconds or minutes"),
    ("  - use: walking\n    dosing: {each: leg}", r"exercises\[0\]\.dosing: .*each, lift_seconds and lower_seconds need reps"),
    ("  - use: bridge\n    dosing: {reps: 5, sets: 2, rest: 30}", r"exercises\[0\]\.dosing\.rest: unknown key 'rest'"),
    ("  - use: bridge\n  - use: bridge", r"exercises\[1\]\.use: 'bridge' is already in the program \(exercises\[0\]\)"),
]


@pytest.mark.parametrize("line,error", BAD, ids=[b[0].split(":")[0] for b in BAD])
def test_bad_program_line(project, tmp_path, capsys, line, error):
    key = line.split(":")[0]
    text = program(extra="")
    if key in ("clinic", "language", "date", "exercises"):
        text = re.sub(rf"(?m)^{key}:.*$", line, text) if key != "exercises" else text.replace(
            "exercises:\n  - use: bridge", line)
    else:
        text = text.replace("exercises:", f"{line}\nexercises:")
    path = write(project, "p.yaml", text)
    assert run(project, "program", str(path), "--out", str(tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert re.search(error, err), err
    assert "Traceback" not in err and not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.parametrize("exercises,error", BAD_EXERCISES, ids=[str(i) for i in range(len(BAD_EXERCISES))])
def test_bad_program_exercise(project, tmp_path, capsys, exercises, error):
    path = write(project, "p.yaml", program(exercises=exercises + "\n"))
    assert run(project, "program", str(path), "--out", str(tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert re.search(r"p.yaml:\d+:\d+: " + error, err), err
    assert "Traceback" not in err and not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.parametrize("pattern,error", [
    ("../{stem}", "--name: expected a relative path under --out"),
    ("/tmp/{stem}", "--name: expected a relative path under --out"),
    ("{name}", "--name: unknown field {name}"),
])
def test_bad_output_pattern(project, tmp_path, capsys, pattern, error):
    path = write(project, "p.yaml", program())
    assert run(project, "program", str(path), "--out", str(tmp_path / "out"), "--name", pattern) == 1
    assert error in capsys.readouterr().err


def test_missing_program_file(project, tmp_path, capsys):
    assert run(project, "program", str(tmp_path / "nope.yaml")) == 1
    assert "nope.yaml: file not found" in capsys.readouterr().err


def test_check_reads_every_program_of_the_project(project, capsys):
    write(project, "good.yaml", program())
    write(project, "bad.yaml", program(exercises="  - use: knee-to-chset\n"))
    assert run(project, "check") == 1
    captured = capsys.readouterr()
    assert "2 programs checked" in captured.out
    assert re.search(r"programs/bad.yaml:5:5: exercises\[0\]\.use: no exercise 'knee-to-chset' .*did you mean "
                     r"'knee-to-chest'\?", captured.err), captured.err
    assert "good.yaml" not in captured.err


def test_a_program_is_the_same_built_alone_or_after_others(project, tmp_path):
    """Programs built one after another share the guide's recorded drawings; the bytes must not
    depend on what was built before."""
    names = []
    for i, (lang, chosen) in enumerate([("en", "  - use: bridge\n  - use: walking\n"),
                                        ("es", "  - use: nerve-glide\n"),
                                        ("en", "  - use: walking\n    dosing: {minutes: 20}\n  - use: bridge\n")]):
        write(project, f"p{i}.yaml", program(lang, chosen))
        names.append(f"p{i}")
    assert run(project, "program", str(project / "programs"), "--out", str(tmp_path / "all"), "--jobs", "1") == 0
    for name in names:
        assert run(project, "program", str(project / "programs" / f"{name}.yaml"), "--out", str(tmp_path / name)) == 0
        alone = (tmp_path / name / "example" / "programs" / f"{name}.pdf").read_bytes()
        assert (tmp_path / "all" / "example" / "programs" / f"{name}.pdf").read_bytes() == alone, name
