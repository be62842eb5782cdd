"""Interrupted runs lose nothing. A build (and a batch) is killed with SIGKILL or SIGTERM at random points;
afterwards every PDF in the output folder opens with pypdf and is complete, each output is either the
previous good version or the new one (never a mix, never missing), nothing but dot-named `.tmp` files is
left behind, and the next run removes those and finishes the job.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from kit import GENERATE, REPO, copy_project, run  # noqa: E402

COPIES = 8
SEED = int(os.environ.get("INTERRUPT_SEED", "0")) or random.randrange(1, 10**6)


def make_project(root: Path) -> Path:
    """The fixture project with COPIES handouts, so that one run takes long enough to be cut short."""
    project = copy_project(root)
    folder = project / "content" / "demo" / "en"
    text = (folder / "sample.yaml").read_text(encoding="utf-8")
    for i in range(2, COPIES + 1):
        (folder / f"sample-{i}.yaml").write_text(text.replace("id: sample", f"id: sample-{i}"), encoding="utf-8")
    return project


def retitle(project: Path, title: str) -> None:
    for path in (project / "content" / "demo" / "en").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        start = text.index("\ntitle: ") + 1
        end = text.index("\n", start)
        path.write_text(text[:start] + f"title: {title}" + text[end:], encoding="utf-8")


def pdfs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pdf" and not p.name.startswith(".handouts-state")]


def complete(data: bytes) -> None:
    """A PDF that pypdf opens, with its pages and the end-of-file marker."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(BytesIO(data), strict=True)
    assert len(reader.pages) >= 1
    assert reader.pages[0].extract_text()


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen([sys.executable, str(GENERATE), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def versions(project: Path, args: list[str], out: str, tmp_path: Path) -> tuple[dict, dict, float]:
    """Build the old titles into out/ and, elsewhere, the new ones; return both sets and a run's time."""
    retitle(project, "Old title")
    result = run(args, project)
    assert result.returncode == 0, result.stderr
    old = pdfs(project / out)
    assert len(old) >= COPIES
    retitle(project, "New title")
    reference = copy_project_tree(project, tmp_path / "reference")
    began = time.monotonic()
    result = run(args, reference)
    took = time.monotonic() - began
    assert result.returncode == 0, result.stderr
    new = pdfs(reference / out)
    assert set(new) == set(old) and all(new[k] != old[k] for k in old)
    return old, new, took


def copy_project_tree(project: Path, dest: Path) -> Path:
    import shutil
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("out", "output"))
    return dest


def interrupt(project: Path, args: list[str], out: str, old: dict, new: dict, took: float, trials: int) -> None:
    rng = random.Random(SEED)
    cut_short = 0
    for trial in range(trials):
        how = rng.choice([signal.SIGKILL, signal.SIGTERM])
        delay = rng.uniform(0.05, took * 0.95)
        proc = start(args, project)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, how)   # the whole group: batch workers too
        _, err = proc.communicate(timeout=60)
        cut_short += proc.returncode != 0
        err = err.decode("utf-8", "replace")
        assert "Traceback" not in err, err
        found = pdfs(project / out)
        note = f"seed {SEED}, trial {trial}, {how.name} after {delay:.2f} s"
        assert set(found) == set(old), f"{note}: outputs missing or added: {set(found) ^ set(old)}"
        for name, data in found.items():
            assert data in (old[name], new[name]), f"{note}: {name} is neither the old nor the new PDF"
            complete(data)
        for path in leftovers(project / out):
            assert path.name.startswith(".") and path.name.endswith(".tmp"), f"{note}: stray file {path}"
    assert cut_short, f"seed {SEED}: no run was cut short; the test proved nothing"
    # the next run finishes the job and cleans up after the killed ones
    result = run(args, project)
    assert result.returncode == 0, result.stderr
    assert pdfs(project / out) == new
    assert leftovers(project / out) == []


def test_killed_build_keeps_old_or_new(tmp_path: Path):
    project = make_project(tmp_path / "project")
    args = ["build", "--clinic", "clinics/demo", "--out", "out"]
    old, new, took = versions(project, args, "out", tmp_path)
    interrupt(project, args, "out", old, new, took, trials=6)


def test_killed_batch_keeps_old_or_new(tmp_path: Path):
    project = make_project(tmp_path / "project")
    (project / "manifests").mkdir()
    (project / "manifests" / "all.yaml").write_text(
        "clinics: [clinics/demo]\npapers: all\noutput: out/<clinic>/<paper>/<handout>.pdf\n", encoding="utf-8")
    args = ["batch", "manifests/all.yaml", "--jobs", "2", "--quiet"]
    old, new, took = versions(project, args, "out", tmp_path)
    interrupt(project, args, "out", old, new, took, trials=4)


def test_stale_temp_files_are_removed(tmp_path: Path):
    """A temp file from a process that no longer exists goes at the next write of that output; one from a
    live process (another run writing the same output right now) is left alone."""
    project = make_project(tmp_path / "project")
    target = project / "out/demo/en/letter/standard/demo-sample.pdf"
    target.parent.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = target.parent / f".{target.name}.{dead.stdout.strip()}-abc123.tmp"
    stale.write_bytes(b"%PDF-1.4 half")
    live = target.parent / f".{target.name}.{os.getpid()}-def456.tmp"
    live.write_bytes(b"%PDF-1.4 being written")
    other = target.parent / ".notes.txt.tmp"
    other.write_bytes(b"not ours")
    result = run(["build", "--clinic", "clinics/demo", "--out", "out", "--handout", "sample"], project)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert live.exists() and other.exists()
    complete(target.read_bytes())


def test_ctrl_c_while_starting_prints_one_line(tmp_path: Path):
    """Ctrl-C during the imports (the first few tenths of a second) or at any later moment: one line,
    exit 130 (or 0 if the run had already finished), never a traceback."""
    project = make_project(tmp_path / "project")
    rng = random.Random(SEED)
    for delay in sorted(rng.uniform(0.01, 0.6) for _ in range(6)):
        proc = start(["build", "--clinic", "clinics/demo", "--out", "out"], project)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        err = err.decode("utf-8", "replace")
        if "Fatal Python error: init_" in err or (proc.returncode == -signal.SIGINT and not err.strip()):
            continue  # the interpreter itself was still starting (before its own Ctrl-C handler, or in
            # the site module): no project code ran yet
        assert "Traceback" not in err, f"seed {SEED}, SIGINT after {delay:.2f} s:\n{err}"
        assert proc.returncode in (0, 130), (delay, proc.returncode, err)
        if proc.returncode == 130:
            assert err.strip().splitlines()[-1].startswith("interrupted")


def test_an_interrupt_inside_a_finalizer_still_stops_the_run_with_one_line():
    """SIGTERM (batch) or Ctrl-C whose KeyboardInterrupt lands in a __del__ is swallowed there and
    Python prints 'Exception ignored ... Traceback'; the entry point raises it again in the main code."""
    import textwrap
    code = textwrap.dedent('''
        import time
        import handouts.cli.main as cli
        from handouts.cli import entry
        class Finalized:
            def __del__(self):
                raise KeyboardInterrupt
        def run(argv):
            Finalized()
            for _ in range(200):
                time.sleep(0.01)
            return 0
        cli.main = run
        raise SystemExit(entry.main([]))
    ''')
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "interrupted before anything was written", proc.stderr
