"""What the command line accepts, and forgives: choices in any case, `all` for every one, and a
"did you mean" for a mistyped command, paper, language, layout, handout or clinic."""
from __future__ import annotations

import argparse
import difflib
import re
from typing import TYPE_CHECKING

from handouts.errors import HandoutError, Problem, attempt, display_path, plural
from handouts.model.content import SLUG

if TYPE_CHECKING:
    from handouts.build import Project

ALL = "all"


class Parser(argparse.ArgumentParser):
    """argparse, with a "did you mean" when a choice (a command, a paper size) is mistyped; still a
    usage error (exit 2). Sub-commands' parsers are of this class too (add_subparsers makes them so)."""

    def _check_value(self, action: argparse.Action, value) -> None:
        if action.choices is None or value in action.choices:
            return
        choices = [str(c) for c in action.choices]
        hint = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        tip = f"; did you mean '{hint[0]}'?" if hint else ""
        raise argparse.ArgumentError(action, f"invalid choice: {value!r}{tip} (choose from {', '.join(choices)})")


def lower(text: str) -> str:
    """An argparse type: choices are matched in any case (--paper A4)."""
    return text.lower()


def in_known_case(given: list[str], known: list[str]) -> list[str]:
    """Each value as the project spells it when it matches one in any case, else as given; once each."""
    spelt = {k.lower(): k for k in known}
    return list(dict.fromkeys(spelt.get(g.lower(), g) for g in given))


def languages(project: Project, given: list[str]) -> list[str] | None:
    """--lang: the languages asked for, or None for `all` (each handout in every language it is in)."""
    if any(g.lower() == ALL for g in given):
        return None
    return in_known_case(given, project.languages())


def papers(given: list[str] | None) -> list[str] | None:
    """--paper (already lower case, checked by argparse): the paper sizes, or None for the clinic's."""
    from handouts.build import PAPERS
    if not given:
        return None
    return list(PAPERS) if ALL in given else list(dict.fromkeys(given))


def layouts(project: Project, given: list[str]) -> list[str]:
    """--layout: the layout ids asked for (`all`: every one), each loaded and checked."""
    from handouts.build import did_you_mean
    known = project.layout_ids()
    chosen = known if any(g.lower() == ALL for g in given) else in_known_case(given, known)
    problems: list[Problem] = []
    for lid in chosen:
        if lid not in known and re.match(SLUG, lid):
            problems.append(Problem(f"unknown layout '{lid}'{did_you_mean(lid, known)}",
                                    display_path(project.layouts_dir)))
        else:
            attempt(problems, project.layout, lid)   # a bad id or a broken layout file
    if problems:
        raise HandoutError(problems)
    return chosen


def closing(failed: int, total: int) -> str:
    """The last line of a build with failures: what was and was not written."""
    if failed >= total:
        return f"{failed} of {plural(total, 'handout')} failed; nothing was written"
    ok = total - failed
    return f"{failed} of {total} handouts failed; the other {ok} {'was' if ok == 1 else 'were'} written"


def nothing_built(problems: int) -> str:
    """The last line of a build that stopped before building anything."""
    return f"nothing was built: {plural(problems, 'problem')}"
