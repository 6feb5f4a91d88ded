"""Every path into a store refuses what an upload of the file refuses: the local store
inspects what it receives, and copies and imports inspect what they move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from imagedeck.formats import overriding
from imagedeck.model import FormatRejected, ImageQuery
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import CopyJob, FormatMismatch, ImportJob, TransferState, UnsafeImage, UploadJob
from transfer_support import MIB, qcow2_backed_by

RAW = {"disk_format": "raw", "container_format": "bare"}
QCOW2 = {"disk_format": "qcow2", "container_format": "bare"}


async def chunks(data: bytes, piece: int = 65536) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


def leftovers(store: LocalStore) -> list[str]:
    return sorted(p.name for p in (store.path / "blobs").iterdir())


async def test_local_store_refuses_a_backing_file_and_keeps_nothing(store: LocalStore, image_file) -> None:
    child = qcow2_backed_by(image_file("raw", mib=1)).read_bytes()
    image = await store.create_image({"name": "evil", **QCOW2})
    with pytest.raises(FormatRejected, match="backing file") as caught:
        await store.upload(image.id, chunks(child), len(child))
    assert "queued again" in str(caught.value)
    assert (await store.get_image(image.id)).status == "queued"
    assert leftovers(store) == []


async def test_local_store_refuses_qcow2_declared_raw_unless_forced(store: LocalStore, image_file) -> None:
    data = image_file("qcow2", mib=2).read_bytes()
    image = await store.create_image({"name": "liar", **RAW})
    with pytest.raises(FormatRejected, match="qcow2 content declared raw"):
        await store.upload(image.id, chunks(data), len(data))
    assert (await store.get_image(image.id)).status == "queued" and leftovers(store) == []
    with overriding(force_format=True):
        forced = await store.upload(image.id, chunks(data), len(data))
    assert forced.status == "active" and forced.size == len(data)


async def test_local_store_refuses_random_bytes_declared_qcow2(store: LocalStore) -> None:
    image = await store.create_image({"name": "junk", **QCOW2})
    with pytest.raises(FormatRejected, match="not qcow2"):
        await store.upload(image.id, chunks(b"\x5a" * MIB))
    assert (await store.get_image(image.id)).status == "queued"


async def test_local_store_refuses_a_flat_vmdk_descriptor(store: LocalStore, tmp_path: Path) -> None:
    descriptor = (
        b"# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        b'createType="monolithicFlat"\nRW 2048 FLAT "/etc/passwd" 0\n'
    ) + b"\0" * 4096
    image = await store.create_image({"name": "flat", "disk_format": "vmdk", "container_format": "bare"})
    with pytest.raises(FormatRejected, match='"/etc/passwd"'):
        await store.upload(image.id, chunks(descriptor))
    assert (await store.get_image(image.id)).status == "queued"


async def test_a_refused_header_stops_the_stream_early(store: LocalStore, image_file) -> None:
    """The header settles it: the rest of a long stream is not read."""
    header = qcow2_backed_by(image_file("raw", mib=1)).read_bytes()
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield header
        while sent < 512 * MIB:
            sent += MIB
            yield b"\0" * MIB

    image = await store.create_image({"name": "early", **QCOW2})
    with pytest.raises(FormatRejected, match="backing file"):
        await store.upload(image.id, endless())
    assert sent < 16 * MIB


async def test_local_store_records_the_virtual_size_it_inspected(store: LocalStore, image_file) -> None:
    data = image_file("qcow2", mib=3).read_bytes()
    image = await store.create_image({"name": "fine", **QCOW2})
    uploaded = await store.upload(image.id, chunks(data), len(data))
    assert uploaded.status == "active" and uploaded.virtual_size == 3 * MIB


async def unsafe_source(store: LocalStore, rec, image_file) -> str:
    child = qcow2_backed_by(image_file("raw", mib=1))
    job = await rec.run(UploadJob(store, child, {"name": "evil"}, allow_unsafe=True))
    assert job.state == TransferState.DONE, job.message
    return job.result.id


async def test_copy_refuses_an_unsafe_image_before_creating_anything(store, cache, rec, image_file) -> None:
    image_id = await unsafe_source(store, rec, image_file)
    job = await rec.run(CopyJob(store, image_id, cache))
    assert job.state == TransferState.FAILED and isinstance(job.error, UnsafeImage), job.message
    assert "backing file" in job.message
    assert await cache.all_images() == []
    allowed = await rec.run(CopyJob(store, image_id, cache, allow_unsafe=True))
    assert allowed.state == TransferState.DONE, allowed.message


async def test_copy_refuses_qcow2_stored_as_raw(store, cache, rec, image_file) -> None:
    src = image_file("qcow2", mib=2)
    up = await rec.run(UploadJob(store, src, {"name": "liar", "disk_format": "raw"}, force_format=True))
    assert up.state == TransferState.DONE, up.message
    job = await rec.run(CopyJob(store, up.result.id, cache))
    assert job.state == TransferState.FAILED and isinstance(job.error, FormatMismatch), job.message
    assert "qcow2 content declared raw" in job.message
    assert await cache.all_images() == []
    forced = await rec.run(CopyJob(store, up.result.id, cache, force_format=True))
    assert forced.state == TransferState.DONE, forced.message


async def test_copy_says_what_it_inspected(store, cache, rec, image_file) -> None:
    up = await rec.run(UploadJob(store, image_file("qcow2", mib=2), {"name": "good"}))
    job = await rec.run(CopyJob(store, up.result.id, cache))
    assert job.state == TransferState.DONE and "qcow2, safe" in job.message


async def test_import_fetched_here_refuses_unsafe_and_mismatched_data(store, rec, image_file, web) -> None:
    base, root = web
    (root / "child.qcow2").write_bytes(qcow2_backed_by(image_file("raw", mib=1)).read_bytes())
    (root / "disk.qcow2").write_bytes(image_file("qcow2", mib=2).read_bytes())
    unsafe = await rec.run(ImportJob(store, f"{base}/child.qcow2", {"name": "evil", "disk_format": "qcow2"}))
    assert unsafe.state == TransferState.FAILED and isinstance(unsafe.error, UnsafeImage), unsafe.message
    assert "backing file" in unsafe.message and "deleted" in unsafe.message
    liar = await rec.run(ImportJob(store, f"{base}/disk.qcow2", {"name": "liar", "disk_format": "raw"}))
    assert liar.state == TransferState.FAILED and isinstance(liar.error, FormatMismatch), liar.message
    assert await store.all_images() == []
    forced = await rec.run(
        ImportJob(store, f"{base}/disk.qcow2", {"name": "liar", "disk_format": "raw"}, force_format=True)
    )
    assert forced.state == TransferState.DONE, forced.message


# -- the real Glance -----------------------------------------------------------------


@pytest.mark.lab
async def test_copy_to_glance_refuses_what_glance_would_accept_silently(
    glance, uid, store, rec, image_file
) -> None:
    cloud = await glance()
    up = await rec.run(
        UploadJob(
            store, image_file("qcow2", mib=2), {"name": "liar", "disk_format": "raw"}, force_format=True
        )
    )
    job = await rec.run(CopyJob(store, up.result.id, cloud, name=f"{uid}-liar", fields={"tags": [uid]}))
    assert job.state == TransferState.FAILED and isinstance(job.error, FormatMismatch), job.message
    assert await cloud.all_images(ImageQuery(tags=(uid,))) == []


@pytest.mark.lab
async def test_web_download_checks_the_url_from_here_first(glance, uid, rec, image_file, web) -> None:
    cloud = await glance()
    base, root = web
    (root / "child.qcow2").write_bytes(qcow2_backed_by(image_file("raw", mib=1)).read_bytes())
    (root / "disk.qcow2").write_bytes(image_file("qcow2", mib=2).read_bytes())
    fields = {"name": f"{uid}-evil", "tags": [uid], "disk_format": "qcow2"}
    refused = await rec.run(ImportJob(cloud, f"{base}/child.qcow2", fields, timeout=120))
    assert refused.state == TransferState.FAILED and isinstance(refused.error, UnsafeImage), refused.message
    assert await cloud.all_images(ImageQuery(tags=(uid,))) == []
    good = {"name": f"{uid}-good", "tags": [uid], "disk_format": "qcow2"}
    job = await rec.run(ImportJob(cloud, f"{base}/disk.qcow2", good, timeout=120))
    assert job.state == TransferState.DONE, job.message
    assert "checked here: qcow2, safe" in job.message and "size matches" in job.message
