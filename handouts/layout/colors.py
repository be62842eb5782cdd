"""Colour parsing and WCAG contrast."""
from __future__ import annotations


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


def darker_passing(colour: str, background: str, target: float = 4.5) -> str:
    """The lightest shade of `colour` (same hue, scaled toward black) that reaches `target` on `background`."""
    r, g, b = rgb(colour)
    for step in range(100, -1, -1):
        f = step / 100
        shade = to_hex((r * f, g * f, b * f))
        if contrast(shade, background) >= target:
            return shade
    return "#000000"
