"""The catalogue of bad input: one folder per case under tests/cases/, collected automatically.

Each case folder holds `case.yaml` and, optionally, `files/`: files copied over a fresh copy of the
fixture project (tests/fixtures/project). case.yaml keys:

  description: what the case is about
  args:        the command line (default: build --clinic clinics/demo --out out)
  exit:        the expected exit code (default 1; 2 for command-line usage errors)
  errors:      text fragments that must all appear in stderr (file:line:col: key.path: message)
  problems:    how many `error:` lines stderr must have (optional)
  edit:        {path: [[old, new], ...]}: exact text replacements in project files (old must occur)
  delete:      [path, ...]: project files to remove
  make:        [{path, text, repeat} | {path, bytes}]: generated files (too big to keep in the repo)
  symlink:     {path: target}: symbolic links to make
  copy:        {path: corpus-relative path}: files copied from ../shared/corpora (skip if absent)

Every case, whatever it expects, must also: end within the timeout, print no traceback, report each
problem on one `error:` line, and leave the project folder (including an output folder with files from
an earlier run) exactly as it was: no PDF for the failed item, no temporary files.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from kit import BUILD, CORPORA, SAMPLE_PDF, copy_project, run, snapshot  # noqa: E402

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "case.yaml").is_file())
SUMMARY = re.compile(r"^\d+ problems?; nothing was written for the handouts above that failed$")
# batch groups problems under the output they stopped: "error: <output>" then one indented line each
BATCH_LINE = re.compile(r"^(    \S.*|FAILED \S.*|\d+ built, \d+ up to date, \d+ failed \(.*\))$")
KEYS = {"description", "args", "exit", "errors", "problems", "edit", "delete", "make", "symlink", "copy",
        "absent"}


def load_case(folder: Path) -> dict:
    spec = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(spec, dict), f"{folder.name}/case.yaml: expected a mapping"
    unknown = set(spec) - KEYS
    assert not unknown, f"{folder.name}/case.yaml: unknown keys {sorted(unknown)}"
    assert spec.get("description"), f"{folder.name}/case.yaml: say what the case is about"
    return spec


def prepare(folder: Path, spec: dict, project: Path) -> None:
    copy_project(project)
    files = folder / "files"
    if files.is_dir():
        for src in sorted(files.rglob("*")):
            if src.is_file():
                dest = project / src.relative_to(files)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    for rel, pairs in (spec.get("edit") or {}).items():
        path = project / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{folder.name}: edit of {rel}: {old!r} not found"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for rel in spec.get("delete") or []:
        (project / rel).unlink()
    for item in spec.get("make") or []:
        path = project / item["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if "bytes" in item:
            path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (item["bytes"] - 8))
        else:
            path.write_text(item["text"] * item.get("repeat", 1), encoding="utf-8")
    for rel, target in (spec.get("symlink") or {}).items():
        (project / rel).symlink_to(target)
    for rel, source in (spec.get("copy") or {}).items():
        src = CORPORA / source
        if not src.is_file():
            pytest.skip(f"corpus file {src} is absent (expected the shared corpora beside the repository)")
        shutil.copyfile(src, project / rel)


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_case(folder: Path, tmp_path: Path):
    spec = load_case(folder)
    project = tmp_path / "project"
    prepare(folder, spec, project)
    # files from an earlier run, which a failed run must leave alone
    earlier = project / "out" / "demo" / "en" / "letter" / "standard" / "demo-earlier.pdf"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"%PDF-1.4 from an earlier run\n%%EOF\n")
    before = snapshot(project)

    args = [str(a) for a in spec.get("args", BUILD)]
    result = run(args, project)
    out, err = result.stdout, result.stderr
    expected_exit = spec.get("exit", 1)
    assert "Traceback" not in err + out, err
    assert result.returncode == expected_exit, f"exit {result.returncode}, expected {expected_exit}\n{err}"
    lines = [line for line in err.splitlines() if line.strip()]
    if expected_exit == 1:
        problems = [line for line in lines if line.startswith("error: ")]
        allowed = BATCH_LINE if args[0] == "batch" else SUMMARY
        others = [line for line in lines if not line.startswith("error: ") and not allowed.match(line)]
        assert problems, f"no error line\n{err}"
        assert not others, f"stderr lines that are not one problem each: {others}"
        if "problems" in spec:
            assert len(problems) == spec["problems"], err
    for fragment in spec.get("errors") or []:
        assert fragment in err, f"missing {fragment!r} in stderr:\n{err}"
    for fragment in spec.get("absent") or []:
        assert fragment not in err + out, f"{fragment!r} should not be printed:\n{err}"
    after = snapshot(project)
    if expected_exit == 0:
        # a case that must succeed (input that looks hostile but is fine): the earlier file is kept
        # and the only change is the new PDF
        new = {k for k in set(after) - set(before) if not k.endswith("/")}
        assert new == {str(SAMPLE_PDF)}, new
        assert all(after[k] == v for k, v in before.items()), "a file from an earlier run changed"
        return
    assert after == before, ("a failed run changed the project folder: "
                             f"{sorted(set(after.items()) ^ set(before.items()))}")


def test_enough_cases():
    assert len(CASES) >= 60


def test_fixture_builds(tmp_path: Path):
    """The fixture project itself is good: the base every case breaks in one way."""
    project = copy_project(tmp_path / "project")
    result = run(BUILD, project)
    assert result.returncode == 0, result.stderr
    assert (project / "out/demo/en/letter/standard/demo-sample.pdf").is_file()
    result = run(["check", "--clinic", "clinics/demo"], project)
    assert result.returncode == 0, result.stdout + result.stderr
