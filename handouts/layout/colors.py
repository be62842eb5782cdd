"""Colour parsing, WCAG contrast, and the shade of a colour that is easy to read."""
from __future__ import annotations

import colorsys


def rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def to_hex(values: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(1, v)) * 255):02X}" for v in values)


def luminance(hex_colour: str) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_shade(colour: str, backgrounds: list[str] | set[str], target: float = 4.5) -> str:
    """The lightest shade of `colour` that reaches `target` against every one of `backgrounds`.

    Only the lightness moves (hue and saturation kept, in HLS), so the shade still looks like the
    brand. The answer depends only on the colour and the set of backgrounds, so giving it back
    passes: the next run makes the same checks against the same backgrounds."""
    h, lightness, s = colorsys.rgb_to_hls(*rgb(colour))
    for step in range(round(lightness * 1000), -1, -1):
        shade = to_hex(colorsys.hls_to_rgb(h, step / 1000, s))
        if all(contrast(shade, bg) >= target for bg in backgrounds):
            return shade
    return "#000000"
