"""What became of a server-side import, from successive looks at the image and its tasks.

Glance gives an import no timeout and no heartbeat: a source that stops sending leaves the
image ``importing`` and its task ``processing`` for ever, with nothing that moves. A failed
import shows in several ways (a ``failure`` task, ``os_glance_failed_import``, the image back
to ``queued``), and a source that closes early without a length makes the image active
with truncated data. `ImportWatch` reads each look and says which of these happened, and
which other way of getting the data in a person could try; `watch_import` polls for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..model import Image, ImageStatus
from ..stores import ImageStore
from ..stores.operator import ImageTask

#: Seconds without any change in the image or its tasks before an import counts as stalled.
STALL_AFTER_S = 120.0

#: What to try instead, per import method.
FALLBACKS = {
    "glance-direct": "upload the file with a plain upload instead of glance-direct",
    "web-download": "fetch the URL on this machine and upload it instead, or try again later",
    "glance-download": "copy the image through this machine instead (download, then upload)",
    "copy-image": "upload the data into that store instead",
}
OTHER_METHOD = "try another import method or a plain upload"


class Outcome(StrEnum):
    WORKING = "working"
    FINISHED = "finished"
    STALLED = "stalled"
    FAILED = "failed"
    REQUEUED = "back to queued"
    WRONG_RESULT = "wrong result"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One look at an importing image and its tasks."""

    status: str
    size: int | None = None
    os_hash_value: str | None = None
    failed_import: str = ""
    tasks: tuple[ImageTask, ...] = ()

    @classmethod
    def of(cls, image: Image, tasks: list[ImageTask]) -> Snapshot:
        failed = image.properties.get("os_glance_failed_import")
        return cls(
            status=str(image.status),
            size=image.size,
            os_hash_value=image.os_hash_value,
            failed_import=str(failed or ""),
            tasks=tuple(tasks),
        )

    def progress(self) -> tuple[object, ...]:
        """Everything whose change shows the import is alive."""
        return (self.status, self.size, tuple((t.id, t.status, t.updated_raw) for t in self.tasks))


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    message: str = ""
    fallback: str = ""

    @property
    def settled(self) -> bool:
        return self.outcome is not Outcome.WORKING

    def sentence(self) -> str:
        """The message and, where there is one, what to try instead."""
        return f"{self.message}; {self.fallback}" if self.fallback else self.message


class ImportWatch:
    """Judges successive snapshots of one import (pure: the caller passes the clock).

    ``earlier_tasks`` are task ids that existed before this import started: their state says
    nothing about it. ``expected_size``/``expected_sha512``, where known, are checked once the
    image is active.
    """

    def __init__(
        self,
        method: str,
        *,
        stall_after: float = STALL_AFTER_S,
        expected_size: int | None = None,
        expected_sha512: str | None = None,
        earlier_tasks: frozenset[str] = frozenset(),
    ) -> None:
        self.method = method
        self.stall_after = stall_after
        self.expected_size = expected_size
        self.expected_sha512 = expected_sha512
        self.earlier_tasks = earlier_tasks
        self._last: tuple[object, ...] | None = None
        self._changed_at = 0.0
        self._started = False

    @property
    def fallback(self) -> str:
        return FALLBACKS.get(self.method, OTHER_METHOD)

    def observe(self, snap: Snapshot, now: float) -> Verdict:
        tasks = [t for t in snap.tasks if t.id not in self.earlier_tasks]
        failure = next((t for t in reversed(tasks) if t.failed), None)
        if failure is not None or snap.failed_import or snap.status == ImageStatus.KILLED:
            return self._failed(snap, failure)
        if snap.status == ImageStatus.ACTIVE and not any(t.running for t in tasks):
            # Glance makes the image active a moment before its task lets go of the image
            return self._finished(snap)
        if tasks or snap.status == ImageStatus.IMPORTING:
            self._started = True
        if snap.status == ImageStatus.QUEUED and self._started and not any(t.running for t in tasks):
            return Verdict(Outcome.REQUEUED, "the image went back to queued without its data", self.fallback)
        return self._progress(snap, now)

    def _failed(self, snap: Snapshot, task: ImageTask | None) -> Verdict:
        reason = task.message if task and task.message else ""
        if snap.failed_import:
            where = f"the import into store {snap.failed_import} failed"
            reason = f"{where} ({reason})" if reason else where
        if not reason:
            reason = "the image was killed" if snap.status == ImageStatus.KILLED else "the import task failed"
        return Verdict(Outcome.FAILED, reason, self.fallback)

    def _finished(self, snap: Snapshot) -> Verdict:
        if self.expected_size is not None and snap.size != self.expected_size:
            return Verdict(
                Outcome.WRONG_RESULT,
                f"the image holds {snap.size} bytes but {self.expected_size} were expected: "
                "the import is incomplete",
            )
        if self.expected_sha512 and snap.os_hash_value and snap.os_hash_value != self.expected_sha512:
            return Verdict(Outcome.WRONG_RESULT, "the image's sha512 is not the expected one")
        return Verdict(Outcome.FINISHED, "imported")

    def _progress(self, snap: Snapshot, now: float) -> Verdict:
        progress = snap.progress()
        if progress != self._last:
            self._last, self._changed_at = progress, now
            return Verdict(Outcome.WORKING, f"image {snap.status}")
        idle = now - self._changed_at
        if idle >= self.stall_after:
            task = next((t for t in snap.tasks if t.running), None)
            where = f"image {snap.status}" + (f", task {task.status}" if task else "")
            return Verdict(
                Outcome.STALLED,
                f"the import made no progress for {idle:.0f} s ({where}); the cloud never gives up on it",
                self.fallback,
            )
        return Verdict(Outcome.WORKING, f"image {snap.status}, unchanged for {idle:.0f} s")


async def watch_import(
    store: ImageStore,
    image_id: str,
    watch: ImportWatch,
    *,
    poll_interval: float,
    give_up_after: float,
    report: Callable[[Verdict], None] | None = None,
) -> Verdict:
    """Look at the image and its tasks every ``poll_interval`` s until the import settles.

    Returns a STALLED verdict after ``give_up_after`` s even if things still move.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + give_up_after
    while True:
        await asyncio.sleep(poll_interval)
        image = await store.get_image(image_id)
        tasks = await store.image_tasks(image_id)
        verdict = watch.observe(Snapshot.of(image, tasks), loop.time())
        if verdict.settled:
            return verdict
        if report is not None:
            report(verdict)
        if loop.time() >= deadline:
            return Verdict(
                Outcome.STALLED, f"the import did not finish within {give_up_after:.0f} s", watch.fallback
            )
