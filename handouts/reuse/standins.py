"""The stand-in colours a batch's shared drawings are styled in (replay.py): each page swaps them for
the clinic's colours as it is closed. Anything else drawn on a page must not use one of them itself,
or it would be swapped too (svglogo.py moves a logo's colour off them)."""
from __future__ import annotations

FIELDS = ("text", "heading", "accent", "rule", "table_fill")
BOXES = ("info", "warning", "red_flag")
# dark, unusual, all different; a theme that uses one of them itself is drawn as it is
STANDINS = [f"#{0x0B + i:02X}{0x2F - i:02X}{0x51 + 3 * i:02X}" for i in range(len(FIELDS) + 3 * len(BOXES))]
