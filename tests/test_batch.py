"""Batch generation (#4): manifests, failure isolation, incremental rebuilds, interruption, packets."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.batch.manifest import load_manifest
from handouts.batch.run import run_plan
from handouts.build import Project
from handouts.cli.main import main
from handouts.errors import HandoutError
from handouts.reuse import incremental

REPO = Path(__file__).resolve().parent.parent
EN = Path("content/hamstring-nerve-pain/en")


@pytest.fixture(autouse=True)
def frozen_sources(tmp_path, monkeypatch):
    """Other people edit handouts/*.py while tests run; hash a snapshot so the generator hash holds still."""
    snapshot = tmp_path / "sources"
    shutil.copytree(Path(incremental.__file__).parent.parent, snapshot, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(incremental.Hasher, "sources", snapshot)
    return snapshot


@pytest.fixture
def proj(tmp_path):
    """A small project: the English prevention handout (it fits its budget), a copy of it named
    'care', the label tables, the layouts and the example clinic plus a second clinic."""
    root = tmp_path / "proj"
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "content" / "labels", root / "content" / "labels")
    (root / EN).mkdir(parents=True)
    text = (REPO / EN / "prevention.yaml").read_text(encoding="utf-8")
    (root / EN / "prevention.yaml").write_text(text, encoding="utf-8")
    (root / EN / "care.yaml").write_text(text.replace("id: prevention", "id: care", 1), encoding="utf-8")
    shutil.copytree(REPO / "clinics" / "example", root / "clinics" / "example")
    second = root / "clinics" / "lakeside"
    shutil.copytree(REPO / "clinics" / "example", second)
    profile = second / "clinic.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("Riverside", "Lakeside"), encoding="utf-8")
    return root


def write(root: Path, text: str, name: str = "m.yaml") -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


BASIC = """clinics: [clinics/*]
handouts: [prevention]
languages: [en]
papers: [letter, a4]
layouts: [standard]
"""


def batch(root: Path, manifest: Path, *extra: str) -> int:
    return main(["--root", str(root), "batch", str(manifest), "--jobs", "1", *extra])


def pdfs(root: Path) -> list[Path]:
    return sorted((root / "output").rglob("*.pdf"))


# -- manifest validation ---------------------------------------------------------------------------

def test_manifest_unknown_key_has_line_and_suggestion(proj, capsys):
    m = write(proj, "clinics: [clinics/example]\nhandout: [prevention]\n")
    assert batch(proj, m) == 1
    err = capsys.readouterr().err
    assert "m.yaml:2:1" in err and "unknown key 'handout'" in err and "did you mean 'handouts'" in err


def test_manifest_bad_values_each_reported_with_line(proj, capsys):
    m = write(proj, "clinics: [clinics/example, clinics/nowhere]\nhandouts: [prevension]\nlanguages: [en]\n"
                    "papers: [legal]\nlayouts: [standrd]\n")
    assert batch(proj, m) == 1
    err = capsys.readouterr().err
    assert "m.yaml:4:" in err and "papers" in err  # schema error first: paper must be letter or a4
    m = write(proj, "clinics: [clinics/example, clinics/nowhere]\nhandouts: [prevension]\nlanguages: [en, fr]\n"
                    "layouts: [standrd]\noutput: out/<clinc>/<handout>.pdf\n")
    assert batch(proj, m) == 1
    err = capsys.readouterr().err
    assert "m.yaml:1:28" in err and "clinic folder not found" in err
    assert "m.yaml:2:12" in err and "did you mean 'prevention'" in err
    assert "m.yaml:3:17" in err and "no content in language 'fr'" in err
    assert "m.yaml:4:11" in err and "did you mean 'standard'" in err
    assert "m.yaml:5:" in err and "did you mean <clinic>" in err


def test_manifest_output_collision(proj):
    m = write(proj, BASIC + "output: output/<clinic>/<handout>.pdf\n")
    with pytest.raises(HandoutError, match="both be written"):
        load_manifest(Project(proj), m)


def test_example_manifest_is_valid():
    plan, _ = load_manifest(Project(REPO), REPO / "manifests" / "example.yaml")
    assert plan.jobs and plan.packets


# -- failure isolation -----------------------------------------------------------------------------

def test_broken_clinic_and_logo_fail_alone(proj, capsys):
    bad = proj / "clinics" / "broken"
    shutil.copytree(proj / "clinics" / "example", bad)
    profile = bad / "clinic.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("phone: (217) 555-0142", "phone: call us"),
                       encoding="utf-8")
    badlogo = proj / "clinics" / "badlogo"
    shutil.copytree(proj / "clinics" / "example", badlogo)
    (badlogo / "logo.png").write_bytes(b"not a png at all")
    m = write(proj, BASIC)
    assert main(["--root", str(proj), "batch", str(m), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "clinics/broken/clinic.yaml:9:1" in err and "phone" in err
    assert "clinics/badlogo/clinic.yaml:6:1" in err and "not a readable PNG" in err
    assert "4 built, 0 up to date, 4 failed" in err
    built = {p.relative_to(proj / "output").parts[0] for p in pdfs(proj)}
    assert built == {"example", "lakeside"}
    # the failed ones are retried on the next run, the rest are up to date
    assert batch(proj, m) == 1
    assert "0 built, 4 up to date, 4 failed" in capsys.readouterr().err


# -- incremental -----------------------------------------------------------------------------------

def _run(root: Path, text: str, **kw):
    plan, _ = load_manifest(Project(root), write(root, text))
    return run_plan(Project(root), plan, jobs=1, quiet=True, **kw)


def _append(path: Path, text: str = "\n# touched\n") -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def test_incremental_skip_and_rebuild_for_each_input(proj, monkeypatch, frozen_sources):
    text = BASIC.replace("[standard]", "[large-print]").replace("[letter, a4]", "[a4]")
    first = _run(proj, text)
    assert (first.built, first.skipped, first.failed) == (2, 0, [])
    assert _run(proj, text).built == 0
    # each kind of input: (what to touch, how many of the 2 outputs it affects)
    touches = [
        (lambda: _append(proj / EN / "prevention.yaml"), 2),
        (lambda: _append(proj / "layouts" / "large-print.yaml"), 2),
        (lambda: _append(proj / "layouts" / "standard.yaml"), 2),        # the `extends` parent
        (lambda: _append(proj / "clinics" / "lakeside" / "clinic.yaml"), 1),
        (lambda: (proj / "clinics" / "example" / "logo.png").write_bytes(
            (proj / "clinics" / "example" / "logo.png").read_bytes() + b"\0"), 1),
        (lambda: _append(proj / "content" / "labels" / "en.yaml"), 2),
        (lambda: monkeypatch.setattr(incremental, "__version__", "99.0"), 2),
        (lambda: _append(frozen_sources / "build.py"), 2),                # the generator's source
        (lambda: (proj / EN / "pictures").mkdir() or (proj / EN / "pictures" / "bridge.png").write_bytes(b"x"),
         2),                                                               # a picture beside the content
    ]
    for touch, expected in touches:
        touch()
        tally = _run(proj, text)
        assert (tally.built, tally.skipped) == (expected, 2 - expected), touch
        assert _run(proj, text).built == 0
    # fonts: a different font file means a rebuild
    fonts = proj / "fonts"
    shutil.copytree(incremental.Hasher(proj).root / "layouts", fonts)  # any folder we can fill
    from handouts.layout import fonts as fontmod
    real = fontmod.font_folder()
    for _, name in fontmod.FACES.values():
        shutil.copy(real / name, fonts / name)
    monkeypatch.setattr(fontmod, "font_folder", lambda: fonts)
    assert _run(proj, text).built == 0
    _append(fonts / fontmod.FACES["bold"][1], "x")
    assert _run(proj, text).built == 2
    # a deleted output is rebuilt; --force rebuilds everything
    pdfs(proj)[0].unlink()
    assert _run(proj, text).built == 1
    assert _run(proj, text, force=True).built == 2


# -- interruption ----------------------------------------------------------------------------------

def test_sigterm_leaves_no_partial_pdf_and_rerun_completes(proj):
    for i in range(6):
        shutil.copytree(proj / "clinics" / "example", proj / "clinics" / f"extra-{i}")
    m = write(proj, BASIC.replace("[standard]", "[standard, large-print]"))
    total = 8 * 2 * 2
    code = proj.parent / "code"  # a snapshot: the generator's own source files are an input too
    shutil.copytree(REPO / "handouts", code / "handouts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "generate.py", code / "generate.py")
    cmd = [sys.executable, str(code / "generate.py"), "--root", str(proj), "batch", str(m), "--jobs", "2"]
    env = dict(os.environ, PYTHONPATH=str(code))
    proc = subprocess.Popen(cmd, cwd=proj, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not pdfs(proj):
        time.sleep(0.01)
    time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    done = pdfs(proj)
    assert 0 < len(done) < total
    assert not [p for p in (proj / "output").rglob("*") if p.name.endswith(".tmp")]
    for pdf in done:
        assert len(PdfReader(pdf).pages) >= 1      # every PDF that exists is whole
    rerun = subprocess.run(cmd, cwd=proj, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert len(pdfs(proj)) == total
    built = int(rerun.stderr.strip().splitlines()[-1].split()[0])
    assert built <= total - len(done) + 2          # at most the ones in flight are redone


# -- packets ---------------------------------------------------------------------------------------

def test_packet_from_manifest_has_a_bookmark_per_handout(proj):
    text = BASIC + ("packets:\n  - id: new-patient\n    title: {en: New patient packet}\n"
                    "    handouts: [prevention, care]\n")
    tally = _run(proj, text)
    assert tally.failed == []
    packet = proj / "output" / "lakeside" / "en" / "a4" / "standard" / "packets" / "new-patient.pdf"
    parts = [proj / "output" / "lakeside" / "en" / "a4" / "standard" / f"hamstring-nerve-pain-{h}.pdf"
             for h in ("prevention", "care")]
    reader = PdfReader(packet)
    assert len(reader.pages) == sum(len(PdfReader(p).pages) for p in parts)
    assert len(reader.outline) == 2 and all(not isinstance(o, list) for o in reader.outline)
    assert reader.page_labels[0] == "1-1" and reader.page_labels[-1].startswith("2-")
    assert reader.metadata.title == "New patient packet"
    assert reader.metadata.author.startswith("Lakeside")
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-US"
    again = _run(proj, text)
    assert again.built == 0 and again.skipped == 4 + 4 + 4  # 4 prevention, 4 care, 4 packets
    _append(proj / EN / "care.yaml")
    assert _run(proj, text).built == 4 + 4                  # 4 care PDFs and the 4 packets with them


def test_packet_command(proj, capsys):
    code = main(["--root", str(proj), "packet", "--handout", "prevention", "care", "--title", "Starter",
                 "--name", "starter", "--clinic", str(proj / "clinics" / "example"), "--out", str(proj / "out")])
    assert code == 0, capsys.readouterr().err
    reader = PdfReader(proj / "out" / "example" / "en" / "letter" / "standard" / "packets" / "starter.pdf")
    assert [o.title for o in reader.outline] == [reader.metadata.title and o.title for o in reader.outline]
    assert len(reader.outline) == 2 and reader.metadata.title == "Starter"


def _pdfa(path: Path) -> str | None:
    import pikepdf
    with pikepdf.open(path) as pdf, pdf.open_metadata() as meta:
        return meta.pdfa_status or None


def test_archive_in_manifest_or_flag_makes_pdf_a_and_counts_as_an_input(proj, capsys):
    manifest = write(proj, BASIC.replace("[letter, a4]", "[a4]"))
    assert batch(proj, manifest) == 0
    outputs = pdfs(proj)
    assert len(outputs) == 2 and all(_pdfa(p) is None for p in outputs)
    # the flag: every handout rebuilt as PDF/A-2b (still PDF/UA-1), not skipped as up to date
    assert batch(proj, manifest, "--archive") == 0
    assert "2 built, 0 up to date" in capsys.readouterr().err
    assert all(_pdfa(p) == "2B" for p in outputs)
    # the same in the manifest: already archival, nothing to do
    archival = write(proj, BASIC.replace("[letter, a4]", "[a4]") + "archive: true\n", "archival.yaml")
    assert batch(proj, archival) == 0
    assert "0 built, 2 up to date" in capsys.readouterr().err
    # and back: plain tagged PDFs again
    assert batch(proj, manifest) == 0
    assert all(_pdfa(p) is None for p in outputs)


def test_manifest_archive_must_be_true_or_false(proj, capsys):
    manifest = write(proj, BASIC + "archive: sometimes\n")
    assert batch(proj, manifest) == 1
    err = capsys.readouterr().err
    assert f"{manifest.name}:6:1: archive: expected true or false" in err


def test_each_worker_keeps_to_one_handout_while_it_lasts():
    """Batch scheduling: a worker stays with one (handout, language, layout, paper) group, so its
    caches stay warm; when no group is left for it alone it helps with the largest, and every task
    is handed out exactly once."""
    from handouts.batch.run import Queues
    tasks = [(i, key) for i, key in enumerate("AAAAABBBCC")]
    queues = Queues(tasks, group=lambda task: task[1])
    got = {"w1": [], "w2": []}
    order = ["w1", "w2"] * 5
    for worker in order:
        if queues:
            got[worker].append(queues.take(worker))
    assert not queues and queues.rest() == []
    assert sorted(got["w1"] + got["w2"]) == tasks
    assert [k for _, k in got["w1"]][:3] == ["A", "A", "A"]
    assert [k for _, k in got["w2"]][:3] == ["B", "B", "B"]
    # within a group, in the order given (the batch sorts by clinic)
    assert [i for i, k in got["w1"] if k == "A"] == sorted(i for i, k in got["w1"] if k == "A")


def test_a_worker_with_nothing_of_its_own_helps_from_the_far_end():
    from handouts.batch.run import Queues
    tasks = [(i, key) for i, key in enumerate("AAAAAB")]
    queues = Queues(tasks, group=lambda task: task[1])
    assert queues.take("w1") == (0, "A")
    assert queues.take("w2") == (5, "B")
    assert queues.take("w1") == (1, "A")
    assert queues.take("w2") == (4, "A")     # helps with A from its far end
    assert queues.take("w1") == (2, "A")
    assert queues.take("w2") == (3, "A")
    assert not queues
