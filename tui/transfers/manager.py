"""Runs transfer jobs as asyncio tasks, a few at a time, and publishes their progress.

The manager lives on one event loop (the app's or the CLI's). ``on_event`` is called on
that loop with a frozen `TransferProgress` on every state change and at most
``1 / min_interval`` times a second per job in between, so a UI is never flooded.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable

from ..model import ImageDeckError, NotFound
from .events import TransferProgress, TransferState
from .job import Transfer

log = logging.getLogger(__name__)

EventCallback = Callable[[TransferProgress], None]

#: Seconds between two progress events of one job (state changes are never held back).
MIN_INTERVAL = 0.1


class TransferManager:
    """Queue, run, cancel and retry transfer jobs with at most ``max_running`` at once."""

    def __init__(
        self,
        max_running: int = 3,
        on_event: EventCallback | None = None,
        *,
        min_interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self.max_running = max_running
        self.on_event = on_event
        self.min_interval = min_interval
        self._clock = clock
        self._slots = asyncio.Semaphore(max_running)
        self._jobs: dict[str, Transfer] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._last_event: dict[str, float] = {}
        self._ids = itertools.count(1)

    # -- queries -------------------------------------------------------------------

    def jobs(self) -> list[Transfer]:
        """Every job submitted, oldest first."""
        return list(self._jobs.values())

    def get(self, job_id: str) -> Transfer:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFound(f"no transfer {job_id}") from None

    @property
    def active_count(self) -> int:
        """Jobs queued or running (what quitting would interrupt)."""
        return sum(1 for job in self._jobs.values() if job.state.active)

    # -- control -------------------------------------------------------------------

    def submit(self, job: Transfer, job_id: str | None = None) -> str:
        """Queue ``job``; it starts when a slot is free. Returns its id.

        ``job_id`` keeps an id given elsewhere (a journal's, so a job resumed after a restart
        keeps the id its watchers know); it must not name another job of this manager.
        """
        if job.id:
            raise ValueError(f"{job!r} was already submitted")
        if job_id is not None and job_id in self._jobs:
            raise ValueError(f"transfer {job_id} exists already")
        job.id = job_id or f"t{next(self._ids)}"
        job._publish = self._publish
        job._clock = self._clock
        self._jobs[job.id] = job
        self._start(job)
        return job.id

    def cancel(self, job_id: str) -> bool:
        """Ask a queued or running job to stop; False when it had already finished."""
        job = self.get(job_id)
        task = self._tasks.get(job_id)
        if job.state.finished or task is None or task.done():
            return False
        task.cancel()
        return True

    def retry(self, job_id: str) -> str:
        """Run a failed or cancelled job again under the same id."""
        job = self.get(job_id)
        if not job.state.finished or job.state == TransferState.DONE:
            raise ImageDeckError(
                f"transfer {job_id} is {job.state}: only a failed or cancelled one can be retried"
            )
        job.prepare_retry()
        job.error = None
        job.result = None
        job.done = 0
        job.total = None
        self._start(job)
        return job_id

    async def wait(self, job_id: str) -> Transfer:
        """Wait until the job has finished (done, failed or cancelled) and return it."""
        job = self.get(job_id)
        while True:
            task = self._tasks.get(job_id)
            if task is None:
                return job
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.done():
                    raise  # the waiter itself was cancelled, not the job
            if self._tasks.get(job_id) is task:
                return job

    async def shutdown(self) -> None:
        """Cancel every unfinished job and wait for their cleanup."""
        for task in list(self._tasks.values()):
            if not task.done():
                task.cancel()
        for job_id in list(self._tasks):
            await self.wait(job_id)

    # -- internals -----------------------------------------------------------------

    def _start(self, job: Transfer) -> None:
        job.state = TransferState.QUEUED
        job.message = "waiting for a free transfer slot" if self._slots.locked() else None
        self._publish(job, True)
        task = asyncio.create_task(self._run(job), name=f"transfer-{job.id}")
        task.add_done_callback(lambda _: self._settle(job))
        self._tasks[job.id] = task

    def _settle(self, job: Transfer) -> None:
        """A job cancelled before its task ever ran still ends as cancelled."""
        if not job.state.finished:
            job.set_state(TransferState.CANCELLED, "cancelled before it started")

    async def _run(self, job: Transfer) -> None:
        try:
            async with self._slots:
                job.set_state(TransferState.RUNNING, "")
                await job.run()
        except asyncio.CancelledError:
            note = await self._cleanup(job, cancelled=True)
            job.set_state(TransferState.CANCELLED, _join("cancelled", note))
            return
        except ImageDeckError as exc:
            await self._fail(job, exc, exc.message)
            return
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            await self._fail(job, exc, f"{exc.strerror or exc}{where}")
            return
        except Exception as exc:  # a bug must fail the job, not kill the app
            log.exception("transfer %s failed unexpectedly", job.id)
            await self._fail(job, exc, f"internal error: {type(exc).__name__}: {exc}")
            return
        job.set_state(TransferState.DONE, job.message or "done")

    async def _fail(self, job: Transfer, exc: BaseException, message: str) -> None:
        job.error = exc
        note = await self._cleanup(job, cancelled=False)
        job.set_state(TransferState.FAILED, _join(message, note))

    async def _cleanup(self, job: Transfer, *, cancelled: bool) -> str | None:
        try:
            return await job.cleanup(cancelled=cancelled)
        except asyncio.CancelledError:
            return "cleanup interrupted"
        except Exception as exc:
            log.warning("cleaning up after transfer %s failed", job.id, exc_info=True)
            return f"cleanup failed: {exc}"

    def _publish(self, job: Transfer, force: bool) -> None:
        if self.on_event is None:
            return
        now = self._clock()
        last = self._last_event.get(job.id)
        if not force and last is not None and now - last < self.min_interval:
            return
        self._last_event[job.id] = now
        try:
            self.on_event(job.snapshot())
        except Exception:  # a listener's bug must not stop the transfer
            log.exception("transfer event listener failed")


def _join(message: str, note: str | None) -> str:
    return f"{message}; {note}" if note else message
