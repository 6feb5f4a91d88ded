"""Verification, resume and retry under injected faults: corrupted, cut and refused streams."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from imagedeck.model import ImageStatus, NotFound
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import (
    DownloadJob,
    TransferState,
    UploadJob,
    VerificationFailed,
    part_path,
)
from transfer_faults import CorruptDownloads, DroppingDownloads, FailingUploads, Md5Only
from transfer_support import MIB, Recorder


async def uploaded(store: LocalStore, rec: Recorder, path: Path) -> str:
    job = await rec.run(UploadJob(store, path, {"name": path.name}))
    assert job.state == TransferState.DONE, job.message
    return job.result.id


async def test_corrupted_download_is_caught_and_removed(store, rec, image_file, tmp_path) -> None:
    image_id = await uploaded(store, rec, image_file("qcow2"))
    dest = tmp_path / "out.qcow2"
    job = await rec.run(DownloadJob(CorruptDownloads(store, at=2 * MIB + 5), image_id, dest))
    assert job.state == TransferState.FAILED
    assert isinstance(job.error, VerificationFailed)
    assert "corrupt" in job.message and "partial file was deleted" in job.message
    assert not dest.exists() and not part_path(dest).exists()


async def test_corrupted_download_from_a_store_without_sha512_is_caught_by_md5(
    store, rec, image_file, tmp_path
) -> None:
    image_id = await uploaded(store, rec, image_file("raw"))
    dest = tmp_path / "out.raw"
    job = await rec.run(DownloadJob(CorruptDownloads(Md5Only(store), at=MIB + 7), image_id, dest))
    assert job.state == TransferState.FAILED
    assert "md5 differs" in job.message
    assert not dest.exists() and not part_path(dest).exists()


async def test_corrupted_upload_is_caught_and_the_image_deleted(store, rec, image_file) -> None:
    faulty = FailingUploads(store, "corrupt", after=MIB + 3)
    job = await rec.run(UploadJob(faulty, image_file("raw"), {"name": "bent"}))
    assert job.state == TransferState.FAILED
    assert isinstance(job.error, VerificationFailed)
    assert "different bytes" in job.message and "deleted" in job.message
    with pytest.raises(NotFound):
        await store.get_image(faulty.image_ids[0])


async def test_upload_to_a_store_without_sha512_is_checked_by_md5(store, rec, image_file) -> None:
    job = await rec.run(UploadJob(Md5Only(store), image_file("raw"), {"name": "old-glance"}))
    assert job.state == TransferState.DONE, job.message
    assert job.message.endswith("checksums match")
    assert job.result.os_hash_value is None and job.result.checksum


async def test_corrupted_upload_to_a_store_without_sha512_is_caught(store, rec, image_file) -> None:
    faulty = FailingUploads(store, "corrupt", after=MIB + 3)
    job = await rec.run(UploadJob(Md5Only(faulty), image_file("raw"), {"name": "bent-md5"}))
    assert job.state == TransferState.FAILED
    assert isinstance(job.error, VerificationFailed)
    assert "md5 recorded" in job.message and "sha512" not in job.message
    with pytest.raises(NotFound):
        await store.get_image(faulty.image_ids[0])


async def test_dropped_download_resumes_with_a_range(store, rec, image_file, tmp_path) -> None:
    src = image_file("raw", mib=6)
    image_id = await uploaded(store, rec, src)
    cut_at = 2 * MIB + 12345
    flaky = DroppingDownloads(store, after=cut_at, drops=2)
    dest = tmp_path / "resumed.raw"
    job = await rec.run(DownloadJob(flaky, image_id, dest))
    assert job.state == TransferState.DONE, job.message
    assert flaky.offsets == [0, cut_at, 2 * cut_at]
    assert dest.read_bytes() == src.read_bytes()
    assert any("resuming" in (e.message or "") for e in rec.of(job))


async def test_download_restarts_when_the_store_cannot_resume(store, rec, image_file, tmp_path) -> None:
    src = image_file("raw", mib=4)
    image_id = await uploaded(store, rec, src)
    flaky = DroppingDownloads(store, after=MIB + 7, ranges=False)
    dest = tmp_path / "restarted.raw"
    job = await rec.run(DownloadJob(flaky, image_id, dest))
    assert job.state == TransferState.DONE, job.message
    assert flaky.offsets == [0, MIB + 7] and flaky.answered == [0, 0]
    assert dest.read_bytes() == src.read_bytes()
    assert any("starting over" in (e.message or "") for e in rec.of(job))


async def test_leftover_part_file_is_resumed_and_its_bytes_verified(store, rec, image_file, tmp_path) -> None:
    src = image_file("raw", mib=4)
    image_id = await uploaded(store, rec, src)
    dest = tmp_path / "again.raw"
    part_path(dest).write_bytes(src.read_bytes()[: 3 * MIB])
    flaky = DroppingDownloads(store, after=1 << 40, drops=0)
    job = await rec.run(DownloadJob(flaky, image_id, dest))
    assert job.state == TransferState.DONE, job.message
    assert flaky.offsets == [3 * MIB]
    assert dest.read_bytes() == src.read_bytes()


async def test_bad_leftover_part_fails_verification(store, rec, image_file, tmp_path) -> None:
    src = image_file("raw", mib=4)
    image_id = await uploaded(store, rec, src)
    dest = tmp_path / "stale.raw"
    part_path(dest).write_bytes(b"\0" * MIB)  # not the image's first MiB
    job = await rec.run(DownloadJob(store, image_id, dest))
    assert job.state == TransferState.FAILED and isinstance(job.error, VerificationFailed)
    assert not part_path(dest).exists() and not dest.exists()
    retried = await rec.run_again(job)
    assert retried.state == TransferState.DONE, retried.message
    assert dest.read_bytes() == src.read_bytes()


async def test_download_gives_up_without_progress_then_retry_finishes(
    store, rec, image_file, tmp_path
) -> None:
    src = image_file("raw", mib=2)
    image_id = await uploaded(store, rec, src)
    dead = DroppingDownloads(store, after=0, drops=2)
    dest = tmp_path / "dead.raw"
    job = DownloadJob(dead, image_id, dest, max_resumes=1)
    await rec.run(job)
    assert job.state == TransferState.FAILED
    assert "gave up after 1 tries without progress" in job.message
    assert dead.offsets == [0, 0]
    assert not dest.exists()
    again = await rec.run_again(job)
    assert again.state == TransferState.DONE, again.message
    assert dest.read_bytes() == src.read_bytes()


async def test_dropped_upload_retries_into_the_same_image(store, rec, image_file) -> None:
    src = image_file("qcow2")
    faulty = FailingUploads(store, "drop", after=MIB + 1)
    job = await rec.run(UploadJob(faulty, src, {"name": "retry-me"}))
    assert job.state == TransferState.FAILED
    first_id = faulty.image_ids[0]
    assert "queued again" in job.message
    assert (await store.get_image(first_id)).status == ImageStatus.QUEUED
    again = await rec.run_again(job)
    assert again.state == TransferState.DONE, again.message
    assert faulty.image_ids == [first_id, first_id]
    assert again.result.id == first_id and again.result.status == ImageStatus.ACTIVE


async def test_rejected_format_is_deleted_and_recreated_on_retry(store, rec, image_file) -> None:
    faulty = FailingUploads(store, "reject")
    job = await rec.run(UploadJob(faulty, image_file("vdi"), {"name": "rejected"}))
    assert job.state == TransferState.FAILED
    rejected_id = faulty.image_ids[0]
    assert "rejected" in job.message and "deleted" in job.message
    with pytest.raises(NotFound):
        await store.get_image(rejected_id)
    again = await rec.run_again(job)
    assert again.state == TransferState.DONE, again.message
    assert again.result.id != rejected_id
    assert (await store.get_image(again.result.id)).status == ImageStatus.ACTIVE


async def test_download_into_a_missing_directory_fails_clearly(store, rec, image_file, tmp_path) -> None:
    image_id = await uploaded(store, rec, image_file("raw", mib=1))
    dest = tmp_path / "no" / "such" / "dir" / "x.raw"
    job = await rec.run(DownloadJob(store, image_id, dest))
    assert job.state == TransferState.FAILED
    assert job.message.startswith(f"cannot write {part_path(dest)}")


async def test_full_disk_is_reported_and_leaves_nothing(
    store, rec, image_file, tmp_path, monkeypatch
) -> None:
    image_id = await uploaded(store, rec, image_file("raw", mib=2))
    dest = tmp_path / "full.raw"

    def disk_full(fd: int, pieces: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("imagedeck.transfers.download.write_all", disk_full)
    job = await rec.run(DownloadJob(store, image_id, dest))
    assert job.state == TransferState.FAILED
    assert "is full" in job.message and "partial file was deleted" in job.message
    assert type(job.error).__name__ == "QuotaExceeded"
    assert not dest.exists() and not part_path(dest).exists()
