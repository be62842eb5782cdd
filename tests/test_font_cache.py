"""The de-hinted fonts are made once per machine and kept (layout/fonts.py: slimmed): a handout is
the same bytes with the cache empty, filled, damaged or impossible to write."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BUILD = (
    "import hashlib, pathlib, sys\n"
    "from handouts.build import Project, build_handout\n"
    "root = pathlib.Path(sys.argv[1])\n"
    "p = Project(root)\n"
    "hf = next(h for h in p.select(None, 'en') if h.id == 'overview')\n"
    "print(hashlib.sha256(build_handout(p, p.clinic(root / 'clinics' / 'example'), hf, 'standard', 'letter').pdf)"
    ".hexdigest())\n"
)


def _build(project: Path, cache: Path) -> str:
    env = dict(os.environ, HANDOUTS_CACHE_DIR=str(cache))
    done = subprocess.run([sys.executable, "-c", BUILD, str(project)], cwd=REPO, env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_fonts_are_kept_and_give_the_same_pdf(project, tmp_path):
    cache = tmp_path / "cache"
    first = _build(project, cache)
    kept = sorted((cache / "fonts").glob("*.bin"))
    assert len(kept) == 4   # regular, bold, italic, bold italic
    stamps = [p.stat().st_mtime_ns for p in kept]
    assert _build(project, cache) == first
    assert [p.stat().st_mtime_ns for p in kept] == stamps   # read, not made again


def test_a_damaged_cached_font_is_made_again(project, tmp_path):
    cache = tmp_path / "cache"
    first = _build(project, cache)
    damaged = sorted((cache / "fonts").glob("*Regular*.bin"))[0]
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])        # cut short, as by a full disk
    assert _build(project, cache) == first
    assert damaged.read_bytes() == whole
    body = bytearray(whole)
    body[-100] ^= 0xFF                                   # one byte changed
    damaged.write_bytes(bytes(body))
    assert _build(project, cache) == first
    assert hashlib.sha256(damaged.read_bytes()).digest() == hashlib.sha256(whole).digest()


def test_a_cache_that_cannot_be_written_is_skipped(project, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    reference = _build(project, tmp_path / "cache")
    assert _build(project, blocked) == reference
    assert blocked.read_text() == "a file where the cache folder would go"
