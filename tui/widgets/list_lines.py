"""How one line of the image list is drawn: the mark cell, then each column escaped and cut.

Pure functions of the cells and styles, so the hottest drawing code holds no widget state.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ..model import cell_width, fit, pad, visible
from .columns import Column

#: Image statuses that have a colour of their own in a theme (``status-pending-delete``, …).
STATUS_COLOURS = (
    "active",
    "queued",
    "saving",
    "uploading",
    "importing",
    "pending-delete",
    "deactivated",
    "killed",
    "deleted",
)


def status_styles(variables: Mapping[str, str]) -> dict[str, Style]:
    """The style of each status, by the status as Glance spells it, from a theme's variables."""
    styles = {}
    for name in STATUS_COLOURS:
        colour = variables.get(f"status-{name}")
        styles[name.replace("-", "_")] = Style(color=colour) if colour else Style()
    return styles


def row_strip(
    cells: list[tuple[str, Style, Column]],
    columns: list[tuple[Column, int]],
    width: int,
    fill: Style,
    first: str = " ",
) -> Strip:
    """One line: ``first`` (the mark cell) then each cell, escaped and cut to its column's width."""
    segments = [Segment(first, fill)]
    for (text, style, column), (_, size) in zip(cells, columns, strict=True):
        # Names, owners and tags come from other projects: escaped, then cut in terminal cells.
        shown = visible(text)
        if column.right:
            shown = fit(shown, size)
            shown = " " * (size - cell_width(shown)) + shown
        else:
            shown = pad(shown, size)
        segments.append(Segment(shown, style))
        segments.append(Segment(" ", fill))
    return Strip(segments).adjust_cell_length(width, fill)
