"""Reading the fleet's places into the presence matrix, page by page, and drawing it.

Each place is opened and listed by a worker of its own; each page joins the matrix as it
arrives and the rows it changed are drawn (at once for the first rows and the last, else at
most every `REBUILD_SECONDS`), so a slow or dead place never holds up the others. The keys
that act on a cell are the fleet view's own (`FleetScreen`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from ..deck import DeckNode
from ..gallery import (
    Matrix,
    MatrixIndex,
    OpenPlace,
    Place,
    ReplicateJob,
    close_places,
)
from ..gallery.matrix import Listing, Row, in_backend
from ..gallery.places import open_place
from ..gallery.row_lifecycle import RowLifecycles
from ..model import ImageDeckError, ImageQuery, describe_error
from ..widgets.command_line import FilterLine
from ..widgets.plain import plain, plain_lines
from ..widgets.presence_matrix import PresenceMatrix

#: Seconds between two rebuilds of the matrix while pages arrive.
REBUILD_SECONDS = 0.5

#: Images to take in and rows to draw few enough for the event loop (a few milliseconds).
INLINE_BUILD = 1000

#: Default listings leave hidden images out: a second pass asks for them.
QUERIES = (ImageQuery(), ImageQuery(os_hidden=True))


class FleetReading(DeckNode, Screen[None]):
    """The fleet view's places, their listings and the matrix drawn from them."""

    def __init__(self, places: Sequence[Place]) -> None:
        super().__init__()
        self.places = list(dict.fromkeys(places))
        self.opened: dict[str, OpenPlace] = {}
        self.listings: dict[str, Listing] = {p.label: Listing(p.label) for p in self.places}
        self.unread: set[str] = {p.label for p in self.places}
        #: The matrix so far: pages join it as they arrive, a place read again starts it over.
        self.index = MatrixIndex()
        self.lifecycles = RowLifecycles()
        self._rebuild_timer: Timer | None = None
        self._shown_rows = False
        self._building = False
        self._build_seconds = 0.0
        #: Pages arrived while the matrix was being built: build again once it is done.
        self._dirty = False
        #: Replications started here: their job by row key and target place.
        self.replications: dict[tuple[str, str], ReplicateJob] = {}
        #: What happened to a cell's replication, for the detail and status lines.
        self.replication_notes: dict[tuple[str, str], str] = {}
        self._progress_timer: Timer | None = None

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Fleet — {len(self.places)} places"), id="fleet-title")
        matrix = PresenceMatrix(id="matrix")
        matrix.border_title = "Content by place"
        yield matrix
        yield Static("", id="fleet-detail")
        yield Static("", id="fleet-status")
        yield FilterLine(id="fleet-filter")
        yield Footer(compact=True)

    @property
    def matrix(self) -> PresenceMatrix:
        return self.query_one(PresenceMatrix)

    def on_mount(self) -> None:
        self.query_one(FilterLine).placeholder = "filter: name or content hash"
        self.matrix.focus()
        self._changed()
        for place in self.places:
            self.run_worker(self._read(place), group="places", exit_on_error=False)

    async def on_unmount(self) -> None:
        self.workers.cancel_node(self)
        await close_places(list(self.opened.values()))

    def focus_previous_pane(self) -> None:
        self.matrix.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed in a way nobody caught still says so, in one line."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            message = describe_error(error) if error is not None else "unknown error"
            self.notify(message, title="Fleet", severity="error", timeout=8)

    # -- reading places ------------------------------------------------------------

    async def _read(self, place: Place, again: bool = False) -> None:
        """Open (once) and list one place; rows appear page by page on the first read."""
        label = place.label
        self.unread.add(label)
        handle = self.opened.get(label)
        if handle is None:
            handle = self.opened[label] = await open_place(place, self.deck.settings)
        listing = Listing(label, error=handle.error)
        if not again:
            self.listings[label] = listing
        try:
            if handle.store is not None:
                await self._list(handle, listing, progressive=not again)
        except ImageDeckError as exc:
            listing.error = describe_error(exc)
        finally:
            self.listings[label] = listing
            self.unread.discard(label)
            self._changed()

    async def _list(self, handle: OpenPlace, listing: Listing, progressive: bool) -> None:
        assert handle.store is not None
        seen: set[str] = set()
        for query in QUERIES:
            async for page in handle.store.list_images(query):
                fresh = [i for i in page if i.id not in seen and in_backend(i, handle.place.backend)]
                seen.update(i.id for i in fresh)
                listing.images.extend(fresh)
                if progressive and fresh:
                    self._changed()

    def _changed(self) -> None:
        """Pages arrived or a place is done: group them now, draw the rows spaced by what drawing cost."""
        arrived = list(self.listings.values())
        if not self._building and not self.index.stale(arrived):
            self.index.take(arrived)
        if self._building:
            self._dirty = True
        elif not self._shown_rows or not self.unread:
            self._rebuild()  # the first rows, and the last: no waiting
        elif self._rebuild_timer is None:
            delay = max(REBUILD_SECONDS, 2 * self._build_seconds)
            self._rebuild_timer = self.set_timer(delay, self._rebuild)

    def _rebuild(self) -> None:
        """Draw the matrix from what has arrived: a few hundred rows at once, thousands in a thread."""
        if self._rebuild_timer is not None:
            self._rebuild_timer.stop()
            self._rebuild_timer = None
        if self._building:
            self._dirty = True
            return
        arrived = list(self.listings.values())
        self._dirty = False
        if self.index.pending(arrived) <= INLINE_BUILD:
            self._show(*self._built(arrived), set(self.unread))
            return
        self._building = True
        self.run_worker(self._build(arrived, set(self.unread)), group="matrix", exit_on_error=False)

    async def _build(self, arrived: list[Listing], unread: set[str]) -> None:
        start = time.perf_counter()
        try:
            built, badges = await asyncio.to_thread(self._built, arrived)
        finally:
            self._building = False
            self._build_seconds = time.perf_counter() - start
        self._show(built, badges, unread)
        if self._dirty or unread != self.unread:
            self._changed()

    def _built(self, arrived: list[Listing]) -> tuple[Matrix, dict[str, str]]:
        """The matrix of what arrived, and each row's lifecycle badge."""
        built = self.index.update(arrived)
        return built, self.lifecycles.badges(built.rows, arrived, self.deck.clock().date())

    def _show(self, built: Matrix, badges: dict[str, str], unread: set[str]) -> None:
        self._shown_rows = self._shown_rows or bool(built.rows)
        self.matrix.set_matrix(built.columns, built.rows, unread, badges)
        self._show_status(unread)

    @property
    def reading(self) -> bool:
        """Whether some place is still being read or the matrix is not yet built from all of it."""
        return bool(self.unread) or self._building or self._dirty or self._rebuild_timer is not None

    def _show_status(self, unread: set[str]) -> None:
        failed = [listing for listing in self.listings.values() if listing.error is not None]
        images = sum(len(listing.images) for listing in self.listings.values())
        head = f"{len(self.matrix.all_rows)} contents, {images} images in {len(self.places)} places"
        if unread:
            head += f"; reading {len(unread)}…"
        lines = [head] + [f"{listing.place} not read: {listing.error}" for listing in failed]
        lines += [
            f"{place}: {note}" for (_, place), note in self.replication_notes.items() if "failed" in note
        ]
        status = self.query_one("#fleet-status", Static)
        status.update(plain_lines(*lines))

    # -- the cell under the cursor ---------------------------------------------------

    @on(PresenceMatrix.Moved)
    def _moved(self, event: PresenceMatrix.Moved) -> None:
        self._show_detail(event.row, event.place)

    def _show_detail(self, row: Row | None, place: str | None) -> None:
        note = self.replication_notes.get((row.key, place)) if row and place else None
        self.query_one("#fleet-detail", Static).update(plain_lines(*detail_lines(row, place, note)))


def detail_lines(row: Row | None, place: str | None, replication: str | None = None) -> list[str]:
    """The row under the cursor: its content key, the ids at the place (or its replication), and its drift."""
    if row is None or place is None:
        return ["no content here yet"]
    basis = "a guess by name and size" if row.guessed else row.basis
    cell = row.cells.get(place)
    ids = ", ".join(cell.image_ids) if cell and cell.image_ids else "none"
    state = replication or (cell.presence if cell else "?")
    lines = [f"{row.name} · {row.key} ({basis})", f"at {place}: {state} · id {ids}"]
    drift = [f"metadata differs: {', '.join(row.metadata_drift)}"] if row.metadata_drift else []
    drift += row.name_drift
    lines.append("; ".join(drift) if drift else "no drift")
    return lines


__all__ = ["FleetReading", "detail_lines"]
