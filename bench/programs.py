#!/usr/bin/env python3
"""Patient programs as a clinician and a clinic meet them (issue 14), each a whole fresh process:

    python bench/programs.py [--programs 500] [--rounds 5] [--jobs N]

1. one program, cold: `generate.py program one.yaml` (the median of --rounds runs), beside one cold
   `generate.py build` of the fixed exercise guide;
2. --programs different programs (2-5 exercises each, changed doses, English and Spanish, Letter and
   A4, half with a patient name) through `generate.py program FOLDER --jobs 1`, beside the same number
   of fixed exercise guides (as many clinics as needed) through `generate.py batch --jobs 1 --force`:
   programs and guides per second on one core, files written, start-up included;
3. the same programs with --jobs N (default: every core).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

REPO = Path(__file__).resolve().parent.parent
EXERCISES = ["nerve-glide", "knee-to-chest", "figure-4-stretch", "bridge", "walking"]
CHANGES = ["", "    dosing: {reps: 12}\n", "    dosing: {times: 1, when: after work}\n",
           "    dosing: {sets: 3, reps: 8, lower_seconds: 3}\n", "    dosing: {hold_seconds: 20, times: 3}\n"]


def make_project(root: Path, programs: int, clinics: int) -> None:
    for name in ("content", "layouts"):
        shutil.copytree(REPO / name, root / name)
    example = REPO / "clinics" / "example"
    text = (example / "clinic.yaml").read_text(encoding="utf-8")
    for i in range(clinics):
        folder = root / "clinics" / f"clinic-{i:03d}"
        shutil.copytree(example, folder)
        (folder / "clinic.yaml").write_text(text.replace("Riverside Physiotherapy & Sports Care",
                                                         f"Clinic {i + 1} Physiotherapy"), encoding="utf-8")
    rng = random.Random(14)
    folder = root / "programs"
    folder.mkdir()
    for i in range(programs):
        chosen = rng.sample(EXERCISES, rng.randint(2, 5))
        lines = [f"clinic: clinic-{i % clinics:03d}", f"language: {'en' if i % 2 == 0 else 'es'}",
                 f"paper: {'letter' if i % 4 < 2 else 'a4'}", f"date: 2026-12-{1 + i % 28:02d}"]
        if i % 2:
            lines.append(f"patient: Patient {i:04d}")
        lines.append("exercises:")
        body = "\n".join(lines) + "\n" + "".join(f"  - use: {e}\n{rng.choice(CHANGES)}" for e in chosen)
        (folder / f"p{i:04d}.yaml").write_text(body, encoding="utf-8")
    (root / "guides.yaml").write_text("clinics: [clinics/*]\nhandouts: [exercises]\nlanguages: [en, es]\n"
                                      "papers: [letter, a4]\nlayouts: [standard]\n", encoding="utf-8")


def timed(root: Path, *args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(REPO / "generate.py"), *args], cwd=root, capture_output=True,
                          text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--programs", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="handouts-programs-"))
    root = tmp / "project"
    clinics = max(1, args.programs // 4)   # 4 guides a clinic (en, es x letter, a4): as many guides as programs
    make_project(root, args.programs, clinics)
    one = root / "programs" / "p0001.yaml"
    timed(root, "program", str(one), "--out", "warm")  # font cache and bytecode, as on any machine after the first run
    singles = [timed(root, "program", str(one), "--out", "single") for _ in range(args.rounds)]
    guides1 = [timed(root, "build", "--clinic", "clinics/clinic-000", "--handout", "exercises", "--out", "single")
               for _ in range(args.rounds)]
    p1 = timed(root, "program", "programs", "--out", "p1", "--jobs", "1")
    g1 = timed(root, "batch", "guides.yaml", "--jobs", "1", "--force", "--quiet")
    pn = timed(root, "program", "programs", "--out", "pn", "--jobs", str(args.jobs))
    made = len(list((root / "p1").rglob("*.pdf")))
    guides = len(list((root / "output").rglob("*.pdf")))
    assert made == args.programs and guides == clinics * 4, (made, guides)
    print(f"date:     {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine:  {describe()}")
    print(f"one program, cold process:     median {statistics.median(singles):.2f} s "
          f"(min {min(singles):.2f}, max {max(singles):.2f}, {args.rounds} runs)")
    print(f"one exercise guide, cold build: median {statistics.median(guides1):.2f} s")
    print(f"{args.programs} programs, 1 core:  {args.programs / p1:.1f} programs/s ({p1:.1f} s wall)")
    print(f"{guides} fixed guides, 1 core: {guides / g1:.1f} guides/s ({g1:.1f} s wall, batch --force)")
    print(f"programs/guides per core: {(args.programs / p1) / (guides / g1):.2f}")
    print(f"{args.programs} programs, {args.jobs} workers: {args.programs / pn:.1f} programs/s ({pn:.1f} s wall)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
