"""One exception family. Every problem knows where it is: file, line, column and key path."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and what was expected."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class HandoutError(Exception):
    """Base of every error the tool reports to its user. Holds one or more problems."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path | str) -> str:
    """A path as the user would like to read it: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def plural(count: int, word: str) -> str:
    """"1 handout", "2 handouts"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def attempt(problems: list[Problem], fn, *args):
    """fn(*args), or None with its problems added to `problems` (once each): to report every problem
    of a run at once instead of stopping at the first."""
    try:
        return fn(*args)
    except HandoutError as exc:
        problems.extend(p for p in exc.problems if p not in problems)
        return None
