"""The fleet view: which image content is where across places, read place by place.

Each place is opened and listed by a worker of its own, page by page; each page joins the
matrix as it arrives and the rows it changed are drawn (at once for the first rows and the
last, else at most every `REBUILD_SECONDS`), so a slow or dead place never holds up the
others. A place that failed says why in its column and on the status line. Keys act on the
cell under the cursor: the image's detail there, replicating the row's content to it,
deleting it there, copying its id.
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

from ..actions import bindings
from ..config import Settings
from ..deck import DeckNode
from ..dialogs import ConfirmDialog
from ..gallery import (
    Matrix,
    MatrixIndex,
    OpenPlace,
    Place,
    ReplicateJob,
    close_places,
    replication_status,
)
from ..gallery.matrix import Cell, Listing, Presence, Row, in_backend
from ..gallery.places import open_place, parse_place
from ..messages import FilterChanged
from ..model import ImageDeckError, ImageQuery, Invalid, describe_error
from ..widgets.command_line import FilterLine
from ..widgets.plain import plain, plain_lines
from ..widgets.presence_matrix import PresenceMatrix
from .families import FamiliesScreen
from .place_image import ImageAtPlace

#: Seconds between two rebuilds of the matrix while pages arrive.
REBUILD_SECONDS = 0.5

#: Images to take in and rows to draw few enough for the event loop (a few milliseconds).
INLINE_BUILD = 1000

#: Default listings leave hidden images out: a second pass asks for them.
QUERIES = (ImageQuery(), ImageQuery(os_hidden=True))


class FleetScreen(DeckNode, Screen[None]):
    """``FleetScreen(places)``: the presence matrix of ``places``; esc goes back."""

    BINDINGS = bindings("fleet")

    DEFAULT_CSS = """
    FleetScreen #fleet-title {
        height: 1;
        background: $panel;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    FleetScreen PresenceMatrix {
        height: 1fr;
        border: round $primary 50%;
    }
    FleetScreen PresenceMatrix:focus {
        border: round $primary;
    }
    FleetScreen #fleet-detail {
        height: 3;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 1;
        color: $text;
    }
    FleetScreen #fleet-status {
        height: auto;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        max-height: 4;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, places: Sequence[Place]) -> None:
        super().__init__()
        self.places = list(dict.fromkeys(places))
        self.opened: dict[str, OpenPlace] = {}
        self.listings: dict[str, Listing] = {p.label: Listing(p.label) for p in self.places}
        self.unread: set[str] = {p.label for p in self.places}
        #: The matrix so far: pages join it as they arrive, a place read again starts it over.
        self.index = MatrixIndex()
        self._rebuild_timer: Timer | None = None
        self._shown_rows = False
        self._building = False
        self._build_seconds = 0.0
        #: Pages arrived while the matrix was being built: build again once it is done.
        self._dirty = False

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
            self._show(self.index.update(arrived), set(self.unread))
            return
        self._building = True
        self.run_worker(self._build(arrived, set(self.unread)), group="matrix", exit_on_error=False)

    async def _build(self, arrived: list[Listing], unread: set[str]) -> None:
        start = time.perf_counter()
        try:
            built = await asyncio.to_thread(self.index.update, arrived)
        finally:
            self._building = False
            self._build_seconds = time.perf_counter() - start
        self._show(built, unread)
        if self._dirty or unread != self.unread:
            self._changed()

    def _show(self, built: Matrix, unread: set[str]) -> None:
        self._shown_rows = self._shown_rows or bool(built.rows)
        self.matrix.set_matrix(built.columns, built.rows, unread)
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
        status = self.query_one("#fleet-status", Static)
        status.update(plain_lines(*lines))

    # -- the cell under the cursor ---------------------------------------------------

    @on(PresenceMatrix.Moved)
    def _moved(self, event: PresenceMatrix.Moved) -> None:
        self.query_one("#fleet-detail", Static).update(plain_lines(*detail_lines(event.row, event.place)))

    def _cell(self) -> tuple[Row, str, Cell] | None:
        row, place = self.matrix.current_row, self.matrix.current_place
        if row is None or place is None or place not in row.cells:
            return None
        return row, place, row.cells[place]

    def _store_at(self, place: str) -> OpenPlace | None:
        handle = self.opened.get(place)
        if handle is None or handle.store is None:
            self.notify(
                f"{place} is not available: {handle.error if handle else 'still opening'}", severity="error"
            )
            return None
        return handle

    def action_open(self) -> None:
        found = self._cell()
        if found is None or not found[2].image_ids:
            self.notify("No image of this content here", timeout=3)
            return
        _, place, cell = found
        handle = self._store_at(place)
        if handle is None:
            return

        async def show() -> None:
            assert handle.store is not None
            image = await handle.store.get_image(cell.image_ids[0])
            self.app.push_screen(ImageAtPlace(place, image))

        self.run_worker(show(), group="detail", exit_on_error=False)

    def action_copy_id(self) -> None:
        found = self._cell()
        if found is None or not found[2].image_ids:
            self.notify("No image of this content here", timeout=3)
            return
        image_id = found[2].image_ids[0]
        self.app.copy_to_clipboard(image_id)
        self.notify(f"Copied id {image_id} ({found[1]})", timeout=3)

    def action_replicate(self) -> None:
        found = self._cell()
        if found is None or not self.writable("fleet.replicate"):
            return
        row, place, cell = found
        if cell.presence not in (Presence.MISSING, Presence.DEACTIVATED):
            self.notify(f"{place} already holds this content ({cell.presence})", timeout=4)
            return
        source = self._source(row)
        target = self._store_at(place)
        if source is None or target is None:
            return
        handle, image_id = source

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_replication(handle, image_id, target, row.name)

        question = (
            f"Replicate {row.name} from {handle.label} to {place}? The cheapest method that works is chosen."
        )
        self.app.push_screen(ConfirmDialog(f"Replicate to {place}", question, "Replicate"), answered)

    def _source(self, row: Row) -> tuple[OpenPlace, str] | None:
        """An open place holding an active copy of the row, and that copy's id."""
        for place, cell in row.cells.items():
            handle = self.opened.get(place)
            if cell.presence == Presence.ACTIVE and handle is not None and handle.store is not None:
                return handle, cell.image_ids[0]
        self.notify("No place holds an active copy of this content to replicate from", severity="error")
        return None

    def _start_replication(self, source: OpenPlace, image_id: str, target: OpenPlace, name: str) -> None:
        job = ReplicateJob(source, image_id, target)
        self.deck.jobs._submit(lambda: job)
        self.notify(f"Replicating {name} to {target.label}…", timeout=4)

        async def wait() -> None:
            manager = self.deck.jobs.manager
            if manager is None or job.id not in {j.id for j in manager.jobs()}:
                return  # not started: the jobs already said why
            await manager.wait(job.id)
            status = replication_status(job)
            how = f" by {job.method}" if job.method else ""
            text = f"{name} at {target.label}: {status}{how}"
            if status == "completed":
                self.notify(text, timeout=6)
            else:
                self.notify(text, severity="error", timeout=8)
            await self._read(target.place, again=True)

        self.run_worker(wait(), group="replicate", exit_on_error=False)

    def action_delete(self) -> None:
        found = self._cell()
        if found is None or not self.writable("fleet.delete"):
            return
        row, place, cell = found
        if not cell.image_ids:
            self.notify(f"{place} holds no image of this content", timeout=3)
            return
        if len(cell.image_ids) > 1:
            self.notify(
                f"{place} holds {len(cell.image_ids)} copies: delete one from that place's list", timeout=6
            )
            return
        handle = self._store_at(place)
        if handle is None:
            return
        image_id = cell.image_ids[0]

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._delete(handle, image_id, row.name), group="delete", exit_on_error=False)

        question = f"Delete {row.name} ({image_id}) from {place}? Copies in other places stay."
        self.app.push_screen(ConfirmDialog(f"Delete from {place}", question), answered)

    async def _delete(self, handle: OpenPlace, image_id: str, name: str) -> None:
        assert handle.store is not None
        try:
            await handle.store.delete_image(image_id)
        except ImageDeckError as exc:
            self.notify(describe_error(exc), title=f"Not deleted from {handle.label}", severity="error")
            return
        self.notify(f"Deleted {name} from {handle.label}", timeout=4)
        await self._read(handle.place, again=True)

    # -- filter, sort, families, back --------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(FilterLine).open()

    @on(FilterChanged)
    def _filter_changed(self, event: FilterChanged) -> None:
        self.matrix.set_filter(event.text)

    def action_cycle_sort(self) -> None:
        self.notify(f"Sorted by {self.matrix.cycle_sort()}", timeout=2)

    def action_reverse_sort(self) -> None:
        self.notify("Reversed" if self.matrix.reverse_sort() else "Ascending", timeout=2)

    def action_reload(self) -> None:
        for place in self.places:
            self.run_worker(self._read(place, again=True), group="places", exit_on_error=False)
        self.notify("Refreshing…", timeout=2)

    def action_families(self) -> None:
        handles = [self.opened.get(p.label, OpenPlace(p, error="still opening")) for p in self.places]
        self.app.push_screen(FamiliesScreen(handles, list(self.listings.values())))

    def action_back(self) -> None:
        if self.matrix.filter_text:
            self.query_one(FilterLine).action_clear()
            return
        self.dismiss(None)


def fleet_places(words: Sequence[str], settings: Settings) -> list[Place]:
    """The places ``:fleet`` names, else the config's ``fleet`` list; Invalid when neither names any."""
    chosen = list(words) or settings.fleet
    if not chosen:
        raise Invalid("name the places: :fleet PLACE … (or a fleet: list in the config file)")
    return [parse_place(word) for word in chosen]


def detail_lines(row: Row | None, place: str | None) -> list[str]:
    """The row under the cursor: its content key, the ids at the place, and its drift."""
    if row is None or place is None:
        return ["no content here yet"]
    basis = "a guess by name and size" if row.guessed else row.basis
    cell = row.cells.get(place)
    ids = ", ".join(cell.image_ids) if cell and cell.image_ids else "none"
    lines = [f"{row.name} · {row.key} ({basis})", f"at {place}: {cell.presence if cell else '?'} · id {ids}"]
    drift = [f"metadata differs: {', '.join(row.metadata_drift)}"] if row.metadata_drift else []
    drift += row.name_drift
    lines.append("; ".join(drift) if drift else "no drift")
    return lines


__all__ = ["FleetScreen", "detail_lines", "fleet_places"]
