"""Import from a URL into a store without web-download (fetched here), and uploads the
inspector refuses before anything is created."""

from __future__ import annotations

import hashlib

import pytest

from imagedeck.model import Invalid
from imagedeck.transfers import FormatMismatch, ImportJob, TransferState, UnsafeImage, UploadJob
from transfer_support import qcow2_backed_by


async def test_import_without_web_download_fetches_here(store, rec, image_file, web) -> None:
    base, root = web
    src = image_file("qcow2")
    (root / "cloud.qcow2").write_bytes(src.read_bytes())
    job = await rec.run(ImportJob(store, f"{base}/cloud.qcow2", {"name": "from-web", "disk_format": "qcow2"}))
    assert job.state == TransferState.DONE, job.message
    assert "fetched here" in job.message and "no web-download" in job.message
    image = job.result
    assert image.name == "from-web" and image.status == "active"
    assert image.os_hash_value == hashlib.sha512(src.read_bytes()).hexdigest()
    assert job.done == src.stat().st_size


async def test_import_of_a_missing_url_fails_and_leaves_nothing(store, rec, web) -> None:
    base, _ = web
    job = await rec.run(ImportJob(store, f"{base}/missing.raw", {"name": "gone", "disk_format": "raw"}))
    assert job.state == TransferState.FAILED
    assert "404" in job.message and "deleted" in job.message
    assert await store.all_images() == []


async def test_import_needs_a_disk_format_and_an_http_url(store, rec) -> None:
    job = await rec.run(ImportJob(store, "http://127.0.0.1:9/x", {"name": "x"}))
    assert job.state == TransferState.FAILED and "disk format" in job.message
    with pytest.raises(Invalid, match="only http and https"):
        ImportJob(store, "file:///etc/passwd", {"disk_format": "raw"})


async def test_unsafe_image_is_refused_and_nothing_created(store, rec, image_file) -> None:
    child = qcow2_backed_by(image_file("raw", mib=1))
    job = await rec.run(UploadJob(store, child, {"name": "evil"}))
    assert job.state == TransferState.FAILED and isinstance(job.error, UnsafeImage)
    assert "backing file" in job.message and "nothing was created" in job.message
    assert await store.all_images() == []
    allowed = await rec.run(UploadJob(store, child, {"name": "evil"}, allow_unsafe=True))
    assert allowed.state == TransferState.DONE, allowed.message


async def test_declared_format_mismatch_is_refused_unless_forced(store, rec, image_file) -> None:
    src = image_file("qcow2")
    job = await rec.run(UploadJob(store, src, {"name": "liar", "disk_format": "raw"}))
    assert job.state == TransferState.FAILED and isinstance(job.error, FormatMismatch)
    assert "qcow2" in job.message and "nothing was created" in job.message
    assert await store.all_images() == []
    forced = await rec.run(UploadJob(store, src, {"name": "liar", "disk_format": "raw"}, force_format=True))
    assert forced.state == TransferState.DONE, forced.message
    assert forced.result.disk_format == "raw"
