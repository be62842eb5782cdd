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


def one_line(text: str) -> str:
    """A name or tagline written over several lines in the YAML: the lines joined by spaces."""
    return " ".join(text.split())


def text_lines(text: str) -> list[str]:
    """Opening hours written over several lines: one printed line each (never a newline glyph)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def plan_header(layout, page_width: float, fonts, name: str, tagline: str, contacts: list[str],
                logo_aspect: float) -> tuple[HeaderPlan | None, list[tuple[str, str]]]:
    """The letterhead's lines and sizes; or None and (clinic.yaml key, message) for what cannot fit."""
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
                                  f"{fit} lines of the letterhead ({layout.name}), got {len(shown)} lines; "
                                  f"put the hours on {max(1, fit - 3)} line(s)"))
    contacts_w = max((stringWidth(c, fonts.regular, contact_size) for c in shown), default=0.0)
    room = right - x - (contacts_w + GAP if shown else 0)
    name_lines: list[str] = []
    size = t.header
    tag_lines: list[str] = []
    tag_size = t.small
    if "clinic_name" in h.show:
        if room < 40:
            problems.append(("name", f"expected room for the clinic name in the letterhead ({layout.name}), got "
                                     f"{max(0.0, room):.0f} pt beside the logo and contacts; use a narrower logo"))
            return None, problems
        while stringWidth(name, fonts.bold, size) > room and size > t.small:
            size -= 0.5
        name_lines = simpleSplit(name, fonts.bold, size, room)
        while len(name_lines) > 2 and size > FLOOR:
            size = max(FLOOR, size - 0.5)
            name_lines = simpleSplit(name, fonts.bold, size, room)
        if len(name_lines) > 2:
            over = stringWidth(" ".join(name_lines[2:]), fonts.bold, size) / stringWidth("n", fonts.bold, size)
            problems.append(("name", f"expected a clinic name that fits two lines of the letterhead "
                                     f"({layout.name}) at {FLOOR:g} pt, got one about {over:.0f} characters "
                                     f"too long; shorten it or use a narrower logo"))
        if "tagline" in h.show and tagline:
            while stringWidth(tagline, fonts.regular, tag_size) > room and tag_size > FLOOR:
                tag_size = max(FLOOR, tag_size - 0.5)
            tag_lines = simpleSplit(tagline, fonts.regular, tag_size, room)
            block = len(name_lines[:2]) * size * 1.15 + len(tag_lines) * tag_size * 1.25
            if len(tag_lines) > 2 or block > h.height + 2:
                problems.append(("tagline", f"expected a tagline that fits under the clinic name in the "
                                            f"letterhead ({layout.name}), got {len(tag_lines)} lines at "
                                            f"{tag_size:g} pt; shorten it"))
    if problems:
        return None, problems
    return HeaderPlan(tuple(name_lines), size, tuple(tag_lines), tag_size, tuple(shown), contact_size), []
