#!/usr/bin/env python3
"""Two versions of the generator side by side, as a user meets them: whole processes, files written.

    python bench/ab.py BASE_REV [NEW_REV] [--rounds 5] [--clinics 20]

BASE_REV and NEW_REV are git revisions (NEW_REV: the working tree when left out). Both are exported
to a temporary folder and run against the same project (bench.py's: the repo's content and layouts,
`--clinics` copies of the example clinic with their own names and colours), alternately, round after
round (the VM's speed wanders; alternating shares the wander out):

  * a cold batch with 1 worker of every handout x en, es x letter, a4 (`generate.py batch --force`);
  * a cold single-handout `generate.py build` (what a clinician waits for at the desk).

It prints each round, the medians and the ratio new / base, and whether both wrote byte-identical
PDFs (a refactor that should not change the output can be checked here too).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import make_project  # noqa: E402

MANIFEST = ("clinics: [clinics/*]\nhandouts: [overview, exercises, prevention]\nlanguages: [en, es]\n"
            "papers: [letter, a4]\nlayouts: [standard]\n")


def export(rev: str | None, dest: Path) -> Path:
    dest.mkdir(parents=True)
    if rev is None:
        data = subprocess.run(["git", "ls-files", "handouts", "generate.py"], cwd=REPO, check=True,
                              capture_output=True, text=True).stdout.split()
        for name in data:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes((REPO / name).read_bytes())
        for extra in (REPO / "handouts").rglob("*.py"):   # new files not yet added
            target = dest / extra.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(extra.read_bytes())
        return dest
    tar = subprocess.run(["git", "archive", rev, "handouts", "generate.py"], cwd=REPO, check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(tar)) as t:
        t.extractall(dest, filter="data")
    return dest


def timed(code: Path, root: Path, args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(code / "generate.py"), *args], cwd=root, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(code)))
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{code.name}: {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return took


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.pdf"))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base")
    ap.add_argument("new", nargs="?")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clinics", type=int, default=20)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="handouts-ab-"))
    codes = {"base": export(args.base, tmp / "base"), "new": export(args.new, tmp / "new")}
    roots = {}
    for name in codes:
        roots[name] = tmp / f"project-{name}"
        make_project(roots[name], args.clinics)
        (roots[name] / "bench.yaml").write_text(MANIFEST, encoding="utf-8")
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for name in (("base", "new") if r % 2 == 0 else ("new", "base")):
            root = roots[name]
            b = timed(codes[name], root, ["batch", "bench.yaml", "--jobs", "1", "--force", "--quiet"])
            s = timed(codes[name], root, ["build", "--clinic", "clinics/clinic-00", "--handout", "exercises",
                                          "--out", f"single-{r}"])
            times.setdefault((name, "batch"), []).append(b)
            times.setdefault((name, "single"), []).append(s)
            print(f"round {r + 1} {name:4}: batch {b:6.2f} s   single build {s:5.2f} s", flush=True)
    n = len(digests(roots["new"] / "output"))
    print(f"\n{n} PDFs per batch ({args.clinics} clinics), base {args.base}, new {args.new or 'working tree'}")
    for what in ("batch", "single"):
        base, new = statistics.median(times[("base", what)]), statistics.median(times[("new", what)])
        extra = f", {n / base:.1f} vs {n / new:.1f} handouts/s" if what == "batch" else ""
        print(f"{what:6}: median base {base:.2f} s, new {new:.2f} s, new/base {new / base:.3f}{extra}")
    same = digests(roots["base"] / "output") == digests(roots["new"] / "output")
    print(f"byte-identical PDFs: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
