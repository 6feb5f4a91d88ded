"""The fleet view: which image content is where across places, and keys that act on a cell.

Reading the places into the matrix is `FleetReading`'s; here the keys act on the cell under
the cursor: the image's detail there, replicating the row's content to it, deleting it there,
copying its id. A cell being replicated to reads the job's progress, then the copy's presence,
or why it failed.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on

from ..actions import bindings
from ..config import Settings
from ..dialogs import ConfirmDialog
from ..gallery import (
    OpenPlace,
    Place,
    ReplicateJob,
    replication_status,
)
from ..gallery.matrix import Cell, Presence, Row
from ..gallery.places import parse_place
from ..messages import FilterChanged
from ..model import ImageDeckError, Invalid, describe_error
from ..transfers.events import TransferProgress, TransferState
from ..widgets.command_line import FilterLine
from .families import FamiliesScreen
from .fleet_reading import FleetReading, detail_lines
from .place_image import ImageAtPlace

#: Seconds between two looks at the replications running from this view.
PROGRESS_SECONDS = 0.25


class FleetScreen(FleetReading):
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


__all__ = ["FleetScreen", "detail_lines", "fleet_places", "progress_text"]
