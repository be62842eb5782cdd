#!/usr/bin/env python3
"""Our generator against Typst on the same machine, the same handout and the same clinics, per core.

    pip install -e ".[bench]"          # typst (the PyPI bindings) for the reference
    python bench/versus_typst.py [--rounds 3] [--builds 240]

Each round runs, each in a fresh process pinned to one CPU and alternating so that a busy or slow
spell of a shared machine hits both alike:
  ours   the two-page exercise guide (content/hamstring-nerve-pain/en/exercises.yaml, Letter,
         standard layout) for bench.py's 20 clinics in turn, --builds times, in memory: tagged
         PDF/UA-1 with its fit search, as `build` makes it, after one cold build;
  typst  the same handout as bench/typst/handout.typ (bench/typst_reference.py, variant compiler-ua:
         typst.Compiler, PDF/UA-1) for the same 20 clinic names and colours, in memory.
It prints handouts per second for each round and the median, and the ratio. Typst is missing: it says
so and prints ours only.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


def ours(builds: int) -> dict:
    """--ours: one pinned process; the bench project in a temporary folder."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    import bench
    from handouts.batch.run import tune_gc
    from handouts.build import Project, build_handout
    tune_gc()  # as every batch worker does
    with tempfile.TemporaryDirectory(prefix="handouts-vs-") as tmp:
        root = Path(tmp) / "project"
        bench.make_project(root, 20)
        project = Project(root)
        hf = next(h for h in project.handout_files("en") if h.id == "exercises")
        clinics = [project.clinic(root / "clinics" / f"clinic-{i:02d}") for i in range(20)]
        start = time.perf_counter()
        build_handout(project, clinics[0], hf, "standard", "letter")
        cold = time.perf_counter() - start
        each, sizes, pages = [], [], set()
        start = time.perf_counter()
        for i in range(builds):
            t = time.perf_counter()
            built = build_handout(project, clinics[i % 20], hf, "standard", "letter")
            sizes.append(len(built.pdf))
            each.append(time.perf_counter() - t)
            pages.add(built.pages)
        wall = time.perf_counter() - start
    return {"per_s": builds / wall, "median_per_s": 1 / statistics.median(each), "cold_ms": cold * 1000,
            "kb_mean": sum(sizes) / len(sizes) / 1024, "pages": sorted(pages)}


def run(cmd: list[str]) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--builds", type=int, default=240, help="timed builds per run, after one cold build")
    ap.add_argument("--ours", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ours:
        print(json.dumps(ours(args.builds)))
        return 0
    have_typst = importlib.util.find_spec("typst") is not None
    if not have_typst:
        print("typst is not installed (pip install -e \".[bench]\"): ours only")
    rows: dict[str, list] = {"ours": [], "typst": []}
    for r in range(args.rounds):
        rows["ours"].append(run([sys.executable, __file__, "--ours", "--builds", str(args.builds)]))
        if have_typst:
            rows["typst"].append(run([sys.executable, str(HERE / "typst_reference.py"), "--one", "compiler-ua",
                                      "--compiles", str(args.builds)]))
        line = f"round {r + 1}: ours {rows['ours'][-1]['per_s']:5.1f} handouts/s"
        if have_typst:
            line += f", typst {rows['typst'][-1]['per_s']:5.1f}"
        print(line, flush=True)
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.2f}, "
          f"one pinned CPU, {args.builds} builds a run")
    for name, got in rows.items():
        if not got:
            continue
        per_s = [g["per_s"] for g in got]
        print(f"{name:6} median {statistics.median(per_s):5.1f} handouts/s per core (runs {min(per_s):.1f}-"
              f"{max(per_s):.1f}; median single build {statistics.median(g['median_per_s'] for g in got):.1f}/s), "
              f"cold first build {statistics.median(g['cold_ms'] for g in got):.0f} ms, "
              f"{statistics.median(g['kb_mean'] for g in got):.1f} KB, pages {got[0]['pages']}")
    if rows["typst"]:
        ratio = statistics.median(g["per_s"] for g in rows["ours"]) / statistics.median(g["per_s"] for g in rows["typst"])
        print(f"ours / typst: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
