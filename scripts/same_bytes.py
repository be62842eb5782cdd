"""Hash every PDF a wide set of runs writes, to show a refactor keeps the bytes (issue #12).

    python scripts/same_bytes.py > /tmp/before.txt   # on the old code
    python scripts/same_bytes.py > /tmp/after.txt    # on the new code
    diff /tmp/before.txt /tmp/after.txt
    python scripts/same_bytes.py /tmp/kept > /tmp/after.txt   # and keep the PDFs in /tmp/kept

Runs, each as a whole process in a scratch copy of the project: the example clinic's 24 handouts
(`generate.py`), the same archival (`build --archive`), a packet, and a batch over four clinics (names,
colours, a long name, a second logo size) in every language, paper and layout, with packets, so replayed
drawings are compared too. Prints `sha256  path` per PDF, sorted.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLINICS = {
    "north": ("North Shore Rehab", "#5A2D82", "#1F6F5C"),
    "zaq": ("Zaq Jo", "#17406E", "#8A3B12"),
    "longname": ("St. Mary's Physical Therapy and Rehabilitation Center", "#1B5E20", "#0D47A1"),
}


def run(args: list[str], cwd: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "project"
        for part in ("content", "layouts", "clinics", "manifests"):
            shutil.copytree(ROOT / part, work / part)
        example = (work / "clinics/example/clinic.yaml").read_text()
        for cid, (name, primary, accent) in CLINICS.items():
            folder = work / "clinics" / cid
            shutil.copytree(work / "clinics/example", folder)
            text = example.replace("Riverside Physiotherapy & Sports Care", name)
            text = text.replace("#17406E", primary).replace("#1F6F5C", accent)
            (folder / "clinic.yaml").write_text(text)
        run([], work)
        run(["build", "--archive", "--out", "archive", "--lang", "es", "--paper", "a4"], work)
        run(["packet", "--handout", "overview", "exercises", "prevention", "--title", "Packet", "--out",
             "packets"], work)
        manifest = (work / "manifests/example.yaml").read_text()
        manifest = manifest.replace("layouts: [standard]", "layouts: all").replace("output: output/", "output: batch/")
        (work / "manifests/all.yaml").write_text(manifest)
        run(["batch", "manifests/all.yaml", "--jobs", "1", "--force"], work)
        for pdf in sorted(work.rglob("*.pdf")):
            print(hashlib.sha256(pdf.read_bytes()).hexdigest(), pdf.relative_to(work))
        if len(sys.argv) > 1:   # a folder to keep the PDFs in, to compare them one by one
            shutil.copytree(work, sys.argv[1], dirs_exist_ok=True)


if __name__ == "__main__":
    main()
