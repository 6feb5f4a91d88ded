"""One row per transfer job: what moves where, a progress bar, bytes, rate, ETA, state.

The pane computes nothing from time: every figure (rate, ETA) comes in the transfers
engine's progress event, so what it shows is exactly what the engine reported and
snapshots stay deterministic. Its clock only decides when a row is drawn again: at most
`RENDERS_PER_SECOND` times a second per job, whoever sends the events (this process's
engine or a service), the newest event winning; a change of state is drawn at once.
Cancel and retry are requests the pane posts upward; the app routes them to the transfer
manager.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

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
#: Progress draws of the dock a second at most, shared by the jobs running (one job gets all
#: ten, four get two or three each): a person reads no faster, and each draw takes the event
#: loop time a key could use. A change of state is drawn at once.
RENDERS_PER_SECOND = 10


#: A store's label (``local:PATH`` or ``cloud:NAME``) before ``: `` and what it holds there.
_STORE_PLACE = re.compile(r"^(?:local|cloud):[^ ]*: (?P<item>.+)$", re.DOTALL)
_IMAGE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def short_place(place: str | None) -> str:
    """What a person recognises of a place: an image's name or id, a file's or URL's last part.

    The local store's directory (a temporary one in the demo) is not worth a row's width.
    """
    text = place if place is not None else "?"
    if match := _STORE_PLACE.match(text):
        return match["item"]
    if text.startswith("local:/"):
        return "local store"
    if "/" in text and not text.endswith("/"):
        return text.rstrip("/").rpartition("/")[2]
    return text


def is_image_id(text: str) -> bool:
    return bool(_IMAGE_ID.match(text))


def binary_size(count: float) -> str:
    """``512 B``, ``1.5 KiB``, ``2.0 GiB``: one style for every figure of the pane."""
    if count < 1024:
        return f"{count:.0f} B"
    for unit in _UNITS:
        count /= 1024
        if count < 1024 or unit == _UNITS[-1]:
            break
    return f"{count:.1f} {unit}"


def format_eta(seconds: float | None) -> str:
    """``ETA m:ss`` (or ``h:mm:ss``); blank when unknown."""
    if seconds is None or seconds < 0:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"ETA {hours}:{minutes:02}:{secs:02}" if hours else f"ETA {minutes}:{secs:02}"


def format_bytes(done: int, total: int | None) -> str:
    return binary_size(done) if total is None else f"{binary_size(done)} / {binary_size(total)}"


def describe(progress: TransferProgress) -> str:
    """``download demo-app-golden → golden.qcow2``: the job in words, without its internal id."""
    return f"{progress.kind} {short_place(progress.source)} → {short_place(progress.destination)}"


class TransferRow(Vertical):
    """The widgets of one job; `show` refreshes them from an event."""

    def __init__(self, progress: TransferProgress, *, id: str) -> None:
        super().__init__(id=id, classes="transfer")
        self.progress = progress
        self._shown: dict[str, str] = {}
        #: The place shown for each side: a name, once known, is not replaced by an id.
        self._places: dict[str, str] = {}

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
        source = self._place("source", progress.source)
        label = f"{progress.kind}  {source} → {self._place('destination', progress.destination)}"
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
            # a failed or cancelled job keeps the bar where it stopped, in its state's colour
            bar.update(total=max(total, 1), progress=min(progress.done, total) if total else 1)
        figures = [format_bytes(progress.done, progress.total)]
        if state == "running":
            if progress.rate:
                figures.append(f"{binary_size(progress.rate)}/s")
            figures.append(format_eta(progress.eta))
        self._put(".transfer-figures", "  ".join(f for f in figures if f), layout=False)
        self._put(".transfer-message", progress.message or "", layout=True)
        self.query_one(".transfer-message").display = bool(progress.message)

    def _place(self, side: str, place: str) -> str:
        """The short form of ``place``; an image id arriving after its name keeps the name."""
        shown = short_place(place)
        kept = self._places.get(side)
        if kept is not None and is_image_id(shown) and not is_image_id(kept):
            return kept
        self._places[side] = shown
        return shown

    def _put(self, selector: str, text: str, *, layout: bool) -> None:
        """Update one text only when it changed: progress events come several times a
        second per job, and a layout pass over the whole screen for each would stall keys."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            # places and messages carry image and file names: plain text, never markup
            self.query_one(selector, Static).update(plain(text), layout=layout)


class TransfersPane(VerticalScroll, can_focus=True):
    """Every transfer job, newest last; ``j``/``k`` select, ``x`` cancels, ``R`` retries.

    The dock grows with its jobs up to a third of the screen, then scrolls; a new job is
    scrolled into view so its bar is never below the fold.
    """

    BINDINGS = bindings("transfers")

    DEFAULT_CSS = """
    TransfersPane {
        height: auto;
        max-height: 34vh;
        margin-bottom: 1;  /* above the footer, which docks at the bottom too */
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
        width: 1fr;
        height: auto;
        color: $text-muted;
    }
    TransfersPane .-failed .transfer-bar Bar > .bar--bar,
    TransfersPane .-failed .transfer-bar Bar > .bar--complete {
        color: $transfer-failed;
    }
    TransfersPane .-cancelled .transfer-bar Bar > .bar--bar,
    TransfersPane .-cancelled .transfer-bar Bar > .bar--complete {
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
    #: Seconds on a steady clock (a test gives its own).
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: dict[str, TransferRow] = {}
        #: When each job's row was last drawn, and the newest event not drawn yet.
        self._drawn: dict[str, float] = {}
        self._held: dict[str, TransferProgress] = {}

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
            if row.progress.state == progress.state and self._hold(progress):
                return
            self._held.pop(progress.job_id, None)
            self._draw(row, progress)
            return
        self._drawn[progress.job_id] = self.clock()
        row = TransferRow(progress, id=f"transfer-{len(self._rows)}")
        self._rows[progress.job_id] = row
        self.query_one("#transfers-empty").display = False
        self.mount(row)
        if not self.has_focus:  # follow the newest job unless the person is choosing one
            self.selected = len(self._rows) - 1
        self._mark_selected()
        self.call_after_refresh(row.scroll_visible, animate=False)

    def _hold(self, progress: TransferProgress) -> bool:
        """Keep ``progress`` for later if the row was drawn less than a tick ago."""
        job_id = progress.job_id
        running = sum(1 for row in self._rows.values() if row.progress.state.active) or 1
        wait = self._drawn[job_id] + running / RENDERS_PER_SECOND - self.clock()
        if wait <= 0:
            return False
        if job_id not in self._held:
            self.set_timer(wait, lambda: self._draw_held(job_id))
        self._held[job_id] = progress
        return True

    def _draw_held(self, job_id: str) -> None:
        progress = self._held.pop(job_id, None)
        if progress is not None:
            self._draw(self._rows[job_id], progress)

    def _draw(self, row: TransferRow, progress: TransferProgress) -> None:
        changed = row.progress.state != progress.state
        self._drawn[progress.job_id] = self.clock()
        row.show(progress)
        if changed and progress.job_id == self.selected_job:
            self.refresh_bindings()  # cancel or retry may apply now, or no longer

    def watch_selected(self) -> None:
        self._mark_selected()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers cancel only on a job that can stop, retry only on one that ended badly."""
        job = self.selected_job
        state = self._rows[job].progress.state if job is not None else None
        if action == "cancel":
            return state in CANCELLABLE
        if action == "retry":
            return state in RETRYABLE
        return True

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
