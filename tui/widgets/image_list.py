"""The image list: a virtual list that renders only the rows on screen.

A `DataTable` measures every cell up front and freezes for seconds on 50,000 images,
so this pane keeps plain `Image` records in an `ImageRows` model (filter, sort, index)
and only draws the visible lines, through Textual's Line API (`ScrollView.render_line`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from ..actions import bindings
from ..model import SORT_KEYS, Image
from .columns import Column, choose_columns
from .image_rows import ImageRows
from .list_lines import row_strip, status_styles
from .list_marks import MARK_GLYPH, MarkKeys, Marks
from .list_polling import PollingList
from .pane_titles import field_label, list_title


class ImageList(MarkKeys, PollingList, can_focus=True):
    """Every loaded image, one line each; only the lines on screen are ever rendered."""

    BINDINGS = bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "image-list--header",
        "image-list--cursor",
        "image-list--dim",
        "image-list--marked",
    }

    DEFAULT_CSS = """
    ImageList {
        background: $surface;
        overflow-x: hidden;
    }
    ImageList > .image-list--header {
        text-style: bold;
        color: $text-muted;
    }
    ImageList > .image-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    ImageList:blur > .image-list--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    ImageList > .image-list--dim {
        color: $text-muted;
    }
    ImageList > .image-list--marked {
        background: $accent 30%;
        text-style: bold;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    wide: reactive[bool] = reactive(False)

    class Highlighted(Message):
        """The cursor rests on another image (or on none when the list is empty)."""

        def __init__(self, image: Image | None) -> None:
            super().__init__()
            self.image = image

    class Opened(Message):
        """`enter` on an image: show its detail."""

        def __init__(self, image: Image) -> None:
            super().__init__()
            self.image = image

    class FilterRequested(Message):
        """`/` pressed: the screen opens the filter input."""

    class SortChanged(Message):
        """The sort order changed; the screen reloads from the store when not all is loaded."""

        def __init__(self, key: str, direction: str) -> None:
            super().__init__()
            self.key = key
            self.direction = direction

    def __init__(self, *, clock: Callable[[], datetime] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.me: str | None = None
        self.rows = ImageRows()
        self._loading_more = False
        self._query_note = ""
        self._title = ""
        self.marks = Marks()
        self._styles: dict[str, Style] = {}
        self._base: Style | None = None
        #: The image last announced, as it was: any change to it announces it again.
        self._last_highlight: Image | None = None
        self._columns: tuple[tuple[int, bool], list[tuple[Column, int]]] | None = None

    # -- data ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    @property
    def loading_more(self) -> bool:
        """Pages are still arriving: the title says so, and an empty list says "loading…"."""
        return self._loading_more

    @loading_more.setter
    def loading_more(self, value: bool) -> None:
        self._loading_more = value
        self._retitle()

    @property
    def query_note(self) -> str:
        """The server-side filter in words (``status=active``); empty when there is none."""
        return self._query_note

    @query_note.setter
    def query_note(self, value: str) -> None:
        self._query_note = value
        self._retitle()

    def _retitle(self) -> None:
        """The frame's title: counts, filters, sort and loading (plain text, never markup)."""
        title = list_title(
            len(self.rows),
            len(self.rows.images),
            filter_text=self.filter_text,
            query_note=self.query_note,
            sort=(self.sort_key, self.sort_direction),
            loading=self.loading_more,
        )
        if marked := self.rows.count_loaded(self.marks.ids):
            title += f" · {marked:,} marked" + (" · range, V ends" if self.marks.ranging else "")
        if title != self._title:
            self._title = title
            self.border_title = Content(title)

    @property
    def owner_names(self) -> Mapping[str, str]:
        """Project names by id, where the store tells them; owners without one show as ids."""
        return self.rows.owner_names

    def set_owner_names(self, names: Mapping[str, str]) -> None:
        """Owners read as names from now on, and `/` finds them by name."""
        if names == self.rows.owner_names:
            return
        keep = self._keep()
        self.rows.set_owner_names(names)
        self._place_cursor(keep)

    @property
    def images(self) -> list[Image]:
        """Every loaded image in display order (before filtering)."""
        return self.rows.images

    @property
    def shown(self) -> list[Image]:
        """The images that pass the filter, in display order."""
        return self.rows.shown()

    @property
    def filter_text(self) -> str:
        return self.rows.filter_text

    @property
    def sort_key(self) -> str:
        return self.rows.sort_key

    @property
    def sort_direction(self) -> str:
        return self.rows.sort_direction

    @property
    def current(self) -> Image | None:
        return self.rows.at(self.cursor)

    @property
    def marked(self) -> list[Image]:
        """The marked images that are loaded, in display order, shown or filtered out."""
        return self.rows.loaded(self.marks.ids)

    def _keep(self) -> str | None:
        """The id under the cursor, to put the cursor back on after the rows change."""
        image = self.current
        return image.id if image else None

    def set_images(self, images: Iterable[Image]) -> None:
        """Replace every row (a new listing); the cursor stays on the same image if it is still there."""
        keep = self._keep()
        self.rows.replace(images)
        self._place_cursor(keep)

    def append_images(self, images: Iterable[Image]) -> None:
        """Add a page that streamed in; filtering applies to it, the cursor does not move."""
        self.rows.append(images)
        self._changed()

    def update_images(self, images: Iterable[Image]) -> None:
        """Replace rows by id (refresh, poll); unknown ids are ignored, unchanged rows cost nothing."""
        if self.rows.update(images):
            self._stop_poll()  # something changed: look again soon
            self._changed(highlight=True)

    def set_marks(self, image_ids: Iterable[str]) -> None:
        """Only these images marked (after a bulk action: the ones it skipped or failed on)."""
        self.marks.replace(image_ids)
        self._changed()

    def remove_image(self, image_id: str) -> None:
        keep = self._keep()
        self.rows.remove(image_id)
        self.marks.discard(image_id)
        self._place_cursor(keep)

    def set_filter(self, text: str) -> None:
        """Show only rows whose haystack contains ``text`` (case-insensitive)."""
        keep = self._keep()
        self.rows.set_filter(text)
        self._place_cursor(keep)

    def set_sort(self, key: str, direction: str) -> None:
        """Stable client-side re-sort of the loaded rows."""
        keep = self._keep()
        self.rows.sort(key, direction)
        self._place_cursor(keep)

    def _place_cursor(self, keep: str | None) -> None:
        """After the rows changed: the cursor back on ``keep`` if shown, and every line redrawn."""
        row = self.rows.row_of(keep) if keep is not None else None
        self.set_reactive(ImageList.cursor, self.validate_cursor(row or 0))
        self._scroll_to_cursor()
        self._changed()

    @property
    def page_rows(self) -> int:
        """Image rows on screen: the content region without the header line and scrollbars.

        ``size`` counts the scrollbar's cells too, so the last row it allows for can sit
        under the scrollbar.
        """
        return max(0, self.scrollable_content_region.height - 1)

    def _changed(self, highlight: bool = False, rows: tuple[int, ...] | None = None) -> None:
        """Redraw after a change: every line, or only the lines of ``rows`` (a cursor move)."""
        # Rows are cut to the width they get, so there is never anything to scroll sideways.
        self.virtual_size = Size(0, len(self.rows) + 1)
        self._retitle()
        if highlight:
            self._last_highlight = None
        self._announce()
        if rows is None:
            self.refresh()
        else:
            top = round(self.scroll_offset.y)
            width = self.scrollable_content_region.width
            for row in rows:
                self.refresh(Region(0, row - top + 1, width, 1))  # + 1: the header line
        self.update_poll()

    def _announce(self) -> None:
        image = self.current
        if image != self._last_highlight:
            self._last_highlight = image
            self.post_message(self.Highlighted(image))

    # -- cursor and scrolling ------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        """A move within the page redraws two lines; a move that scrolls redraws them all.

        While a range is marked the move extends it, and every line may change.
        """
        top = round(self.scroll_offset.y)
        self._scroll_to_cursor()
        ranging = self._extend_range()
        self._changed(rows=(old, new) if round(self.scroll_offset.y) == top and not ranging else None)

    def watch_wide(self) -> None:
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        """Scroll just enough for the cursor row to be on screen."""
        rows = max(1, self.page_rows)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.update_poll()

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self.rows) + 1)
        self._scroll_to_cursor()
        self.update_poll()

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_top(self) -> None:
        self.cursor = 0

    def action_bottom(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.page_rows - 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def action_cycle_sort(self) -> None:
        keys = list(SORT_KEYS)
        key = keys[(keys.index(self.sort_key) + 1) % len(keys)] if self.sort_key in keys else keys[0]
        self.set_sort(key, "asc")
        self.post_message(self.SortChanged(key, "asc"))
        self.notify(f"Sorted by {field_label(key)} ascending", timeout=2)

    def action_reverse_sort(self) -> None:
        direction = "asc" if self.sort_direction == "desc" else "desc"
        self.set_sort(self.sort_key, direction)
        self.post_message(self.SortChanged(self.sort_key, direction))
        word = "descending" if direction == "desc" else "ascending"
        self.notify(f"Sorted by {field_label(self.sort_key)} {word}", timeout=2)

    def action_toggle_columns(self) -> None:
        """``w``: more columns, or fewer; says which, or that none more fits this width."""
        width = self.scrollable_content_region.width
        before = {column.key for column, _ in self.columns(width)}
        self.wide = not self.wide
        after = [column for column, _ in self.columns(width)]
        if not self.wide:
            self.notify("Fewer columns", timeout=2)
        elif added := [column.title for column in after if column.key not in before]:
            self.notify(f"More columns: {', '.join(added)}", timeout=2)
        else:
            self.notify("No more columns fit this width; widen the terminal", severity="warning", timeout=3)

    def select_id(self, image_id: str) -> bool:
        """Move the cursor to an image by id, if it is shown."""
        row = self.rows.row_of(image_id)
        if row is None:
            return False
        self.cursor = row
        return True

    # -- mouse ---------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row; a double click opens it, like enter."""
        region = self.scrollable_content_region
        line = event.screen_y - region.y
        if not region.contains(event.screen_x, event.screen_y) or line < 1:  # 0: the header line
            return
        row = round(self.scroll_offset.y) + line - 1
        if self.rows.at(row) is None:
            return
        self.cursor = row
        if event.chain >= 2:
            self.action_open()

    # -- polling -------------------------------------------------------------------

    def visible_images(self) -> list[Image]:
        top = round(self.scroll_offset.y)
        rows = self.page_rows
        return self.rows.shown(top, top + rows)

    # -- rendering -----------------------------------------------------------------

    def columns(self, width: int) -> list[tuple[Column, int]]:
        """The columns that fit ``width`` and their widths; extra ones when wide or toggled.

        Asked for every line drawn, so the answer is kept until the width or ``wide`` changes.
        """
        if self._columns is None or self._columns[0] != (width, self.wide):
            self._columns = ((width, self.wide), choose_columns(width, wide=self.wide))
        return self._columns[1]

    def notify_style_update(self) -> None:
        self._styles = {}
        self._base = None
        super().notify_style_update()

    def _base_style(self) -> Style:
        """``rich_style`` walks the ancestors for their background: once per style change, not per line."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def _status_style(self, status: str) -> Style:
        if not self._styles:
            self._styles = status_styles(self.app.theme_variables)
        return self._styles.get(status, Style())

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        columns = self.columns(width)
        if y == 0:
            style = self.get_component_rich_style("image-list--header")
            return row_strip([(c.title, style, c) for c, _ in columns], columns, width, style)
        row = round(self.scroll_offset.y) + y - 1
        base = self._base_style()
        image = self.rows.at(row)
        if image is None:
            if row == 0 and not self.rows:
                text = (
                    "loading…"
                    if self.loading_more
                    else ("no image matches the filter" if self.filter_text else "no images")
                )
                dim = self.get_component_rich_style("image-list--dim")
                return Strip([Segment(" " + text, dim)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        cursor = row == self.cursor
        marked = image.id in self.marks
        line_style = base
        if cursor:
            line_style = self.get_component_rich_style("image-list--cursor")
        elif marked:
            line_style = base + self.get_component_rich_style("image-list--marked")
        cells = []
        for column, _ in columns:
            style = line_style
            if column.key == "status" and not cursor:
                style = line_style + self._status_style(image.status)
            cells.append((column.cell(image, self), style, column))
        return row_strip(cells, columns, width, line_style, MARK_GLYPH if marked else " ")
