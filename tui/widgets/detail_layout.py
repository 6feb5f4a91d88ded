"""The detail pane's fields laid out at a width, each value kept in one piece.

Ids, hashes, timestamps and member ids are read, compared and copied as whole tokens: a
token broken across two lines reads as two values. So a value never wraps inside a
word: it sits beside its label when it fits, or goes on its own indented lines below,
broken only at spaces; a word too long even for a line of its own is shortened in the
middle (``1a2b3c4d…9e8f7a6b``), keeping both ends a person compares. Labels are capped
and cut with ``…``, so a 32-character member id cannot squeeze every value into a thin
column; `y` copies what a cut hides. Rich is used
only to draw; the layout itself is plain strings, testable without an app.

A layout and its drawn lines are kept per fields, width and cursor for the last few
images: a screen pass measures and draws the pane several times for one key, and a key
that comes back to an image, or moves the field cursor, lays out nothing again.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

from ..model import cell_width, fit, visible
from ..model.safe_text import ELLIPSIS

#: Cells of the label column at most: longer labels (member ids, property names) are shortened.
LABEL_CELLS = 16
#: Cells of one value shown at most: a property of 64 KiB would otherwise fill pages of the pane.
MAX_VALUE_CELLS = 2000
#: Indent of a value on the lines below its label; less for a token that fits whole only without it.
INDENT = 2
#: Narrowest a hash is shown beside its label; below that it goes on a line of its own.
MIN_HASH_CELLS = 12
#: Layouts (and drawn bodies) kept: a few images, at the widths and cursors they were drawn.
CACHED = 64


class Kind(Enum):
    """How a field is laid out, and whether the cursor stops on it."""

    TEXT = "text"  # beside the label, or below it broken at spaces
    HASH = "hash"  # one token, shortened to fit beside its label
    SECTION = "section"  # a heading
    NOTE = "note"  # a remark in the value column ("none"), not a value to copy


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled value; ``copy`` is what `y` copies when it is not the shown value."""

    label: str
    value: str
    kind: Kind = Kind.TEXT
    copy: str | None = None

    @property
    def selectable(self) -> bool:
        return self.kind in (Kind.TEXT, Kind.HASH)

    @property
    def full_value(self) -> str:
        return self.value if self.copy is None else self.copy


@dataclass(frozen=True, slots=True)
class Line:
    """One drawn line: the field it belongs to (None for headings) and its label and value parts."""

    field: int | None
    label: str
    value: str = ""
    gap: int = 0
    heading: bool = False

    @property
    def text(self) -> str:
        return self.label + " " * self.gap + self.value


def _head(text: str, cells: int) -> str:
    kept, used = [], 0
    for char in text:
        used += cell_width(char)
        if used > cells:
            break
        kept.append(char)
    return "".join(kept)


def shorten(token: str, width: int) -> str:
    """``token`` in at most ``width`` cells: its start and end around ``…`` when it is longer."""
    if cell_width(token) <= width:
        return token
    if width < 3:
        return fit(token, width)
    room = width - cell_width(ELLIPSIS)
    tail = _head(token[::-1], room // 2)[::-1]
    return _head(token, room - cell_width(tail)) + ELLIPSIS + tail


def wrap_words(text: str, width: int, longest: int | None = None) -> list[str]:
    """``text`` broken at spaces into lines of ``width`` cells; a word longer than ``longest``
    (``width`` unless given) is shortened, one between the two gets a line of its own."""
    lines: list[str] = []
    current = ""
    longest = max(longest or width, width)
    for word in (
        word if cell_width(word) <= longest else shorten(word, width) for word in text.split(" ") if word
    ):
        if not current:
            current = word
        elif cell_width(current) + 1 + cell_width(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines or [""]


def label_width(fields: Iterable[Field], width: int) -> int:
    """The label column: as wide as the longest label, capped, and never most of the pane."""
    longest = max((cell_width(visible(f.label)) for f in fields if f.kind is not Kind.SECTION), default=0)
    return max(1, min(longest, LABEL_CELLS, width // 2))


def layout(fields: Sequence[Field], width: int) -> list[Line]:
    """Every field drawn into lines of at most ``width`` cells, no token split between lines."""
    width = max(width, 4)
    labels = label_width(fields, width)
    room = width - labels - 1
    lines: list[Line] = []
    for index, field in enumerate(fields):
        if field.kind is Kind.SECTION:
            lines.append(Line(None, fit(visible(field.label), width), heading=True))
            continue
        label = fit(visible(field.label), labels)
        label += " " * (labels - cell_width(label))
        value = fit(visible(field.value), MAX_VALUE_CELLS) if field.value else "-"
        if field.kind is Kind.HASH and room >= MIN_HASH_CELLS:
            lines.append(Line(index, label, shorten(value, room), 1))
        elif cell_width(value) <= room:
            lines.append(Line(index, label, value, 1))
        elif field.kind is Kind.NOTE:
            lines.extend(Line(index, "", part, labels + 1) for part in wrap_words(value, room))
        else:
            lines.append(Line(index, label))
            parts = wrap_words(value, width - INDENT, longest=width)
            lines.extend(Line(index, "", part, min(INDENT, width - cell_width(part))) for part in parts)
    return lines


@functools.lru_cache(maxsize=CACHED)
def cached_layout(fields: tuple[Field, ...], width: int) -> tuple[Line, ...]:
    """`layout` of ``fields`` at ``width``, computed once while it is among the last few asked for."""
    return tuple(layout(fields, width))


def field_lines(lines: Sequence[Line], index: int) -> tuple[int, int]:
    """The first and last line of field ``index`` (``(0, 0)`` when it draws none)."""
    rows = [row for row, line in enumerate(lines) if line.field == index]
    return (rows[0], rows[-1]) if rows else (0, 0)


_LABEL = Style(bold=True)
_HEADING = Style(bold=True, underline=True)
_CURSOR = Style(reverse=True)


class DetailBody:
    """The fields as a Rich renderable laid out at whatever width it is drawn, with the cursor's
    label reversed while the pane has focus (``cursor`` None otherwise)."""

    def __init__(self, fields: Sequence[Field], cursor: int | None = None) -> None:
        self.fields = tuple(fields)
        self.cursor = cursor

    def lines(self, width: int) -> tuple[Line, ...]:
        return cached_layout(self.fields, max(width, 4))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return _drawn(self.fields, max(options.max_width, 4), self.cursor)


@functools.lru_cache(maxsize=CACHED)
def _drawn(fields: tuple[Field, ...], width: int, cursor: int | None) -> tuple[Segment, ...]:
    """The segments of every line (each fits ``width`` already: nothing to wrap or crop)."""
    segments: list[Segment] = []
    for line in cached_layout(fields, width):
        if line.heading:
            segments.append(Segment(line.label, _HEADING))
        else:
            on_cursor = line.field is not None and line.field == cursor
            segments.append(Segment(line.label, _LABEL + _CURSOR if on_cursor else _LABEL))
            segments.append(Segment(" " * line.gap + line.value))
        segments.append(Segment.line())
    return tuple(segments)
