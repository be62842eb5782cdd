"""libyaml reads clean files (fast); PyYAML's own parser reads the rest, for its messages. Both must
give the same data and the same line marks for every file the fast path accepts: the project's own
YAML, tricky snippets, and (when it is beside the repository) the whole YAML test suite."""
from __future__ import annotations

from pathlib import Path

import pytest

from handouts.errors import HandoutError
from handouts.model.yamlfile import _parse_fast, parse, parse_slow

REPO = Path(__file__).resolve().parent.parent
SUITE = REPO.parent / "shared" / "corpora" / "yaml-test-suite"
OWN = sorted(p for p in REPO.glob("**/*.yaml") if not {".venv", "output", ".git"} & set(p.parts))
SNIPPETS = [
    "a: 1\nb: [x, y, {z: 2026-01-31}]\n", "title: 'It''s fine'\nitems:\n  - \"tab\\there\"\n",
    "text: >\n  folded\n  lines\nkeep: |+\n  kept\n\n", "a: &x [1, 2]\nb: *x\n", "t: yes\nf: No\nn: ~\n",
    "k: 0o17\nh: 0x1F\nf: 1e3\ni: .inf\n", "s: café ☕\n", "- - nested\n  - list\n- {}\n", "a: b: c\n",
    "a: [1, 2\n", "x: 1\nx: 2\n", "!!python/object/apply:os.system [ls]\n", "a: !!binary aGk=\n",
    "? complex\n: key\n", "%YAML 1.1\n---\na: 1\n", "a:\tb\n", "block: >#c\n  x\n", "!\n",
]
SUITE_FILES = sorted(SUITE.rglob("in.yaml")) if SUITE.is_dir() else []


def _same(text: str, where: str) -> None:
    fast = _parse_fast(text, "f.yaml")
    try:
        slow = parse_slow(text, "f.yaml")
    except HandoutError as exc:
        assert fast is None, f"{where}: libyaml accepted what PyYAML refuses ({exc.problems[0]})"
        with pytest.raises(HandoutError):
            parse(text, "f.yaml")
        return
    if fast is not None:
        assert repr(fast.data) == repr(slow.data), where
        assert fast.marks == slow.marks, where


@pytest.mark.parametrize("path", OWN, ids=[str(p.relative_to(REPO)) for p in OWN])
def test_project_files_read_the_same_both_ways(path):
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:  # a catalogue case: refused before any parser sees it
        return
    _same(text, str(path))
    if "tests/cases" not in path.as_posix():  # the catalogue's files are broken on purpose
        assert _parse_fast(text, "f.yaml") is not None, f"{path} should take the fast path"


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_read_the_same_both_ways(text):
    _same(text, repr(text))


@pytest.mark.skipif(not SUITE_FILES, reason=f"YAML test suite not found at {SUITE}")
def test_yaml_test_suite_reads_the_same_both_ways():
    for path in SUITE_FILES:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        _same(text, str(path.parent.relative_to(SUITE)))
