"""What a transfer reports: its kind, its state and frozen progress events.

Events are immutable snapshots, so a UI may keep the latest one per job and render
it whenever it likes without racing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TransferKind(StrEnum):
    UPLOAD = "upload"
    DOWNLOAD = "download"
    IMPORT = "import"
    COPY = "copy"
    CONVERT = "convert"


class TransferState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    VERIFYING = "verifying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """True once the job will not change again unless it is retried."""
        return self in FINISHED_STATES

    @property
    def active(self) -> bool:
        """True while the job waits for or holds a transfer slot."""
        return not self.finished


FINISHED_STATES = frozenset({TransferState.DONE, TransferState.FAILED, TransferState.CANCELLED})


@dataclass(frozen=True, slots=True)
class TransferProgress:
    """One snapshot of a job. ``rate`` is bytes per second, ``eta`` seconds left."""

    job_id: str
    kind: TransferKind
    state: TransferState
    source: str
    destination: str
    total: int | None
    done: int
    rate: float | None
    eta: float | None
    message: str | None

    @property
    def fraction(self) -> float | None:
        """Share of the work done (0..1), or None while the total is unknown."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.state.finished
