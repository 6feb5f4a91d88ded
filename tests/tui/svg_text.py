"""The text of a Rich SVG screenshot, one string per terminal line, as a person reads it.

Snapshots and README screenshots are SVGs; a check on what they show (a token split across
lines, say) reads the same file a reviewer looks at, not a second rendering of the screen.
"""

from __future__ import annotations

import html
import re

#: One run of text on one terminal line: its left edge, its width and the line it is clipped to.
_TEXT = re.compile(
    r'<text class="[^"]*" x="(?P<x>[\d.]+)" y="[\d.]+" textLength="(?P<width>[\d.]+)" '
    r'clip-path="url\(#terminal-(?:\d+-)?line-(?P<line>\d+)\)">(?P<text>[^<]*)</text>'
)


def svg_lines(svg: str) -> list[str]:
    """Each terminal line of ``svg``; runs Rich left out (plain spaces) come back as spaces."""
    runs = [
        (int(m["line"]), float(m["x"]), float(m["width"]), html.unescape(m["text"]))
        for m in _TEXT.finditer(svg)
    ]
    cell = min((width / len(text) for _, _, width, text in runs if text), default=1.0)
    lines: dict[int, str] = {}
    for number, x, _, text in sorted(runs):
        column = round(x / cell)
        line = lines.get(number, "")
        lines[number] = line.ljust(column) + text.replace("\xa0", " ").replace("\n", "")
    return [lines.get(n, "") for n in range(max(lines, default=-1) + 1)]
