"""Transfers against the real Glance of the test lab: round trips, faults on the wire,
resume with Range, retry into the same image, web-download import, copies both ways."""

from __future__ import annotations

import asyncio

import pytest

from glance_transfer_faults import FaultyTransport
from imagedeck.model import ImageQuery, ImageStatus
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import (
    CopyJob,
    DownloadJob,
    ImportJob,
    TransferState,
    UploadJob,
    VerificationFailed,
    part_path,
)
from transfer_support import MIB, Recorder, make_raw

pytestmark = pytest.mark.lab


def fields(uid: str, name: str, **more: object) -> dict[str, object]:
    return {"name": f"{uid}-{name}", "tags": [uid], **more}


@pytest.mark.parametrize("fmt", ["raw", "qcow2", "vmdk", "vdi", "vhdx"])
async def test_glance_round_trip_is_byte_exact(fmt, glance, uid, rec: Recorder, image_file, tmp_path) -> None:
    store = await glance()
    src = image_file(fmt, mib=3)
    up = await rec.run(UploadJob(store, src, fields(uid, fmt)))
    assert up.state == TransferState.DONE, up.message
    assert up.result.status == ImageStatus.ACTIVE and up.result.disk_format == fmt
    dest = tmp_path / f"back.{fmt}"
    down = await rec.run(DownloadJob(store, up.result.id, dest))
    assert down.state == TransferState.DONE, down.message
    assert dest.read_bytes() == src.read_bytes()


async def test_glance_download_resumes_with_range_after_a_cut(glance, uid, rec, image_file, tmp_path) -> None:
    plain = await glance()
    src = image_file("raw", mib=8)
    up = await rec.run(UploadJob(plain, src, fields(uid, "resume")))
    cut = 3 * MIB + 777
    wire = FaultyTransport(cut_after=cut)
    flaky = await glance(transport=wire)
    dest = tmp_path / "resumed.raw"
    job = await rec.run(DownloadJob(flaky, up.result.id, dest))
    assert job.state == TransferState.DONE, job.message
    first, resumed = job.requested_offsets
    assert first == 0 and 0 < resumed <= cut  # whole chunks received before the cut are kept
    assert wire.downloads == [(None, 200), (f"bytes={resumed}-", 206)]
    assert dest.read_bytes() == src.read_bytes()


async def test_glance_corrupted_stream_is_caught(glance, uid, rec, image_file, tmp_path) -> None:
    plain = await glance()
    up = await rec.run(UploadJob(plain, image_file("qcow2"), fields(uid, "bent")))
    bent = await glance(transport=FaultyTransport(flip_at=MIB + 1))
    dest = tmp_path / "bent.qcow2"
    job = await rec.run(DownloadJob(bent, up.result.id, dest))
    assert job.state == TransferState.FAILED and isinstance(job.error, VerificationFailed)
    assert not dest.exists() and not part_path(dest).exists()


async def test_glance_dropped_upload_retries_into_the_same_image(glance, uid, rec, image_file) -> None:
    wire = FaultyTransport(upload_cut_after=2 * MIB)
    store = await glance(transport=wire)
    src = image_file("qcow2", mib=6)
    job = await rec.run(UploadJob(store, src, fields(uid, "retry")))
    assert job.state == TransferState.FAILED
    first = job.image_id
    assert first is not None and "retry uploads into it" in job.message
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 90
    while (status := (await store.get_image(first)).status) != ImageStatus.QUEUED:
        assert status == ImageStatus.SAVING and loop.time() < deadline, status
        await asyncio.sleep(0.5)
    rec.manager.retry(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.DONE, job.message
    assert job.result.id == first and job.result.status == ImageStatus.ACTIVE


async def test_glance_format_rejection_deletes_the_image(glance, uid, rec, tmp_path) -> None:
    store = await glance()
    junk = make_raw(tmp_path / "junk.bin", MIB)
    job = await rec.run(UploadJob(store, junk, fields(uid, "junk", disk_format="qcow2"), force_format=True))
    assert job.state == TransferState.FAILED
    assert "deleted" in job.message
    assert await store.all_images(ImageQuery(tags=(uid,))) == []


async def test_glance_cancelled_upload_can_stay_queued(glance, uid, rec, image_file) -> None:
    from transfer_faults import Stalling

    store = await glance()
    stalling = Stalling(store, after=MIB)
    job = UploadJob(stalling, image_file("raw", mib=4), fields(uid, "keep"), on_cancel="keep")
    rec.manager.submit(job)
    await asyncio.wait_for(stalling.reached.wait(), 30)
    rec.manager.cancel(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.CANCELLED
    loop = asyncio.get_running_loop()
    start = loop.time()
    while (status := (await store.get_image(job.image_id)).status) != ImageStatus.QUEUED:
        assert status == ImageStatus.SAVING and loop.time() < start + 90, status
        await asyncio.sleep(0.5)


async def test_copy_local_to_glance_and_back(
    glance, uid, rec, store: LocalStore, cache: LocalStore, image_file
) -> None:
    cloud = await glance()
    meta = fields(uid, "copied", min_disk=1, min_ram=256, os_distro="cirros")
    up = await rec.run(UploadJob(store, image_file("qcow2"), meta))
    there = await rec.run(CopyJob(store, up.result.id, cloud))
    assert there.state == TransferState.DONE, there.message
    remote = await cloud.get_image(there.result.id)
    assert (remote.name, remote.min_disk, remote.min_ram) == (f"{uid}-copied", 1, 256)
    assert remote.properties["os_distro"] == "cirros" and uid in remote.tags
    assert remote.os_hash_value == up.result.os_hash_value
    back = await rec.run(CopyJob(cloud, remote.id, cache))
    assert back.state == TransferState.DONE, back.message
    local = await cache.get_image(back.result.id)
    assert local.os_hash_value == up.result.os_hash_value and local.properties["os_distro"] == "cirros"


async def test_glance_web_download_import(glance, uid, rec, image_file, web) -> None:
    store = await glance()
    base, root = web
    src = image_file("qcow2")
    (root / "web.qcow2").write_bytes(src.read_bytes())
    job = await rec.run(
        ImportJob(store, f"{base}/web.qcow2", fields(uid, "web", disk_format="qcow2"), timeout=120)
    )
    assert job.state == TransferState.DONE, job.message
    assert "fetched here" not in job.message
    image = await store.get_image(job.result.id)
    assert image.status == ImageStatus.ACTIVE and image.size == src.stat().st_size

    failed = await rec.run(
        ImportJob(store, f"{base}/missing.qcow2", fields(uid, "gone", disk_format="qcow2"), timeout=120)
    )
    assert failed.state == TransferState.FAILED, failed.message
    assert "could not import" in failed.message
