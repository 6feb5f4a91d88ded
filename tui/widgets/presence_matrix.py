"""The presence matrix: one line per content, one cell per place, drawn only where it shows.

A fleet of three places and 5,000 images each is 5,000 lines; like the image list, the
matrix keeps plain `Row` records and draws the visible lines through Textual's Line API.
Every cell reads without colour: a glyph and a word (``● active``, ``· missing``). The two
header lines stay put while the rows scroll: place names, then each place's count, or the
start of the reason it could not be read. After Drift, a Lifecycle column badges each content
(latest, deprecated, an end-of-life date, past end of life, obsolete); a terminal too narrow
for every place at full width drops it first. A cell being replicated to reads its progress
instead of its presence until the matrix shows the copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import bindings
from ..gallery.matrix import PRESENCE_MARKS, Column, Presence, Row
from ..model import fit, pad

#: Lines above the rows: place names, then counts or failures.
HEADER_LINES = 2
CONTENT_WIDTH = 10
DRIFT_WIDTH = 5
#: Fits the longest badge, "EOL 2027-06-30".
LIFECYCLE_WIDTH = 14
#: A cell fits its longest word, "✕ deactivated"; narrower cells cut the word, never the glyph.
CELL_WIDTH = 13
MIN_NAME = 12

#: Sort orders `s` cycles through, and how each ranks a row.
SORTS: dict[str, Callable[[Row], object]] = {
    "name": lambda row: (row.name.casefold(), row.key),
    "size": lambda row: (row.size or 0, row.name.casefold()),
    "places": lambda row: (-present_count(row), row.name.casefold()),
    "drift": lambda row: (not (row.name_drift or row.metadata_drift), row.name.casefold()),
}

#: Theme colour of each presence (the glyph and word carry the meaning without it).
_COLOURS = {
    Presence.ACTIVE: "status-active",
    Presence.HIDDEN: "status-queued",
    Presence.IMPORTING: "status-importing",
    Presence.SAVING: "status-saving",
    Presence.DEACTIVATED: "status-deactivated",
    Presence.MISSING: "status-deleted",
    Presence.UNKNOWN: "status-killed",
}


def present_count(row: Row) -> int:
    """Places holding a copy of the row's content in any state."""
    return sum(cell.presence not in (Presence.MISSING, Presence.UNKNOWN) for cell in row.cells.values())


def cell_text(presence: Presence) -> str:
    return f"{PRESENCE_MARKS[presence]} {presence}"


def drift_text(row: Row) -> str:
    marks = [word for word, flag in (("name", row.name_drift), ("meta", row.metadata_drift)) if flag]
    return "n+m" if len(marks) == 2 else (marks[0] if marks else "")


def content_text(row: Row) -> str:
    """The short hash, with ``~`` for content told apart by name and size only."""
    return ("~" if row.guessed else " ") + row.key.partition(":")[2][:8]


def matches(row: Row, text: str) -> bool:
    needle = text.casefold()
    return needle in row.name.casefold() or needle in row.key.casefold()


class PresenceMatrix(ScrollView, can_focus=True):
    """Rows of a `Matrix`, filtered and sorted, with a cursor on one place's cell."""

    BINDINGS = bindings("matrix")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "presence-matrix--header",
        "presence-matrix--cursor",
        "presence-matrix--row",
        "presence-matrix--error",
    }

    DEFAULT_CSS = """
    PresenceMatrix {
        background: $surface;
        overflow-x: hidden;
    }
    PresenceMatrix > .presence-matrix--header {
        text-style: bold;
        color: $text-muted;
    }
    PresenceMatrix > .presence-matrix--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    PresenceMatrix:blur > .presence-matrix--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    PresenceMatrix > .presence-matrix--row {
        background: $boost;
    }
    PresenceMatrix > .presence-matrix--error {
        color: $text-error;
        text-style: bold;
    }
    """

    class Moved(Message):
        """The cursor is on another cell (row None: nothing to show)."""

        def __init__(self, row: Row | None, place: str | None) -> None:
            super().__init__()
            self.row = row
            self.place = place

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[Column] = []
        self.all_rows: list[Row] = []
        self.rows: list[Row] = []
        self.row_index = 0
        self.column_index = 0
        self.filter_text = ""
        self.sort_key = "name"
        self.reverse = False
        #: Places still being read: their header says so.
        self.unread: set[str] = set()
        self._colours: dict[Presence, Style] = {}
        #: Rows holding a copy at each place, for the header.
        self.counts: dict[str, int] = {}
        #: Each row's lifecycle badge by its key; rows without one are left out.
        self.badges: dict[str, str] = {}
        #: What a cell shows instead of its presence, by row key and place (a replication's progress).
        self.cell_notes: dict[tuple[str, str], str] = {}

    # -- data ----------------------------------------------------------------------

    def set_matrix(
        self,
        columns: Sequence[Column],
        rows: Sequence[Row],
        unread: set[str],
        badges: dict[str, str] | None = None,
    ) -> None:
        """New data; the cursor stays on the same content and place when they are still there."""
        row, place = self.current_row, self.current_place
        self.columns, self.all_rows, self.unread = list(columns), list(rows), set(unread)
        self.badges = badges or {}
        self.counts = {
            c.place: sum(present_count_at(r, c.place) for r in self.all_rows) for c in self.columns
        }
        self._arrange(row.key if row else None, place)

    def set_filter(self, text: str) -> None:
        row = self.current_row
        self.filter_text = text
        self._arrange(row.key if row else None, self.current_place)

    def cycle_sort(self) -> str:
        names = list(SORTS)
        self.sort_key = names[(names.index(self.sort_key) + 1) % len(names)]
        self._resort()
        return self.sort_key

    def reverse_sort(self) -> bool:
        self.reverse = not self.reverse
        self._resort()
        return self.reverse

    def _resort(self) -> None:
        row = self.current_row
        self._arrange(row.key if row else None, self.current_place)

    def _arrange(self, key: str | None, place: str | None) -> None:
        shown = (
            [r for r in self.all_rows if matches(r, self.filter_text)] if self.filter_text else self.all_rows
        )
        self.rows = sorted(shown, key=SORTS[self.sort_key], reverse=self.reverse)  # type: ignore[arg-type]
        places = [c.place for c in self.columns]
        self.column_index = (
            places.index(place) if place in places else min(self.column_index, len(places) - 1)
        )
        self.column_index = max(self.column_index, 0)
        keys = [r.key for r in self.rows]
        self.row_index = keys.index(key) if key in keys else min(self.row_index, max(len(self.rows) - 1, 0))
        self.virtual_size = Size(0, len(self.rows) + HEADER_LINES)
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Moved(self.current_row, self.current_place))

    def note_cell(self, key: str, place: str, text: str | None) -> None:
        """Show ``text`` in one cell instead of its presence; None shows the presence again."""
        if text is None:
            self.cell_notes.pop((key, place), None)
        else:
            self.cell_notes[key, place] = text
        self.refresh()

    @property
    def current_row(self) -> Row | None:
        return self.rows[self.row_index] if 0 <= self.row_index < len(self.rows) else None

    @property
    def current_place(self) -> str | None:
        if 0 <= self.column_index < len(self.columns):
            return self.columns[self.column_index].place
        return None

    def move_to(self, key: str, place: str) -> None:
        """Put the cursor on one content at one place (tests and other screens)."""
        self._arrange(key, place)

    # -- keys ----------------------------------------------------------------------

    def _move(self, row: int, column: int) -> None:
        self.row_index = max(0, min(row, len(self.rows) - 1))
        self.column_index = max(0, min(column, len(self.columns) - 1))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Moved(self.current_row, self.current_place))

    def action_cursor(self, delta: int) -> None:
        self._move(self.row_index + delta, self.column_index)

    def action_side(self, delta: int) -> None:
        self._move(self.row_index, self.column_index + delta)

    def action_page(self, direction: int) -> None:
        self._move(self.row_index + direction * max(1, self._page_rows), self.column_index)

    def action_top(self) -> None:
        self._move(0, self.column_index)

    def action_bottom(self) -> None:
        self._move(len(self.rows) - 1, self.column_index)

    @property
    def _page_rows(self) -> int:
        return self.scrollable_content_region.height - HEADER_LINES

    def _scroll_to_cursor(self) -> None:
        rows = max(1, self._page_rows)
        top = round(self.scroll_offset.y)
        if self.row_index < top:
            self.scroll_to(y=self.row_index, animate=False, immediate=True)
        elif self.row_index >= top + rows:
            self.scroll_to(y=self.row_index - rows + 1, animate=False, immediate=True)

    # -- drawing -------------------------------------------------------------------

    def widths(self, width: int) -> tuple[int, int, int]:
        """The name column's width, the lifecycle column's (0 when dropped) and each place cell's."""
        places = max(1, len(self.columns))
        life = LIFECYCLE_WIDTH + 1
        if width - CONTENT_WIDTH - DRIFT_WIDTH - 2 - life - MIN_NAME < places * (CELL_WIDTH + 1):
            life = 0  # too narrow: the places keep their width, the badges go
        fixed = CONTENT_WIDTH + DRIFT_WIDTH + 2 + life
        cell = max(3, min(CELL_WIDTH, (width - fixed - MIN_NAME) // places - 1))
        return max(MIN_NAME, width - fixed - places * (cell + 1)), max(0, life - 1), cell

    def header_cells(self, cell: int) -> tuple[list[str], list[str]]:
        """Each column's two header lines: its place, then its count, reading state or failure."""
        names, notes = [], []
        for column in self.columns:
            names.append(fit(short_place(column.place), cell))
            if column.error is not None:
                notes.append(fit(f"✕ {column.error}", cell))
            elif column.place in self.unread:
                notes.append(fit("reading…", cell))
            else:
                notes.append(fit(f"{self.counts.get(column.place, 0)} here", cell))
        return names, notes

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        name_width, life, cell = self.widths(width)
        base = self.rich_style
        if y < HEADER_LINES:
            return self._header_line(y, width, (name_width, life, cell), base)
        index = round(self.scroll_offset.y) + y - HEADER_LINES
        if index >= len(self.rows):
            if index == 0:
                text = "no content matches the filter" if self.filter_text else "no images yet"
                return Strip([Segment(" " + text, base)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        return self._row_line(
            self.rows[index], index == self.row_index, width, (name_width, life, cell), base
        )

    def _header_line(self, y: int, width: int, sizes: tuple[int, int, int], base: Style) -> Strip:
        name_width, life, cell = sizes
        style = base + self.get_component_rich_style("presence-matrix--header")
        error = base + self.get_component_rich_style("presence-matrix--error")
        names, notes = self.header_cells(cell)
        lead = (
            ("Content", "Name", "Drift") if y == 0 else ("", f"{len(self.rows)} of {len(self.all_rows)}", "")
        )
        segments = [
            Segment(pad(lead[0], CONTENT_WIDTH) + " " + pad(lead[1], name_width) + " ", style),
            Segment(pad(lead[2], DRIFT_WIDTH), style),
        ]
        if life:
            segments.append(Segment(" " + pad("Lifecycle" if y == 0 else "", life), style))
        for column, text in zip(self.columns, names if y == 0 else notes, strict=True):
            failed = y == 1 and column.error is not None
            segments.append(Segment(" " + pad(text, cell), error if failed else style))
        return Strip(segments).adjust_cell_length(width, base)

    def _row_line(
        self, row: Row, on_cursor: bool, width: int, sizes: tuple[int, int, int], base: Style
    ) -> Strip:
        name_width, life, cell = sizes
        line = base + self.get_component_rich_style("presence-matrix--row") if on_cursor else base
        cursor = base + self.get_component_rich_style("presence-matrix--cursor")
        lead = pad(content_text(row), CONTENT_WIDTH) + " " + pad(fit(row.name, name_width), name_width) + " "
        segments = [Segment(lead, line), Segment(pad(drift_text(row), DRIFT_WIDTH), line)]
        if life:
            segments.append(Segment(" " + pad(fit(self.badges.get(row.key, ""), life), life), line))
        for index, column in enumerate(self.columns):
            presence = row.cells[column.place].presence if column.place in row.cells else Presence.UNKNOWN
            note = self.cell_notes.get((row.key, column.place))
            text = pad(fit(cell_text(presence) if note is None else short_note(note, cell), cell), cell)
            chosen = index == self.column_index and on_cursor
            segments.append(Segment(" ", line))
            segments.append(Segment(text, cursor if chosen else line + self._colour(presence)))
        return Strip(segments).adjust_cell_length(width, base)

    def _colour(self, presence: Presence) -> Style:
        if not self._colours:
            variables = self.app.theme_variables
            for each, name in _COLOURS.items():
                colour = variables.get(name)
                self._colours[each] = Style(color=colour) if colour else Style()
        return self._colours.get(presence, Style())

    def notify_style_update(self) -> None:
        """A theme change recolours the cells."""
        super().notify_style_update()
        self._colours = {}


def short_note(note: str, width: int) -> str:
    """A cell's note in ``width`` cells: its middle words go first ("↻ replicating 40%" → "↻ 40%")."""
    words = note.split()
    if len(note) <= width or len(words) < 3:
        return note
    return f"{words[0]} {words[-1]}"


def short_place(label: str) -> str:
    """A column's name: a local store's directory name, a cloud place without ``cloud:``."""
    if label.startswith("local:"):
        return PurePath(label.removeprefix("local:")).name or label
    return label.removeprefix("cloud:")


def present_count_at(row: Row, place: str) -> int:
    cell = row.cells.get(place)
    return int(cell is not None and cell.presence not in (Presence.MISSING, Presence.UNKNOWN))


__all__ = [
    "CELL_WIDTH",
    "HEADER_LINES",
    "LIFECYCLE_WIDTH",
    "PresenceMatrix",
    "cell_text",
    "content_text",
    "drift_text",
    "short_place",
]
