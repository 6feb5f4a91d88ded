"""A service killed mid-job: the next one resumes a download from its verified prefix and
restarts an upload without leaving a second image behind."""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest

from imagedeck.model import ImageQuery, NotFound
from imagedeck.service.client import ServiceClient
from imagedeck.service.journal import Journal
from imagedeck.service.paths import ServicePaths
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import TransferProgress, TransferState, part_path
from service_support import (
    MIB,
    download_spec,
    local_place,
    random_file,
    service_pid,
    sha512,
    until,
    upload_spec,
)


async def kill_service(paths: ServicePaths) -> None:
    pid = service_pid(paths)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    await until(lambda: service_pid(paths) is None, 10, "the service to die")


async def watch_to_end(
    client: ServiceClient, job_id: str, dest: Path | None = None, expected: str | None = None
) -> TransferProgress:
    """Follow a job to its end; whenever the final name exists, it holds the whole verified file.

    An event is read a moment after it was sent, so the file may already be published when the
    last progress event before "done" arrives: what matters is that it is never a partial file.
    """
    async for progress in client.watch([job_id]):
        if progress.finished:
            return progress
        if dest is not None and dest.exists():
            assert sha512(dest) == expected, "an unverified file appeared under the final name"
    raise AssertionError("the watch ended early")


async def test_a_killed_download_resumes_from_its_verified_prefix(
    client: ServiceClient, paths: ServicePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = random_file(tmp_path / "disk.raw", 6 * MIB)
    async with LocalStore(tmp_path / "store", "alpha") as store:
        image = await store.create_image({"name": "big", "disk_format": "raw", "container_format": "bare"})
        await store.upload(image.id, _chunks(source), 6 * MIB)
    monkeypatch.setenv("IMAGEDECK_SERVICE_RATE_LIMIT", str(3 * MIB))
    dest = tmp_path / "out" / "big.raw"
    dest.parent.mkdir()
    job_id = await client.submit(download_spec(local_place(tmp_path / "store"), image.id, dest))
    part = part_path(dest)
    await until(lambda: part.exists() and part.stat().st_size >= 2 * MIB, 20, "half of the download")
    await kill_service(paths)
    assert not dest.exists()

    last = await watch_to_end(client, job_id, dest, sha512(source))  # the watch starts the next service
    assert last.state == TransferState.DONE, last.message
    assert sha512(dest) == sha512(source) and not part.exists()
    row = next(r for r in Journal.read(paths.journal) if r.id == job_id)
    assert row.resumed_from is not None and row.resumed_from >= 2 * MIB


async def test_an_upload_cut_by_a_killed_service_leaves_one_image(
    client: ServiceClient, paths: ServicePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = random_file(tmp_path / "disk.raw", 6 * MIB)
    monkeypatch.setenv("IMAGEDECK_SERVICE_RATE_LIMIT", str(3 * MIB))
    place = local_place(tmp_path / "store")
    job_id = await client.submit(upload_spec(place, source, "cut"))

    def created() -> str | None:
        row = next(r for r in Journal.read(paths.journal) if r.id == job_id)
        return row.image_id if row.progress.done > 0 else None

    first = await until(created, 20, "the upload to create its image and move")
    await kill_service(paths)

    last = await watch_to_end(client, job_id)
    assert last.state == TransferState.DONE, last.message
    async with LocalStore(tmp_path / "store", "alpha") as store:
        named = await store.all_images(dataclasses.replace(ImageQuery(), name="cut"))
        assert [image.status for image in named] == ["active"]
        if named[0].id != first:  # not reused: then the first one is gone
            with pytest.raises(NotFound):
                await store.get_image(first)
        assert named[0].size == 6 * MIB


async def _chunks(path: Path):  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    for start in range(0, len(data), MIB):
        yield data[start : start + MIB]


async def test_a_cancelled_upload_is_retried_by_the_next_service(
    client: ServiceClient, paths: ServicePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = random_file(tmp_path / "disk.raw", 4 * MIB)
    monkeypatch.setenv("IMAGEDECK_SERVICE_RATE_LIMIT", str(2 * MIB))
    job_id = await client.submit(upload_spec(local_place(tmp_path / "store"), source, "again"))
    async for progress in client.watch([job_id]):
        if progress.done > 0:
            break
    assert await client.cancel(job_id)
    assert (await watch_to_end(client, job_id)).state == TransferState.CANCELLED
    await kill_service(paths)

    monkeypatch.delenv("IMAGEDECK_SERVICE_RATE_LIMIT")
    await client.retry(job_id)  # a new service, which knows the job from its journal only
    last = await watch_to_end(client, job_id)
    assert last.state == TransferState.DONE, last.message
    async with LocalStore(tmp_path / "store", "alpha") as store:
        named = await store.all_images(dataclasses.replace(ImageQuery(), name="again"))
        assert [(image.status, image.size) for image in named] == [("active", 4 * MIB)]
