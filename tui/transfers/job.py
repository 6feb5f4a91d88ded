"""The transfer job model every kind of transfer shares.

A job is mutable while it runs; the manager publishes frozen `TransferProgress`
snapshots of it. Subclasses implement `run` (the work) and may override `cleanup`
(what cancel or failure leaves behind) and `prepare_retry`.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable
from typing import Any, ClassVar

from .events import TransferKind, TransferProgress, TransferState
from .rate import RateMeter

#: Called by a job whenever its figures change; ``force`` bypasses throttling.
Publisher = Callable[["Transfer", bool], None]


class Transfer(abc.ABC):
    """One transfer: what moves from where to where, how far it got, and how it ended."""

    kind: ClassVar[TransferKind]

    def __init__(self, source: str, destination: str) -> None:
        self.id = ""
        self.source = source
        self.destination = destination
        self.state = TransferState.QUEUED
        self.total: int | None = None
        self.done = 0
        self.message: str | None = None
        #: What the job produced: the new Image, or the final Path.
        self.result: Any = None
        #: The error that failed the job, if any.
        self.error: BaseException | None = None
        self._meter = RateMeter()
        self._publish: Publisher = lambda job, force: None
        self._clock: Callable[[], float] = time.monotonic

    # -- what subclasses implement -------------------------------------------------

    @abc.abstractmethod
    async def run(self) -> None:
        """Do the work; raise a typed error to fail, with a message a person can act on."""

    async def cleanup(self, *, cancelled: bool) -> str | None:
        """Tidy up after a cancel or failure; return a note to add to the message."""
        return None

    def prepare_retry(self) -> None:
        """Reset whatever the next attempt must not reuse (called before a retry)."""

    # -- figures -------------------------------------------------------------------

    @property
    def rate(self) -> float | None:
        return self._meter.rate if self.state == TransferState.RUNNING else None

    @property
    def eta(self) -> float | None:
        return self._meter.eta(self.done, self.total) if self.state == TransferState.RUNNING else None

    def snapshot(self) -> TransferProgress:
        return TransferProgress(
            job_id=self.id,
            kind=self.kind,
            state=self.state,
            source=self.source,
            destination=self.destination,
            total=self.total,
            done=self.done,
            rate=self.rate,
            eta=self.eta,
            message=self.message,
        )

    # -- reporting, used by `run` --------------------------------------------------

    def begin(self, total: int | None, message: str | None = None, done: int = 0) -> None:
        """Start (or restart) counting bytes towards ``total``."""
        self.total = total
        self.done = done
        self._meter.reset()
        self._meter.sample(self._clock(), done)
        if message is not None:
            self.message = message
        self._publish(self, True)

    def advance(self, count: int) -> None:
        self.done += count
        self._meter.sample(self._clock(), self.done)
        self._publish(self, self.total is not None and self.done >= self.total)

    def set_done(self, done: int) -> None:
        """Set the absolute progress (for tools that report a percentage)."""
        self.advance(done - self.done)

    def say(self, message: str) -> None:
        self.message = message
        self._publish(self, True)

    def set_state(self, state: TransferState, message: str | None = None) -> None:
        self.state = state
        if message is not None:
            self.message = message
        self._publish(self, True)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id or '?'} {self.state} {self.source} -> {self.destination}>"
