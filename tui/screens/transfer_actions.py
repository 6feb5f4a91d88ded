"""The transfers dock of the main screen: showing it, following progress, cancel and retry."""

from __future__ import annotations

from textual import on

from ..transfers.events import TransferProgress, TransferState
from ..widgets.transfers_pane import TransfersPane
from .main_state import MainState


class TransferActions(MainState):
    """The dock appears when a transfer starts; ``t`` shows or hides it."""

    def action_toggle_transfers(self) -> None:
        pane = self.transfers_pane
        pane.display = not pane.display
        if pane.display:
            self.focus_pane(pane)
        elif self.focused is None or pane in (self.focused, *self.focused.ancestors):
            self.focus_pane(self.image_list)

    def show_transfers(self) -> None:
        """Called when a transfer starts: the dock appears without taking focus."""
        self.transfers_pane.display = True

    def transfer_progress(self, progress: TransferProgress) -> None:
        """A transfer event: update its row; an image made in this store shows up in the list.

        Files and other stores (downloads, conversions to a file, copies) leave the list
        alone, so finishing one does not cost a new listing of a large cloud.
        """
        self.transfers_pane.update(progress)
        into_store = progress.destination.startswith(f"{self.deck.store.label}: ")
        if into_store:  # a queued image on screen is polled while this session fills it
            self.image_list.update_poll()
        if progress.state == TransferState.DONE and into_store:
            self.load_images(keep_rows=True)
        elif progress.state == TransferState.FAILED:
            self.notify(progress.message or "transfer failed", title="Transfer failed", severity="error")

    @on(TransfersPane.CancelRequested)
    def _cancel_requested(self, event: TransfersPane.CancelRequested) -> None:
        self.deck.jobs.cancel(event.job_id)

    @on(TransfersPane.RetryRequested)
    def _retry_requested(self, event: TransfersPane.RetryRequested) -> None:
        self.deck.jobs.retry(event.job_id)
