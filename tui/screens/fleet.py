"""The fleet view: which image content is where across places, read place by place.

Each place is opened and listed by a worker of its own, page by page; each page joins the
matrix as it arrives and the rows it changed are drawn (at once for the first rows and the
last, else at most every `REBUILD_SECONDS`), so a slow or dead place never holds up the
others. A place that failed says why in its column and on the status line. Keys act on the
cell under the cursor: the image's detail there, replicating the row's content to it,
deleting it there, copying its id. Each row carries its lifecycle badge; a cell being
replicated to reads the job's progress, then the copy's presence, or why it failed.
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
from ..gallery.row_lifecycle import RowLifecycles
from ..messages import FilterChanged
from ..model import ImageDeckError, ImageQuery, Invalid, describe_error
from ..transfers.events import TransferProgress, TransferState
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

#: Seconds between two looks at the replications running from this view.
PROGRESS_SECONDS = 0.25


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
                self._start_replication(handle, image_id, target, row)

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

    def _start_replication(self, source: OpenPlace, image_id: str, target: OpenPlace, row: Row) -> None:
        job = ReplicateJob(source, image_id, target)
        self.deck.jobs.start(job)
        manager = self.deck.jobs.manager
        if manager is None or job.id not in {j.id for j in manager.jobs()}:
            return  # not started: the jobs already said why
        cell = (row.key, target.label)
        self.replications[cell] = job
        self.replication_notes.pop(cell, None)
        self._show_progress()
        if self._progress_timer is None:
            self._progress_timer = self.set_interval(PROGRESS_SECONDS, self._show_progress)
        self.notify(f"Replicating {row.name} to {target.label}…", timeout=4)
        self.run_worker(self._finish_replication(job, row, target), group="replicate", exit_on_error=False)

    def _show_progress(self) -> None:
        """Each running replication's cell reads its job's progress."""
        for (key, place), job in self.replications.items():
            progress = job.snapshot()
            if not progress.finished:
                self.matrix.note_cell(key, place, progress_text(progress))
                self.replication_notes[key, place] = progress_text(progress).removeprefix("↻ ")
        self._show_detail(self.matrix.current_row, self.matrix.current_place)

    async def _finish_replication(self, job: ReplicateJob, row: Row, target: OpenPlace) -> None:
        """Say how it ended, then read the target again so the cell shows the copy (or still says why not)."""
        manager = self.deck.jobs.manager
        assert manager is not None
        cell = (row.key, target.label)
        try:
            await manager.wait(job.id)
        finally:
            self.replications.pop(cell, None)
            if not self.replications and self._progress_timer is not None:
                self._progress_timer.stop()
                self._progress_timer = None
        status = replication_status(job)
        how = f" by {job.method}" if job.method else ""
        text = f"{row.name} at {target.label}: {status}{how}"
        if job.state == TransferState.DONE:
            self.replication_notes.pop(cell, None)
            self.matrix.note_cell(*cell, progress_text(job.snapshot()))
            self.notify(text, timeout=6)
        else:
            self.replication_notes[cell] = f"replication {status}"
            self.matrix.note_cell(*cell, "✕ failed")
            self.notify(text, severity="error", timeout=8)
        self._show_detail(self.matrix.current_row, self.matrix.current_place)
        await self._read(target.place, again=True)
        if job.state == TransferState.DONE:
            self.matrix.note_cell(*cell, None)  # the cell shows the copy as the place lists it

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
        for cell in [cell for cell in self.replication_notes if cell not in self.replications]:
            del self.replication_notes[cell]  # a failure is told once; the places are read anew
            self.matrix.note_cell(*cell, None)
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


def progress_text(progress: TransferProgress) -> str:
    """A replication's cell: queued, replicating with its share done, or the active copy."""
    if progress.state == TransferState.QUEUED:
        return "↻ queued"
    if progress.state == TransferState.DONE:
        return "● active"
    if progress.state.finished:
        return "✕ failed"
    fraction = progress.fraction
    return "↻ replicating" if fraction is None else f"↻ replicating {fraction:.0%}"


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


__all__ = ["FleetScreen", "detail_lines", "fleet_places"]
