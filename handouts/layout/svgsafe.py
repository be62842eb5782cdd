"""Check an SVG logo before anything draws it: plain XML, no entities, nothing fetched, bounded size.

An SVG is a program of sorts: XML entities can read files or expand without end ("billion laughs"),
`<image>`, `<use>` and `href`s can name files and web addresses, `<script>` and `<foreignObject>`
carry code and HTML, and `<use>` copies of copies can multiply a small file into millions of shapes.
`checked_svg` parses the bytes with lxml with entities, DTDs and the network off, refuses all of
that, and returns the parsed tree for svglib to convert (svglogo.py). Only references to an element
of the same document (`#id`) are allowed.
"""
from __future__ import annotations

import math
import re

from lxml import etree

MAX_ELEMENTS = 5_000     # in the file, and again after every <use> is expanded
MAX_DEPTH = 50           # elements inside elements, <use> targets included (svglib recurses per level)
MAX_PATH_DATA = 5_000_000  # characters of path data (d=, points=) after every <use> is expanded
SVG_NS = "http://www.w3.org/2000/svg"

# what each magic number means, for a .svg that is really something else
_MAGIC = ((b"\x89PNG", "PNG image data"), (b"\xff\xd8\xff", "JPEG image data"), (b"GIF8", "GIF image data"),
          (b"\x1f\x8b", "gzip data (an .svgz file)"), (b"%PDF", "a PDF file"))
_REFUSED = {
    "script": "a <script>", "foreignObject": "a <foreignObject> (HTML inside the SVG)",
    "image": "an <image> (pictures inside the logo are not drawn)", "feImage": "an <feImage>",
    "iframe": "an <iframe>", "audio": "an <audio>", "video": "a <video>", "canvas": "a <canvas>",
    "text": "text (<text>; convert it to paths, e.g. Inkscape: Path > Object to Path)",
    "tspan": "text (<tspan>; convert it to paths)", "textPath": "text (<textPath>; convert it to paths)",
    "tref": "text (<tref>; convert it to paths)",
}
_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.I)
_VIEWBOX_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class SvgRefused(ValueError):
    """What is wrong with an SVG, as the second half of 'expected ..., got ...'."""


def checked_svg(raw: bytes) -> etree._Element:
    """The root <svg> element of raw, or SvgRefused saying what is wrong with it."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise SvgRefused(f"expected an SVG file (XML text), got {what}")
    if not raw.strip():
        raise SvgRefused("expected an SVG file (XML text), got an empty file")
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise SvgRefused(_NO_DTD)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             dtd_validation=False, attribute_defaults=False, remove_comments=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgRefused(f"expected an SVG file (well-formed XML), got {_first_line(exc)}") from None
    except ValueError as exc:   # lxml: "Unicode strings with encoding declaration are not supported", ...
        raise SvgRefused(f"expected an SVG file (well-formed XML), got {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise SvgRefused(_NO_DTD)
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace not in (SVG_NS, None):
        raise SvgRefused(f"expected an <svg> document, got <{_name(root)}>")
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        _check_node(sibling)
    _check_tree(root)
    _check_size(root)
    return root


_NO_DTD = ("expected an SVG without a DOCTYPE or ENTITY declaration (entities can read files or expand "
           "without end), got one")


def _first_line(exc: etree.XMLSyntaxError) -> str:
    text = re.sub(r"\s*\(<string>, line \d+\)$", "", str(exc).splitlines()[0] if str(exc) else "")
    text = text or "a parse error"
    return text if len(text) <= 160 else text[:157] + "..."


def _name(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else str(el.tag)


def _check_node(node) -> None:
    """What is not an element: an entity reference or a processing instruction is refused."""
    if isinstance(node, etree._Entity):
        raise SvgRefused(_NO_DTD)
    if isinstance(node, etree._ProcessingInstruction):
        raise SvgRefused(f"expected an SVG without processing instructions, got <?{node.target}?>")


def _check_tree(root: etree._Element) -> None:
    ids: dict[str, etree._Element] = {}
    count = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            _check_node(el)
            continue
        count += 1
        if count > MAX_ELEMENTS:
            raise SvgRefused(f"expected an SVG of at most {MAX_ELEMENTS:,} elements, got more than that")
        name = _name(el)
        if name in _REFUSED:
            raise SvgRefused(f"expected an SVG of shapes only, got {_REFUSED[name]}")
        for key, value in el.attrib.items():
            _check_attribute(name, etree.QName(key).localname, value)
        if name == "style":
            _check_style(el.text or "")
        if el.get("id") is not None:
            ids.setdefault(el.get("id"), el)
    _Expansion(ids).check(root)


def _check_attribute(element: str, key: str, value: str) -> None:
    if key == "href":
        if not re.fullmatch(r"#[^\s#]+", value.strip()):
            raise SvgRefused(f"expected references only to the SVG's own elements (#id), got "
                             f"href {_short(value)} on <{element}>")
    elif key.lower().startswith("on"):
        raise SvgRefused(f"expected an SVG without scripts, got an event handler ({key}) on <{element}>")
    elif "url(" in value.lower():
        _check_urls(value, f"{key} on <{element}>")


def _check_style(css: str) -> None:
    if "@import" in css.lower():
        raise SvgRefused("expected references only to the SVG's own elements (#id), got @import in a <style>")
    _check_urls(css, "a <style>")


def _check_urls(text: str, where: str) -> None:
    for m in _URL.finditer(text):
        if not m.group(2).strip().startswith("#"):
            raise SvgRefused(f"expected references only to the SVG's own elements (#id), got "
                             f"url({_short(m.group(2))}) in {where}")
    if text.lower().count("url(") != len(_URL.findall(text)):
        raise SvgRefused(f"expected references only to the SVG's own elements (#id), got a url( that "
                         f"is not one, in {where}")


def _short(value: str) -> str:
    value = " ".join(value.split())
    return repr(value if len(value) <= 80 else value[:77] + "...")


class _Expansion:
    """What the drawing holds once every <use> is replaced by a copy of its target: elements, depth
    and path data, each bounded (a <use> of a group of <use>s of ... multiplies without end)."""

    def __init__(self, ids: dict):
        self.ids = ids
        self.cost: dict[etree._Element, tuple[int, int, int]] = {}  # element -> (elements, path, height)
        self.open: list[etree._Element] = []

    def check(self, root) -> None:
        elements, path, _ = self.measure(root)
        if elements > MAX_ELEMENTS:
            raise SvgRefused(f"expected an SVG of at most {MAX_ELEMENTS:,} elements after its <use> copies, "
                             f"got {elements:,}")
        if path > MAX_PATH_DATA:
            raise SvgRefused(f"expected at most {MAX_PATH_DATA:,} characters of path data after the <use> "
                             f"copies, got {path:,}")

    def measure(self, el) -> tuple[int, int, int]:
        """(elements, characters of path data, levels) of el with its <use> targets in place."""
        hit = self.cost.get(el)
        if hit is None:
            hit = self.cost[el] = self._measure(el)
        if len(self.open) + hit[2] > MAX_DEPTH:
            raise SvgRefused(f"expected elements nested at most {MAX_DEPTH} deep (<use> targets included), "
                             f"got deeper")
        return hit

    def _measure(self, el) -> tuple[int, int, int]:
        if el in self.open:
            raise SvgRefused(f"expected <use> references that end, got one inside its own target "
                             f"({_short(el.get('id') or _name(el))})")
        if len(self.open) >= MAX_DEPTH:
            raise SvgRefused(f"expected elements nested at most {MAX_DEPTH} deep (<use> targets included), "
                             f"got deeper")
        self.open.append(el)
        elements, path, height = 1, len(el.get("d") or "") + len(el.get("points") or ""), 0
        parts = [child for child in el if isinstance(child.tag, str)]
        if _name(el) == "use":
            target = self.ids.get(_href(el).lstrip("#"))
            if target is not None:
                parts.append(target)
        for part in parts:
            e, p, h = self.measure(part)
            elements, path, height = elements + e, path + p, max(height, h)
            if elements > MAX_ELEMENTS or path > MAX_PATH_DATA:
                break           # over already: the rest need not be counted
        self.open.pop()
        return elements, path, height + 1


def _href(el) -> str:
    for key, value in el.attrib.items():
        if etree.QName(key).localname == "href":
            return value.strip()
    return ""


def _check_size(root) -> None:
    """A viewBox, when given, is four numbers with a positive width and height."""
    box = root.get("viewBox")
    if box is None:
        return
    numbers = _VIEWBOX_NUMBER.findall(box)
    values = [float(n) for n in numbers] if len(numbers) == 4 else []
    if len(values) != 4 or not all(math.isfinite(v) for v in values) or values[2] <= 0 or values[3] <= 0:
        raise SvgRefused(f"expected a viewBox of four numbers with a positive width and height, got {_short(box)}")
