"""One row per transfer job: what moves where, a progress bar, bytes, rate, ETA, state.

The pane holds no clock and computes nothing from time: every figure (rate, ETA)
comes in the transfers engine's progress event, so what it shows is exactly what the
engine reported and snapshots stay deterministic. Cancel and retry are requests the
pane posts upward; the app routes them to the transfer manager.
"""

from __future__ import annotations

from humanize import naturalsize
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from ..actions import bindings
from ..transfers import TransferProgress, TransferState
from .plain import plain

#: States a job can still be cancelled in, and states it can be retried from.
CANCELLABLE = frozenset({TransferState.QUEUED, TransferState.RUNNING, TransferState.VERIFYING})
RETRYABLE = frozenset({TransferState.FAILED, TransferState.CANCELLED})


def short_place(place: str | None) -> str:
    """The last part of a path or URL, or a store reference as it is."""
    text = place if place is not None else "?"
    if "/" in text and not text.endswith("/"):
        return text.rstrip("/").rpartition("/")[2]
    return text


def format_eta(seconds: float | None) -> str:
    """``ETA m:ss`` (or ``h:mm:ss``); blank when unknown."""
    if seconds is None or seconds < 0:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"ETA {hours}:{minutes:02}:{secs:02}" if hours else f"ETA {minutes}:{secs:02}"


def format_bytes(done: int, total: int | None) -> str:
    done_text = naturalsize(done, binary=True)
    return done_text if total is None else f"{done_text} / {naturalsize(total, binary=True)}"


class TransferRow(Vertical):
    """The widgets of one job; `show` refreshes them from an event."""

    def __init__(self, progress: TransferProgress, *, id: str) -> None:
        super().__init__(id=id, classes="transfer")
        self.progress = progress
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="transfer-head"):
            yield Static(classes="transfer-label")
            yield Static(classes="transfer-state")
        with Horizontal(classes="transfer-body"):
            yield ProgressBar(show_eta=False, classes="transfer-bar")
            yield Static(classes="transfer-figures")
        yield Static(classes="transfer-message")

    def on_mount(self) -> None:
        self.show(self.progress)

    def show(self, progress: TransferProgress) -> None:
        self.progress = progress
        if not self.query(".transfer-label"):
            return  # still mounting: on_mount shows the newest event
        state = str(progress.state)
        label = f"{progress.kind}  {short_place(progress.source)} → {short_place(progress.destination)}"
        # One line each, as wide as the row: new text never moves anything else.
        self._put(".transfer-label", label, layout=False)
        self._put(".transfer-state", state, layout=True)
        for known in ("queued", "running", "verifying", "done", "failed", "cancelled"):
            self.set_class(state == known, f"-{known}")
        bar = self.query_one(ProgressBar)
        total = progress.total
        if total is None and state == "done":
            total = progress.done  # finished without a known size: show it full
        bar.display = total is not None  # an unknown total is not animated, only counted
        if total is not None:
            bar.update(total=max(total, 1), progress=min(progress.done, total) if total else 1)
        figures = [format_bytes(progress.done, progress.total)]
        if state == "running":
            if progress.rate:
                figures.append(f"{naturalsize(progress.rate, binary=True)}/s")
            figures.append(format_eta(progress.eta))
        self._put(".transfer-figures", "  ".join(f for f in figures if f), layout=False)
        self._put(".transfer-message", progress.message or "", layout=True)
        self.query_one(".transfer-message").display = bool(progress.message)

    def _put(self, selector: str, text: str, *, layout: bool) -> None:
        """Update one text only when it changed: progress events come several times a
        second per job, and a layout pass over the whole screen for each would stall keys."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            # places and messages carry image and file names: plain text, never markup
            self.query_one(selector, Static).update(plain(text), layout=layout)


class TransfersPane(VerticalScroll, can_focus=True):
    """Every transfer job, newest last; ``j``/``k`` select, ``x`` cancels, ``R`` retries."""

    BINDINGS = bindings("transfers")

    DEFAULT_CSS = """
    TransfersPane {
        height: auto;
        max-height: 12;
        border-top: solid $panel;
    }
    TransfersPane #transfers-empty {
        color: $text-muted;
    }
    TransfersPane .transfer {
        height: auto;
        padding: 0 1;
    }
    TransfersPane .transfer.-selected {
        background: $boost;
    }
    TransfersPane:focus .transfer.-selected {
        background: $primary 25%;
    }
    TransfersPane .transfer-head, TransfersPane .transfer-body {
        height: 1;
    }
    TransfersPane .transfer-label {
        width: 1fr;
        text-overflow: ellipsis;
        text-wrap: nowrap;
    }
    TransfersPane .transfer-state {
        width: auto;
        text-style: bold;
    }
    TransfersPane .-running .transfer-state, TransfersPane .-verifying .transfer-state {
        color: $transfer-running;
    }
    TransfersPane .-done .transfer-state {
        color: $transfer-done;
    }
    TransfersPane .-failed .transfer-state {
        color: $transfer-failed;
    }
    TransfersPane .-cancelled .transfer-state, TransfersPane .-queued .transfer-state {
        color: $text-muted;
    }
    TransfersPane .transfer-bar {
        width: auto;
    }
    TransfersPane .transfer-bar Bar {
        width: 20;
    }
    TransfersPane .transfer-figures {
        width: 1fr;
        padding-left: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TransfersPane .transfer-message {
        height: auto;
        color: $text-muted;
    }
    TransfersPane .-failed .transfer-message {
        color: $text-error;
    }
    """

    class CancelRequested(Message):
        """The person asked to cancel a job."""

        def __init__(self, job_id: str) -> None:
            super().__init__()
            self.job_id = job_id

    class RetryRequested(Message):
        """The person asked to retry a failed or cancelled job."""

        def __init__(self, job_id: str) -> None:
            super().__init__()
            self.job_id = job_id

    selected: reactive[int] = reactive(0, init=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: dict[str, TransferRow] = {}

    def compose(self) -> ComposeResult:
        yield Static("no transfers", id="transfers-empty")

    @property
    def job_ids(self) -> list[str]:
        """Job ids in display order."""
        return list(self._rows)

    def row(self, job_id: str) -> TransferRow:
        return self._rows[job_id]

    @property
    def selected_job(self) -> str | None:
        ids = self.job_ids
        return ids[self.selected] if 0 <= self.selected < len(ids) else None

    def update(self, progress: TransferProgress) -> None:
        """Add the job's row, or refresh it from the newer event."""
        row = self._rows.get(progress.job_id)
        if row is not None:
            row.show(progress)
            return
        row = TransferRow(progress, id=f"transfer-{len(self._rows)}")
        self._rows[progress.job_id] = row
        self.query_one("#transfers-empty").display = False
        self.mount(row)
        self._mark_selected()

    def watch_selected(self) -> None:
        self._mark_selected()

    def _mark_selected(self) -> None:
        for index, row in enumerate(self._rows.values()):
            row.set_class(index == self.selected, "-selected")

    def action_move(self, step: int) -> None:
        if self._rows:
            self.selected = max(0, min(len(self._rows) - 1, self.selected + step))
            self._rows[self.job_ids[self.selected]].scroll_visible()

    def action_cancel(self) -> None:
        job = self.selected_job
        if job is not None and self._rows[job].progress.state in CANCELLABLE:
            self.post_message(self.CancelRequested(job))
        else:
            self.app.bell()

    def action_retry(self) -> None:
        job = self.selected_job
        if job is not None and self._rows[job].progress.state in RETRYABLE:
            self.post_message(self.RetryRequested(job))
        else:
            self.app.bell()
