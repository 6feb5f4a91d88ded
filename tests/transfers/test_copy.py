"""Copy between stores: streamed, metadata carried, verified end to end, cleaned up on failure."""

from __future__ import annotations

import asyncio

from imagedeck.model import Conflict, NotFound
from imagedeck.transfers import CopyJob, TransferState, UploadJob, VerificationFailed, carried_fields
from transfer_faults import CorruptDownloads, Stalling
from transfer_support import MIB

FIELDS = {
    "name": "ubuntu-mini",
    "visibility": "private",
    "min_disk": 2,
    "min_ram": 512,
    "tags": ["golden", "lts"],
    "os_distro": "ubuntu",
    "hw_disk_bus": "virtio",
}


async def source_image(store, rec, image_file):  # type: ignore[no-untyped-def]
    job = await rec.run(UploadJob(store, image_file("qcow2"), FIELDS))
    assert job.state == TransferState.DONE, job.message
    return job.result


async def test_copy_carries_metadata_and_verifies(store, cache, rec, image_file) -> None:
    src = await source_image(store, rec, image_file)
    job = await rec.run(CopyJob(store, src.id, cache))
    assert job.state == TransferState.DONE, job.message
    assert "checksums match end to end" in job.message
    copy = await cache.get_image(job.result.id)
    assert copy.name == "ubuntu-mini"
    assert (copy.disk_format, copy.container_format) == ("qcow2", "bare")
    assert (copy.min_disk, copy.min_ram) == (2, 512)
    assert sorted(copy.tags) == ["golden", "lts"]
    assert copy.properties["os_distro"] == "ubuntu" and copy.properties["hw_disk_bus"] == "virtio"
    assert (copy.checksum, copy.os_hash_value, copy.size) == (src.checksum, src.os_hash_value, src.size)
    assert copy.status == "active" and copy.visibility == src.visibility == "private"
    async with cache.download(copy.id) as a, store.download(src.id) as b:
        assert b"".join([c async for c in a.chunks]) == b"".join([c async for c in b.chunks])


async def test_copy_may_rename(store, cache, rec, image_file) -> None:
    src = await source_image(store, rec, image_file)
    job = await rec.run(CopyJob(store, src.id, cache, name="renamed"))
    assert job.result.name == "renamed"


async def test_corrupted_copy_is_caught_and_the_copy_deleted(store, cache, rec, image_file) -> None:
    src = await source_image(store, rec, image_file)
    job = await rec.run(CopyJob(CorruptDownloads(store, at=MIB), src.id, cache))
    assert job.state == TransferState.FAILED
    assert isinstance(job.error, VerificationFailed)
    assert "source: " in job.message and "deleted" in job.message
    assert await cache.all_images() == []


async def test_cancelled_copy_deletes_the_incomplete_image(store, cache, rec, image_file) -> None:
    src = await source_image(store, rec, image_file)
    stalling = Stalling(store, after=MIB)
    job = CopyJob(stalling, src.id, cache)
    rec.manager.submit(job)
    await asyncio.wait_for(stalling.reached.wait(), 10)
    assert len(await cache.all_images()) == 1
    rec.manager.cancel(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.CANCELLED and "incomplete copy" in job.message
    assert await cache.all_images() == []


async def test_only_active_images_are_copied(store, cache, rec) -> None:
    queued = await store.create_image({"name": "empty", "disk_format": "raw", "container_format": "bare"})
    job = await rec.run(CopyJob(store, queued.id, cache))
    assert job.state == TransferState.FAILED and isinstance(job.error, Conflict)
    assert await cache.all_images() == []
    missing = await rec.run(CopyJob(store, "0" * 8 + "-0000-0000-0000-" + "0" * 12, cache))
    assert isinstance(missing.error, NotFound)


def test_reserved_properties_are_not_carried() -> None:
    from imagedeck.model import Image

    image = Image(
        id="x",
        name="n",
        disk_format="raw",
        container_format="bare",
        properties={"os_glance_import_task": "t", "os_distro": "debian"},
    )
    fields = carried_fields(image)
    assert "os_glance_import_task" not in fields and fields["os_distro"] == "debian"


def test_private_images_stay_private_and_others_take_the_destination_default() -> None:
    from imagedeck.model import Image

    def copied(visibility: str) -> str | None:
        image = Image(id="x", name="n", disk_format="raw", container_format="bare", visibility=visibility)
        return carried_fields(image).get("visibility")

    assert copied("private") == "private"
    assert [copied(v) for v in ("shared", "public", "community")] == [None, None, None]
