"""Cancel cleans up; the manager limits concurrency, throttles events and retries."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from imagedeck.model import ImageDeckError, ImageStatus, NotFound
from imagedeck.transfers import (
    DownloadJob,
    Transfer,
    TransferManager,
    TransferProgress,
    TransferState,
    UploadJob,
    part_path,
)
from transfer_faults import Stalling
from transfer_support import MIB

DEADLINE = 10.0


async def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    """Poll ``condition`` with a deadline (no sleeping for luck)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def test_cancelled_download_leaves_no_part(store, rec, image_file, tmp_path) -> None:
    up = await rec.run(UploadJob(store, image_file("raw", mib=4), {"name": "c"}))
    stalling = Stalling(store, after=MIB)
    dest = tmp_path / "cancelled.raw"
    job = DownloadJob(stalling, up.result.id, dest)
    rec.manager.submit(job)
    await asyncio.wait_for(stalling.reached.wait(), DEADLINE)
    await until(lambda: part_path(dest).exists(), "the part file")
    assert rec.manager.cancel(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.CANCELLED
    assert "partial file deleted" in job.message
    assert not part_path(dest).exists() and not dest.exists()
    assert not rec.manager.cancel(job.id)


async def test_cancelled_download_may_keep_its_part_for_resume(store, rec, image_file, tmp_path) -> None:
    src = image_file("raw", mib=4)
    up = await rec.run(UploadJob(store, src, {"name": "k"}))
    stalling = Stalling(store, after=2 * MIB)
    dest = tmp_path / "kept.raw"
    job = DownloadJob(stalling, up.result.id, dest, keep_partial=True)
    rec.manager.submit(job)
    await asyncio.wait_for(stalling.reached.wait(), DEADLINE)
    rec.manager.cancel(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.CANCELLED and "kept" in job.message
    assert part_path(dest).exists() and not dest.exists()
    resumed = await rec.run(DownloadJob(store, up.result.id, dest))
    assert resumed.state == TransferState.DONE
    assert dest.read_bytes() == src.read_bytes()


@pytest.mark.parametrize("choice", ["delete", "keep"])
async def test_cancelled_upload_deletes_or_keeps_the_image(choice, store, rec, image_file) -> None:
    stalling = Stalling(store, after=MIB)
    job = UploadJob(stalling, image_file("raw", mib=4), {"name": f"cancel-{choice}"}, on_cancel=choice)
    rec.manager.submit(job)
    await asyncio.wait_for(stalling.reached.wait(), DEADLINE)
    image_id = job.image_id
    assert image_id is not None
    rec.manager.cancel(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.CANCELLED
    if choice == "delete":
        assert f"image {image_id} deleted" in job.message
        with pytest.raises(NotFound):
            await store.get_image(image_id)
    else:
        assert f"image {image_id} left queued" in job.message
        assert (await store.get_image(image_id)).status == ImageStatus.QUEUED


async def test_at_most_max_running_jobs_run_at_once(store, image_file, tmp_path) -> None:
    src = image_file("raw", mib=2)
    seen: list[TransferProgress] = []
    manager = TransferManager(max_running=1, on_event=seen.append)
    up = await manager.wait(manager.submit(UploadJob(store, src, {"name": "m"})))
    stalling = Stalling(store, after=MIB)
    first = DownloadJob(stalling, up.result.id, tmp_path / "1.raw")
    second = DownloadJob(store, up.result.id, tmp_path / "2.raw")
    manager.submit(first)
    manager.submit(second)
    await asyncio.wait_for(stalling.reached.wait(), DEADLINE)
    assert second.state == TransferState.QUEUED
    assert manager.active_count == 2
    manager.cancel(first.id)
    await manager.wait(second.id)
    assert second.state == TransferState.DONE
    assert manager.active_count == 0
    assert [j.id for j in manager.jobs()] == [up.id, first.id, second.id]
    await manager.shutdown()


async def test_a_queued_job_can_be_cancelled_before_it_starts(store, image_file, tmp_path) -> None:
    manager = TransferManager(max_running=1)
    src = image_file("raw", mib=1)
    stalling = Stalling(store, after=1)
    blocker = UploadJob(stalling, src, {"name": "blocker"})
    waiting = UploadJob(store, src, {"name": "waiting"})
    manager.submit(blocker)
    manager.submit(waiting)
    await asyncio.wait_for(stalling.reached.wait(), DEADLINE)
    assert manager.cancel(waiting.id)
    await manager.wait(waiting.id)
    assert waiting.state == TransferState.CANCELLED and waiting.image_id is None
    await manager.shutdown()
    assert blocker.state == TransferState.CANCELLED
    assert await store.all_images() == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Counting(Transfer):
    """A job that reports 1000 steps of progress at a fixed clock tick each."""

    kind = UploadJob.kind

    def __init__(self, clock: FakeClock, tick: float) -> None:
        super().__init__("here", "there")
        self.clock = clock
        self.tick = tick

    async def run(self) -> None:
        self.begin(1000)
        for _ in range(1000):
            self.clock.now += self.tick
            self.advance(1)


async def test_progress_events_are_throttled_but_state_changes_never_dropped() -> None:
    clock = FakeClock()
    events: list[TransferProgress] = []
    manager = TransferManager(on_event=events.append, min_interval=0.1, clock=clock)
    job = Counting(clock, tick=0.001)  # 1000 steps over one second
    await manager.wait(manager.submit(job))
    running = [e for e in events if e.state == TransferState.RUNNING]
    assert 10 <= len(running) <= 14  # ~10 per second, plus the start and the final step
    assert next(e.state for e in events) == TransferState.QUEUED
    assert events[-1].state == TransferState.DONE and events[-1].done == 1000
    assert running[-1].done == 1000
    mid = running[len(running) // 2]
    assert mid.rate == pytest.approx(1000.0, rel=0.05)
    assert mid.eta == pytest.approx((1000 - mid.done) / 1000.0, rel=0.1)


async def test_retry_is_only_for_failed_or_cancelled_jobs(store, rec, image_file) -> None:
    job = await rec.run(UploadJob(store, image_file("raw", mib=1), {"name": "ok"}))
    with pytest.raises(ImageDeckError, match="only a failed or cancelled"):
        rec.manager.retry(job.id)
    with pytest.raises(NotFound):
        rec.manager.get("t999")


async def test_a_missing_file_fails_with_a_clear_message(store, rec, tmp_path: Path) -> None:
    job = await rec.run(UploadJob(store, tmp_path / "nope.qcow2", {"name": "x"}))
    assert job.state == TransferState.FAILED
    assert "nope.qcow2" in job.message
    assert await store.all_images() == []


async def test_a_listener_error_does_not_stop_the_transfer(store, image_file) -> None:
    def broken(event: TransferProgress) -> None:
        raise RuntimeError("listener bug")

    manager = TransferManager(on_event=broken)
    job = await manager.wait(manager.submit(UploadJob(store, image_file("raw", mib=1), {"name": "l"})))
    assert job.state == TransferState.DONE


class BrokenCleanup(Transfer):
    """A job that fails, then fails again while cleaning up after itself."""

    kind = UploadJob.kind

    async def run(self) -> None:
        raise ImageDeckError("the store refused")

    async def cleanup(self, *, cancelled: bool) -> str | None:
        raise RuntimeError("cleanup bug")


async def test_a_failing_cleanup_is_told_and_logged_with_its_traceback(caplog) -> None:
    manager = TransferManager()
    job = await manager.wait(manager.submit(BrokenCleanup("here", "there")))
    assert job.state == TransferState.FAILED
    assert "the store refused" in job.message and "cleanup failed: cleanup bug" in job.message
    logged = [r for r in caplog.records if r.name == "imagedeck.transfers.manager" and r.exc_info]
    assert len(logged) == 1 and "cleaning up after transfer" in logged[0].getMessage()
