"""Load YAML safely, keeping the line and column of every key and value.

PyYAML's composer gives us the node tree with marks. We build plain Python data from it ourselves so
that we can (1) reject duplicate keys, which PyYAML accepts silently, (2) bound the number of nodes an
alias expansion can produce ("billion laughs"), and (3) remember where each key path came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from handouts.errors import HandoutError, Problem, display_path

MAX_BYTES = 1_000_000
MAX_NODES = 50_000

KeyPath = tuple  # of str | int


@dataclass
class Document:
    """Plain data loaded from one YAML file, with the position of each key path."""

    data: Any
    file: str
    marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: KeyPath) -> tuple[int | None, int | None]:
        """Line and column (1-based) of a key path, or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.marks:
                return self.marks[path]
            if not path:
                return None, None
            path = path[:-1]

    def problem(self, path: KeyPath, message: str) -> Problem:
        line, column = self.where(path)
        return Problem(message, self.file, line, column, format_path(path))


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_COLLECTION_TAGS = {"tag:yaml.org,2002:" + t for t in ("map", "seq", "omap", "pairs", "set")}


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str):
        self.loader = loader
        self.file = file
        self.marks: dict[KeyPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.count = 0

    def mark(self, path: KeyPath, node: yaml.Node) -> None:
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))

    def build(self, node: yaml.Node, path: KeyPath, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > 100:
            line = node.start_mark.line + 1
            raise HandoutError(Problem(
                f"too many or too deeply nested values (more than {MAX_NODES}); "
                "is an alias (*name) repeated many times?", self.file, line, node.start_mark.column + 1))
        self.mark(path, node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
            # we build lists and mappings ourselves, so a tag such as !!python/object/apply on one would
            # otherwise be silently ignored; refuse it the way SafeLoader refuses it on a plain value
            raise yaml.constructor.ConstructorError(None, None, f"could not determine a constructor for the tag "
                                                    f"{node.tag!r}", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problems.append(Problem(
                        f"expected a plain key, got {type(key).__name__}", self.file,
                        key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_path(path)))
                    continue
                key = str(key) if not isinstance(key, str) else key
                if key in result:
                    first = self.marks.get(path + (key,), (None, None))[0]
                    self.problems.append(Problem(
                        f"duplicate key '{key}' (first given on line {first})", self.file,
                        key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                        format_path(path + (key,))))
                    continue
                self.mark(path + (key,), key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            self.marks.pop(path + ("<key>",), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, TypeError) as exc:
            # e.g. a date like 2026-13-01: PyYAML's constructor raises a bare ValueError
            kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
            self.problems.append(Problem(f"invalid {kind} {node.value!r} ({exc})", self.file,
                                         node.start_mark.line + 1, node.start_mark.column + 1, format_path(path)))
            return None


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml (its wheels are)
# Where libyaml and PyYAML's parser disagree (the YAML test suite shows it): tabs, directives, tags
# a comment right after a block scalar's indicator, and explicit keys (?). Text with any of them takes the slow path.
_SLOW_ONLY = re.compile(r"\t|^%|(?:^|[\s\[\]{},:-])!|[|>][-+0-9]*#|(?:^|[\s\[{,])\?(?:\s|$)", re.M)


def _parse_fast(text: str, file: str) -> Document | None:
    """The same Document through libyaml's parser, about ten times faster than PyYAML's own (a
    handout's files took 0.24 s of a 1.2 s start); None for anything but a clean file, which
    `parse` then reads again the slow way for its messages. Our own builder makes the data and the
    marks either way, and the characters PyYAML refuses are checked first, so both accept the same
    files and give the same result (tests/test_yaml_suite.py compares them on the YAML test suite)."""
    if _FAST_LOADER is None or yaml.reader.Reader.NON_PRINTABLE.search(text) or _SLOW_ONLY.search(text):
        return None
    loader = _FAST_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        builder = _Builder(loader, file)
        data = builder.build(node, ())
    except (yaml.YAMLError, HandoutError, RecursionError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()
    return None if builder.problems else Document(data, file, builder.marks)


def parse(text: str, file: str) -> Document:
    """Parse YAML text into a Document. Raises HandoutError listing every problem found."""
    fast = _parse_fast(text, file)
    if fast is not None:
        return fast
    return parse_slow(text, file)


def tab_hint(text: str, mark) -> str | None:
    """What to do about a tab the parser stopped at ("found character '\\t' that cannot start any
    token" says neither), or None when the error is not at a tab. Files with a tab always take the
    slow path (_SLOW_ONLY), so this is the one place either parser's tab errors are worded."""
    at = getattr(mark, "index", None)
    if not isinstance(at, int) or not 0 <= at < len(text) or text[at] != "\t":
        return None
    before = text[max(text.rfind(br, 0, at) for br in "\n\r\x85\u2028\u2029") + 1:at]
    if before.strip(" \t"):
        return "a tab is not allowed for spacing in YAML (only inside quotes); use spaces"
    return "a tab is not allowed for indenting in YAML; use spaces"


def parse_slow(text: str, file: str) -> Document:
    """parse with PyYAML's own parser, whose messages the error lines quote."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        # a control character (pasted from a word processor): PyYAML checks the whole text up front
        at = exc.position
        line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise HandoutError(Problem(f"invalid YAML: the control character U+{exc.character:04X} is not allowed "
                                   "in a YAML file; delete it", file, line, col)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise HandoutError(Problem("the file is empty; expected a mapping of keys", file, 1, 1))
        builder = _Builder(loader, file)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # both halves: "expected a single document in the stream, but found another document"
        what = tab_hint(text, mark) or ", ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)  # type: ignore[assignment]
        raise HandoutError(Problem(f"invalid YAML: {what}", file, line, col)) from None
    except yaml.YAMLError as exc:
        raise HandoutError(Problem(f"invalid YAML: {exc}", file)) from None
    except RecursionError:
        raise HandoutError(Problem("invalid YAML: nested too deeply", file)) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise HandoutError(builder.problems)
    return Document(data, file, builder.marks)


def load(path: Path) -> Document:
    """Read and parse one YAML file (UTF-8, at most 1 MB)."""
    name = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise HandoutError(Problem(f"file is too large ({size} bytes; at most {MAX_BYTES})", name))
        raw = path.read_bytes()
    except HandoutError:
        raise
    except FileNotFoundError:
        raise HandoutError(Problem("file not found", name)) from None
    except IsADirectoryError:
        raise HandoutError(Problem("expected a file, found a folder", name)) from None
    except OSError as exc:
        raise HandoutError(Problem(f"cannot read file: {exc.strerror}", name)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HandoutError(Problem(f"file is not UTF-8 text (bad byte at offset {exc.start})", name)) from None
    return parse(text, name)
