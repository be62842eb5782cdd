"""A structure element of a tagged PDF, as collected while drawing (tagging.py) and written out
(taggedpdf.py)."""
from __future__ import annotations


class Elem:
    """A structure element being collected: role, attributes and kids in reading order.

    Kids are Elem, (page, mcid) for marked content, or ("objr", key) for a link annotation."""

    __slots__ = ("role", "parent", "kids", "alt", "scope", "title", "lbl")

    def __init__(self, role: str, parent: Elem | None = None, alt: str | None = None,
                 scope: str | None = None, title: str | None = None):
        self.role, self.parent = role, parent
        self.kids: list = []
        self.alt, self.scope, self.title = alt, scope, title
        self.lbl: Elem | None = None

    def add(self, role: str, **attrs) -> Elem:
        child = Elem(role, self, **attrs)
        self.kids.append(child)
        return child

    def __repr__(self):
        return f"<{self.role} {len(self.kids)} kids>"
