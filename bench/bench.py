#!/usr/bin/env python3
"""Batch benchmark (#4): 20 clinics x 3 handouts x 2 languages x 2 papers = 240 PDFs.

    python bench/bench.py [--jobs N] [--layout standard] [--keep DIR]

Makes a temporary project (the repo's content and layouts, 20 clinics copied from clinics/example
with varied names and colours), then times, each in a fresh process:
  1. a cold batch into an empty output folder with N workers (and with 1 worker, for per core),
  2. the same batch again, unchanged (everything up to date),
  3. a cold single-handout `build`.
It prints handouts per second, the rerun's time, mean bytes per PDF and peak memory. Handouts that do
not currently fit their page budget are left out (and named): the batch uses the ones that fit.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CODE = REPO  # the code the timed processes run (a snapshot, see main)
if "--run" not in sys.argv:          # the timed runs import the snapshot given in PYTHONPATH
    sys.path.insert(0, str(REPO))

HANDOUTS = ("overview", "exercises", "prevention")
LANGS = ("en", "es")
PAPERS = ("letter", "a4")
COLOURS = ["#17406E", "#1F6F5C", "#6B2D5C", "#7A3B0C", "#2E4A1E", "#0B4F6C", "#5B2A86", "#8A1C1C",
           "#1D3557", "#3D405B"]
WORDS = ["River", "Lake", "Hill", "Oak", "Cedar", "Harbor", "Summit", "Valley", "Maple", "Bridge"]


def make_project(root: Path, clinics: int) -> None:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "layouts", root / "layouts")
    example = REPO / "clinics" / "example"
    text = (example / "clinic.yaml").read_text(encoding="utf-8")
    for i in range(clinics):
        folder = root / "clinics" / f"clinic-{i:02d}"
        shutil.copytree(example, folder)
        name = f"{WORDS[i % 10]}{'side' if i < 10 else ' Park'} Physiotherapy {i + 1}"
        body = text.replace("Riverside Physiotherapy & Sports Care", name)
        body = body.replace('"#17406E"', f'"{COLOURS[i % 10]}"').replace('"#1F6F5C"', f'"{COLOURS[(i + 3) % 10]}"')
        (folder / "clinic.yaml").write_text(body, encoding="utf-8")


def fitting(root: Path, layout: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(handout id, lang, paper) that fit their budget with the example clinic, and the ones left out."""
    from handouts.build import Project, build_handout
    from handouts.errors import HandoutError
    project = Project(root)
    clinic = project.clinic(root / "clinics" / "clinic-00")
    ok, left = [], []
    for lang in LANGS:
        for hid in HANDOUTS:
            files = [h for h in project.handout_files(lang) if h.id == hid]
            for paper in PAPERS:
                try:
                    build_handout(project, clinic, files[0], layout, paper)
                    ok.append((hid, lang, paper))
                except (HandoutError, IndexError) as exc:
                    why = re.sub(r".*needs (\d+ pages).*", r"needs \1", str(exc).splitlines()[0]) if str(exc) else "missing"
                    left.append(f"{hid} ({lang}, {paper}): {why[:100]}")
    return ok, left


def write_manifests(root: Path, ok: list, layout: str) -> list[Path]:
    """One manifest per (lang, paper) group, so only fitting combinations are built."""
    groups: dict[tuple[str, str], list[str]] = {}
    for hid, lang, paper in ok:
        groups.setdefault((lang, paper), []).append(hid)
    paths = []
    for (lang, paper), ids in sorted(groups.items()):
        path = root / f"bench-{lang}-{paper}.yaml"
        path.write_text(f"clinics: [clinics/*]\nhandouts: [{', '.join(ids)}]\nlanguages: [{lang}]\n"
                        f"papers: [{paper}]\nlayouts: [{layout}]\n", encoding="utf-8")
        paths.append(path)
    return paths


def batch(root: Path, manifests: list[Path], jobs: int, fresh: bool) -> tuple[float, float, float]:
    """All manifests as one batch in one fresh process: wall seconds, seconds inside run_plan, and the
    CPU seconds all its processes used meanwhile (per-core speed even when other work shares the CPU)."""
    if fresh:
        shutil.rmtree(root / "output", ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--run", str(jobs), *map(str, manifests)], cwd=root,
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(CODE)))
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"batch failed:\n{proc.stderr[-3000:]}")
    used, took = map(float, proc.stdout.split()[-2:])
    return wall, took, used


def run_manifests(jobs: int, manifests: list[str]) -> None:
    """--run: what `generate.py batch` does, for several manifests at once; prints run_plan's time."""
    from handouts.batch.manifest import Plan, load_manifest
    from handouts.batch.run import run_plan
    from handouts.build import Project
    project = Project(Path.cwd())
    plan = Plan([], [])
    for m in manifests:
        p, _ = load_manifest(project, Path(m))
        plan.jobs += p.jobs
    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    start, cpu0 = time.perf_counter(), cpu()
    tally = run_plan(project, plan, jobs, quiet=True)
    took, used = time.perf_counter() - start, cpu() - cpu0
    if tally.failed:
        sys.exit(f"{len(tally.failed)} failed: {tally.failed[0]}")
    print(used, took)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--clinics", type=int, default=20)
    ap.add_argument("--layout", default="standard")
    ap.add_argument("--keep", type=Path, help="build in this folder and keep it")
    ap.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        run_manifests(int(args.run[0]), args.run[1:])
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="handouts-bench-")) if args.keep is None else args.keep
    root = tmp / "project"
    shutil.rmtree(root, ignore_errors=True)
    make_project(root, args.clinics)
    # a snapshot of the code: the generator's source files are an input, and the working tree may change
    global CODE
    CODE = tmp / "code"
    shutil.rmtree(CODE, ignore_errors=True)
    shutil.copytree(REPO / "handouts", CODE / "handouts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "generate.py", CODE / "generate.py")
    ok, left = fitting(root, args.layout)
    if not ok:
        sys.exit("no handout fits its page budget; nothing to benchmark")
    manifests = write_manifests(root, ok, args.layout)
    n = len(ok) * args.clinics

    cold_n, cold_n_in, cold_n_cpu = batch(root, manifests, args.jobs, fresh=True)
    outputs = sorted((root / "output").rglob("*.pdf"))
    assert len(outputs) == n, (len(outputs), n)
    sizes = [p.stat().st_size for p in outputs]
    from pypdf import PdfReader
    pages = [len(PdfReader(p).pages) for p in outputs]
    rerun, rerun_in, _ = batch(root, manifests, args.jobs, fresh=False)
    cold_1, cold_1_in, cold_1_cpu = batch(root, manifests, 1, fresh=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(CODE / "generate.py"), "build", "--clinic", "clinics/clinic-00",
                           "--handout", ok[0][0], "--lang", ok[0][1], "--paper", ok[0][2], "--layout", args.layout,
                           "--out", "single"], cwd=root, capture_output=True, env=dict(os.environ, PYTHONPATH=str(CODE)))
    single = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    two_page = [s for s, pg in zip(sizes, pages) if pg == 2]
    print(f"date:      {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine:   {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"batch:     {args.clinics} clinics x {len(ok)} (handout, language, paper) = {n} PDFs, layout {args.layout}")
    if left:
        print(f"left out (over budget now): {len(left)}")
        for line in left:
            print(f"    {line}")
    print(f"pages:     {sum(pages)} in all, {sum(pages) / n:.2f} per PDF "
          f"({pages.count(1)} one-page, {pages.count(2)} two-page, {n - pages.count(1) - pages.count(2)} longer)")
    print(f"cold batch, {args.jobs} workers: {n / cold_n_in:.1f} handouts/s total, {n / cold_n_in / args.jobs:.1f} "
          f"per core ({cold_n_in:.2f} s in the batch, {cold_n:.2f} s wall with process start)")
    print(f"cold batch, 1 worker:  {n / cold_1_in:.1f} handouts/s ({cold_1_in:.2f} s in the batch, "
          f"{cold_1:.2f} s wall)")
    print(f"per CPU-second (other load on the machine does not count): {n / cold_n_cpu:.1f} handouts with "
          f"{args.jobs} workers, {n / cold_1_cpu:.1f} with 1; load average now {os.getloadavg()[0]:.2f}")
    print(f"unchanged rerun: {rerun_in:.3f} s in the batch, {rerun:.2f} s wall with process start")
    print(f"cold single handout build: {single:.2f} s wall")
    print(f"bytes per PDF: mean {sum(sizes) / n / 1024:.1f} KB, max {max(sizes) / 1024:.1f} KB"
          + (f"; two-page mean {sum(two_page) / len(two_page) / 1024:.1f} KB" if two_page else ""))
    print(f"peak memory (largest process): {peak:.0f} MB")
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
