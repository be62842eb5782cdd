#!/usr/bin/env python3
"""Reference benchmark: how fast Typst builds a comparable two-page handout on THIS machine, per core.

Runs in its own venv (not the project's), with the PyPI `typst` bindings, pyyaml and pypdf:

    python3 -m venv /tmp/typstenv && /tmp/typstenv/bin/pip install -q typst pyyaml pypdf
    /tmp/typstenv/bin/python bench/typst_reference.py [--compiles 240] [--clinics 20] [--variants ...]

The template is bench/typst/handout.typ: the exercises handout of content/hamstring-nerve-pain/en
(the same text, read from the YAML and passed as JSON in sys.inputs) for US letter, with the logo of
clinics/example, Atkinson Hyperlegible, 12 pt body. The clinics vary like bench/bench.py's (name,
phone, brand colours).

Each variant runs in a FRESH process (Typst memoizes layout process-wide, so a variant run after another
would start warm), pinned to CPU 0 before `typst` is imported (so its thread pool sees one CPU): one
cold compile (timed: that is what a one-off build costs, after the import), then --compiles timed compiles
cycling over the clinics, in one thread. Variants:

  compiler-ua    typst.Compiler (one world: fonts, files, caches kept), PDF/UA-1 (tagged + checked)
  compiler-tag   typst.Compiler, tagged PDF (Typst's default), no standard
  compiler-none  typst.Compiler, untagged (pdf_tags=False)
  compile-ua     plain typst.compile (a new world each call: font scan, file reads), PDF/UA-1
  unique-ua      typst.Compiler, PDF/UA-1, every compile a clinic never seen before (name, phone and
                 colours all new), so no compile can reuse an earlier one's memoized results
  same-ua        typst.Compiler, PDF/UA-1, the SAME clinic every time: an upper bound with Typst's
                 memoization fully hit (not a real batch; shows how much the cache can give)

It prints handouts/s (all compiles / their wall time; 1000 / the median compile's ms, which other load
on a shared machine disturbs less; and per CPU-second of this process, which does not count time another
process held the core: if CPU% is under 100, the core was shared), the cold first compile, CPU% in the timed loop (CPU time / wall), threads, pages
and bytes per PDF. --no-pin lets Typst use every core (to see whether it runs threads of its own).
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "bench" / "typst" / "handout.typ"
CONTENT = REPO / "content" / "hamstring-nerve-pain" / "en" / "exercises.yaml"
CLINIC = REPO / "clinics" / "example" / "clinic.yaml"
VARIANTS = ("compiler-ua", "compiler-tag", "compiler-none", "compile-ua", "unique-ua", "same-ua")
# the same names and colours as bench/bench.py's 20 clinics
COLOURS = ["#17406E", "#1F6F5C", "#6B2D5C", "#7A3B0C", "#2E4A1E", "#0B4F6C", "#5B2A86", "#8A1C1C",
           "#1D3557", "#3D405B"]
WORDS = ["River", "Lake", "Hill", "Oak", "Cedar", "Harbor", "Summit", "Valley", "Maple", "Bridge"]


def font_dir(given: str | None) -> str:
    """The Atkinson Hyperlegible TTFs: --fonts, else the fontpkg package here or in the project's venv."""
    if given:
        return given
    try:
        import fontpkg_atkinson_hyperlegible as pkg  # type: ignore
        return str(Path(pkg.__file__).parent / "files")
    except ImportError:
        pass
    found = glob.glob(str(REPO / ".venv" / "lib" / "python*" / "site-packages" / "fontpkg_atkinson_hyperlegible" / "files"))
    if not found:
        sys.exit("Atkinson Hyperlegible not found: pass --fonts DIR (the files/ folder of fontpkg_atkinson_hyperlegible)")
    return found[0]


def clinic_inputs(i: int, base: dict, unique: bool) -> dict[str, str]:
    """sys.inputs for clinic i: bench.py's names and colours; with unique, every i differs in all fields."""
    if unique:
        name = f"{WORDS[i % 10]} {WORDS[(i // 10) % 10]} Physiotherapy {i + 1}"
        primary = f"#{(0x10 + i * 7) % 0x60 + 0x10:02X}{(0x30 + i * 3) % 0x50 + 0x20:02X}{(0x50 + i * 5) % 0x60 + 0x30:02X}"
        accent = f"#{(0x20 + i * 11) % 0x50 + 0x10:02X}{(0x60 + i * 13) % 0x40 + 0x40:02X}{(0x40 + i) % 0x50 + 0x20:02X}"
    else:
        name = f"{WORDS[i % 10]}{'side' if i < 10 else ' Park'} Physiotherapy {i + 1}"
        primary, accent = COLOURS[i % 10], COLOURS[(i + 3) % 10]
    return {
        "name": name,
        "tagline": str(base.get("tagline", "")),
        "phone": f"(217) 555-{(142 + i) % 10000:04d}",
        "phone_country": str(base.get("phone_country", "+1")),
        "email": str(base.get("email", "")),
        "website": str(base.get("website", "")),
        "hours": str(base.get("hours", "")),
        "logo": "/" + str((CLINIC.parent / base.get("logo", "logo.png")).relative_to(REPO)),
        "logo_alt": str(base.get("logo_alt", "Clinic logo")),
        "primary": primary,
        "accent": accent,
    }


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def threads() -> int:
    try:
        return int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("Threads:")))
    except (OSError, StopIteration):
        return -1


def run_one(variant: str, compiles: int, clinics: int, fonts: str, pin: bool, save: Path | None) -> dict:
    """One variant in this (fresh) process; returns its figures."""
    if pin:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})   # before typst starts its thread pool
    import yaml
    t0 = time.perf_counter()
    import typst
    import_s = time.perf_counter() - t0

    content = json.dumps(yaml.safe_load(CONTENT.read_text(encoding="utf-8")), default=str)
    base = yaml.safe_load(CLINIC.read_text(encoding="utf-8"))
    unique = variant.startswith("unique")
    if variant.startswith("same"):
        inputs = [dict(clinic_inputs(0, base, False), content=content)] * (compiles + 1)
    elif unique:
        inputs = [dict(clinic_inputs(i, base, True), content=content) for i in range(compiles + 1)]
    else:
        inputs = [dict(clinic_inputs(i % clinics, base, False), content=content) for i in range(compiles + 1)]
    opts = {"pdf_standards": ["ua-1"] if variant.endswith("-ua") else [], "pdf_tags": not variant.endswith("-none")}
    world = dict(root=str(REPO), font_paths=[fonts], ignore_system_fonts=True)

    if variant.startswith("compile-"):
        def build(inp):
            return typst.compile(str(TEMPLATE), sys_inputs=inp, **world, **opts)
        t0 = time.perf_counter()
        first = build(inputs[0])
    else:
        t0 = time.perf_counter()
        compiler = typst.Compiler(str(TEMPLATE), **world)

        def build(inp):
            return compiler.compile(sys_inputs=inp, **opts)
        first = build(inputs[0])
    cold_s = time.perf_counter() - t0

    pdfs, each = [], []
    c0, w0 = cpu_seconds(), time.perf_counter()
    for inp in inputs[1:]:
        t = time.perf_counter()
        pdfs.append(build(inp))
        each.append(time.perf_counter() - t)
    wall = time.perf_counter() - w0
    cpu = cpu_seconds() - c0

    from io import BytesIO

    from pypdf import PdfReader
    pages = [len(PdfReader(BytesIO(p)).pages) for p in pdfs]
    sizes = [len(p) for p in pdfs]
    if save:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"{variant}-first.pdf").write_bytes(first)
        (save / f"{variant}-last.pdf").write_bytes(pdfs[-1])
    return {
        "variant": variant, "typst": typst.__version__ if hasattr(typst, "__version__") else "?",
        "n": len(pdfs), "distinct_pdfs": len({hashlib.sha1(p).hexdigest() for p in pdfs}),
        "per_s": len(pdfs) / wall, "per_cpu_s": len(pdfs) / cpu, "median_per_s": 1 / sorted(each)[len(each) // 2], "ms": wall / len(pdfs) * 1000, "cold_ms": cold_s * 1000,
        "import_ms": import_s * 1000, "cpu_pct": 100 * cpu / wall, "threads": threads(),
        "cpus": len(os.sched_getaffinity(0)), "pages": sorted(set(pages)), "pages_mean": sum(pages) / len(pages),
        "kb_mean": sum(sizes) / len(sizes) / 1024, "kb_min": min(sizes) / 1024, "kb_max": max(sizes) / 1024,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compiles", type=int, default=240, help="timed compiles per variant (after the cold one)")
    ap.add_argument("--clinics", type=int, default=20)
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    ap.add_argument("--fonts", help="folder with the Atkinson Hyperlegible TTFs")
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one CPU (see Typst's own threads)")
    ap.add_argument("--save", type=Path, help="write each variant's first and last PDF here")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    fonts = font_dir(args.fonts)
    if args.one:
        print(json.dumps(run_one(args.one, args.compiles, args.clinics, fonts, not args.no_pin, args.save)))
        return 0

    from machine import cpu_name
    cpu = cpu_name()
    print(f"date:    {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.2f}")
    print(f"machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{'pinned to 1 CPU' if not args.no_pin else 'NOT pinned'}")
    rows = []
    for v in args.variants:
        cmd = [sys.executable, __file__, "--one", v, "--compiles", str(args.compiles), "--clinics", str(args.clinics),
               "--fonts", fonts] + (["--no-pin"] if args.no_pin else []) + (["--save", str(args.save)] if args.save else [])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{v} failed:\n{proc.stderr[-3000:]}")
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    r0 = rows[0]
    import importlib.metadata as md
    print(f"typst:   PyPI typst {md.version('typst')}; {r0['n']} timed compiles per variant after 1 cold, "
          f"{args.clinics} clinics cycled (unique-ua: all new)")
    print(f"{'variant':14} {'handouts/s':>10} {'median/s':>8} {'per CPU-s':>9} {'ms each':>8} {'cold ms':>8} {'CPU%':>5} {'thr':>4} "
          f"{'pages':>6} {'KB mean':>8} {'KB min-max':>12} {'distinct':>8} {'peak MB':>7}")
    for r in rows:
        print(f"{r['variant']:14} {r['per_s']:10.1f} {r['median_per_s']:8.1f} {r['per_cpu_s']:9.1f} {r['ms']:8.2f} {r['cold_ms']:8.0f} {r['cpu_pct']:5.0f} "
              f"{r['threads']:4d} {'/'.join(map(str, r['pages'])):>6} {r['kb_mean']:8.1f} "
              f"{r['kb_min']:5.1f}-{r['kb_max']:<6.1f} {r['distinct_pdfs']:8d} {r['peak_mb']:7.0f}")
    print(f"import typst: {r0['import_ms']:.0f} ms; cold = first compile in a fresh process after the import "
          f"(Compiler variants include building the Compiler: font scan)")
    bad = [r["variant"] for r in rows if r["pages"] != [2]]
    if bad:
        print(f"WARNING: not two pages in every PDF: {', '.join(bad)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
