"""Marks in the image list: which images a bulk action will act on.

Marks are image ids, so they survive a refresh, the `/` filter and a new sort; a mark on
an image that is not loaded (a structured filter left it out) counts for nothing until it
is loaded again. A *range* (``V``) marks every row between the
row it started on and the cursor, on top of what was marked before it started. `Marks`
holds no Textual: the list asks it and draws what it answers; `MarkKeys` are the list's
keys that change it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Protocol

from textual.actions import SkipAction

from ..model import Image
from .image_rows import ImageRows

#: The glyph in the first cell of a marked row, so a mark shows in every theme, colour or not.
MARK_GLYPH = "*"


class Marks:
    """Marked image ids, and the range being marked, if any."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.anchor: str | None = None
        self._before: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, image_id: object) -> bool:
        return image_id in self.ids

    @property
    def ranging(self) -> bool:
        """A range is being marked: moving the cursor extends it."""
        return self.anchor is not None

    def toggle(self, image_id: str) -> None:
        self.ids ^= {image_id}

    def start_range(self, image_id: str) -> None:
        """Start marking a range at ``image_id``; what is marked already stays marked."""
        self._before = frozenset(self.ids)
        self.anchor = image_id
        self.ids.add(image_id)

    def extend_range(self, image_ids: Iterable[str]) -> None:
        """The range now covers exactly ``image_ids`` (the rows from the anchor to the cursor)."""
        self.ids = set(self._before) | set(image_ids)

    def end_range(self) -> None:
        self.anchor = None
        self._before = frozenset()

    def toggle_all(self, shown: Collection[str]) -> bool:
        """Mark every shown image, or clear every mark when they all are marked already.

        True when it marked.
        """
        self.end_range()
        if shown and not set(shown) <= self.ids:
            self.ids |= set(shown)
            return True
        self.ids.clear()
        return False

    def discard(self, image_id: str) -> None:
        """An image was deleted: its mark goes with it."""
        self.ids.discard(image_id)
        if self.anchor == image_id:
            self.end_range()

    def replace(self, image_ids: Iterable[str]) -> None:
        """After a bulk action: only these stay marked (what was skipped or failed)."""
        self.end_range()
        self.ids = set(image_ids)


class _MarkingList(Protocol):
    """What `MarkKeys` needs of the list it is mixed into."""

    rows: ImageRows
    marks: Marks
    cursor: int

    @property
    def current(self) -> Image | None: ...

    def _changed(self, highlight: bool = False, rows: tuple[int, ...] | None = None) -> None: ...

    def notify(self, message: str, *, timeout: float | None = None) -> None: ...


class MarkKeys:
    """The image list's marking keys: ``space``, ``V``, ``esc`` ending a range, mark all."""

    def action_mark(self: _MarkingList) -> None:
        """``space``: mark or unmark the image under the cursor, then move down."""
        image = self.current
        if image is None:
            return
        self.marks.end_range()
        self.marks.toggle(image.id)
        self._changed(rows=(self.cursor,))
        self.cursor += 1

    def action_range_mark(self: _MarkingList) -> None:
        """``V``: start marking a range from the cursor, or end the range being marked."""
        image = self.current
        if self.marks.ranging:
            self.marks.end_range()
        elif image is not None:
            self.marks.start_range(image.id)
        self._changed()

    def action_end_range(self: _MarkingList) -> None:
        """``esc`` ends a range; otherwise esc does what it does on the screen."""
        if not self.marks.ranging:
            raise SkipAction()
        self.marks.end_range()
        self._changed()

    def action_mark_all(self: _MarkingList) -> None:
        """Mark every image shown, or clear every mark when they all are marked."""
        marked = self.marks.toggle_all(self.rows.ids())
        self._changed()
        self.notify(f"Marked {len(self.marks):,}" if marked else "Marks cleared", timeout=2)

    def _extend_range(self: _MarkingList) -> bool:
        """The range follows the cursor; a range whose first row is filtered out ends."""
        anchor = self.marks.anchor
        if anchor is None:
            return False
        start = self.rows.row_of(anchor)
        if start is None:
            self.marks.end_range()
            return True
        low, high = sorted((start, self.cursor))
        self.marks.extend_range(self.rows.ids(low, high + 1))
        return True
