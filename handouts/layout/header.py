"""Stage: the clinic's letterhead -> lines and sizes that fit the layout's header, or a problem.

Nothing the clinic wrote is dropped or cut: the name may wrap to two lines and step down in size,
the tagline may step down and wrap, the contact lines (phone, email, web address and every line of
the opening hours) may step down, never below FLOOR points. What still does not fit is an error at
the clinic.yaml key, saying by how much to shorten it.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from handouts.layout.images import fit_box

FLOOR = 9.0        # points: the smallest header text
GAP = 12.0         # between the logo, the name block and the contacts


@dataclass(frozen=True)
class HeaderPlan:
    name_lines: tuple[str, ...]
    name_size: float
    tag_lines: tuple[str, ...]
    tag_size: float
    contacts: tuple[str, ...]
    contact_size: float
    address_lines: tuple[str, ...] = ()   # printed under the tagline, at its size


def one_line(text: str) -> str:
    """A name or tagline written over several lines in the YAML: the lines joined by spaces."""
    return " ".join(text.split())


def text_lines(text: str) -> list[str]:
    """Opening hours written over several lines: one printed line each (never a newline glyph)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def address_line(text: str) -> str:
    """An address written over several lines, as a letterhead prints it: the lines joined by commas."""
    return ", ".join(" ".join(line.split()).rstrip(",") for line in text.splitlines() if line.strip())


def _steps(start: float):
    """start, start - 0.5, ... down to FLOOR."""
    size = start
    while size > FLOOR:
        yield size
        size -= 0.5
    yield FLOOR


def plan_header(layout, page_width: float, fonts, name: str, tagline: str, contacts: list[str],
                logo_aspect: float, address: str = "") -> tuple[HeaderPlan | None, list[tuple[str, str]]]:
    """The letterhead's lines and sizes; or None and (clinic.yaml key, message) for what cannot fit
    (the caller names the layout and paper).

    The name block (name, tagline, address) steps its small lines down first, then the name, to the
    FLOOR; at most two lines each."""
    h, t, m = layout.header, layout.type, layout.margins
    problems: list[tuple[str, str]] = []
    x = m.left
    if "logo" in h.show:
        w, _ = fit_box(logo_aspect, h.logo_width, h.logo_height)
        x += w + GAP
    right = page_width - m.right
    shown = list(contacts) if "contacts" in h.show else []
    contact_size = t.small
    while shown and len(shown) * contact_size * 1.25 > h.height and contact_size > FLOOR:
        contact_size = max(FLOOR, contact_size - 0.5)
    if shown and len(shown) * contact_size * 1.25 > h.height:
        fit = int(h.height // (FLOOR * 1.25))
        problems.append(("hours", f"expected the phone, email, web address and opening hours to fit in "
                                  f"{fit} lines of the letterhead, got {len(shown)} lines; "
                                  f"put the hours on {max(1, fit - 3)} line(s)"))
    contacts_w = max((stringWidth(c, fonts.regular, contact_size) for c in shown), default=0.0)
    room = right - x - (contacts_w + GAP if shown else 0)
    if "clinic_name" not in h.show:
        if problems:
            return None, problems
        return HeaderPlan((), t.header, (), t.small, tuple(shown), contact_size), []
    if room < 40:
        problems.append(("name", f"expected room for the clinic name in the letterhead, got "
                                 f"{max(0.0, room):.0f} pt beside the logo and contacts; use a narrower logo"))
        return None, problems
    tagline = tagline if "tagline" in h.show else ""
    address = address if "address" in h.show else ""
    block = _name_block(name, tagline, address, t, h.height, room, fonts)
    if isinstance(block, tuple) and isinstance(block[0], str):
        problems.append((block[0], block[1]))
    if problems:
        return None, problems
    name_lines, size, tag_lines, address_lines, small = block
    return HeaderPlan(tuple(name_lines), size, tuple(tag_lines), small, tuple(shown), contact_size,
                      tuple(address_lines)), []


def _name_block(name: str, tagline: str, address: str, t, height: float, room: float, fonts):
    """(name lines, name size, tagline lines, address lines, their size) that fit `height`, or
    (clinic.yaml key, message) saying what is too long."""
    size = t.header
    while stringWidth(name, fonts.bold, size) > room and size > t.small:
        size -= 0.5  # a name that nearly fits one line: a little smaller rather than wrapped
    for most in (1, 2):  # the tagline and address on one line each if they can be, else on two
        for name_size in _steps(size):
            name_lines = simpleSplit(name, fonts.bold, name_size, room)
            if len(name_lines) > 2:
                continue
            for small in _steps(t.small):
                tag_lines = simpleSplit(tagline, fonts.regular, small, room) if tagline else []
                address_lines = simpleSplit(address, fonts.regular, small, room) if address else []
                tall = len(name_lines) * name_size * 1.15 + (len(tag_lines) + len(address_lines)) * small * 1.25
                if len(tag_lines) <= most and len(address_lines) <= most and tall <= height + 2:
                    return name_lines, name_size, tag_lines, address_lines, small
    return _too_long(name, tagline, address, height, room, fonts)


def _too_long(name: str, tagline: str, address: str, height: float, room: float, fonts) -> tuple[str, str]:
    """Which clinic text to shorten, and by about how much, when the name block cannot fit."""
    n = stringWidth("n", fonts.bold, FLOOR)
    name_lines = simpleSplit(name, fonts.bold, FLOOR, room)
    if len(name_lines) > 2:
        over = stringWidth(" ".join(name_lines[2:]), fonts.bold, FLOOR) / n
        return "name", (f"expected a clinic name that fits two lines of the letterhead at {FLOOR:g} pt, got one "
                        f"about {over:.0f} characters too long; shorten it or use a narrower logo")
    for key, text in (("tagline", tagline), ("address", address)):
        lines = simpleSplit(text, fonts.regular, FLOOR, room) if text else []
        if len(lines) > 2:
            over = stringWidth(" ".join(lines[2:]), fonts.regular, FLOOR) / stringWidth("n", fonts.regular, FLOOR)
            return key, (f"expected {'an' if key == 'address' else 'a'} {key} that fits two lines under the clinic name at {FLOOR:g} pt, got one "
                         f"about {over:.0f} characters too long; shorten it")
    key = "tagline" if tagline and len(simpleSplit(tagline, fonts.regular, FLOOR, room)) > 1 else "address"
    return key, (f"expected the clinic name, tagline and address to fit the letterhead's height "
                 f"({height:g} pt) at {FLOOR:g} pt, got too many lines; shorten the {key} to one line")
