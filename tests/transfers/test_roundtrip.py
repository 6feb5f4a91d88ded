"""Upload then download through the engine: the bytes that come back are the bytes sent."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from imagedeck.stores.local import LocalStore
from imagedeck.transfers import DownloadJob, TransferKind, TransferState, UploadJob, part_path
from transfer_support import FORMATS, MIB, Recorder

GIB = 1024 * MIB


def sha512_of(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as f:
        while chunk := f.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
async def test_round_trip_is_byte_exact(
    fmt: str, store: LocalStore, rec: Recorder, image_file, tmp_path: Path
) -> None:
    src = image_file(fmt)
    up = await rec.run(UploadJob(store, src, {"name": f"disk-{fmt}"}))
    assert up.state == TransferState.DONE, up.message
    image = up.result
    assert image.disk_format == fmt
    assert image.container_format == "bare"
    assert image.size == src.stat().st_size
    assert image.os_hash_value == sha512_of(src)
    assert "checksums match" in (up.message or "")

    dest = tmp_path / "back" / f"disk.{fmt}"
    dest.parent.mkdir()
    down = await rec.run(DownloadJob(store, image.id, dest))
    assert down.state == TransferState.DONE, down.message
    assert dest.read_bytes() == src.read_bytes()
    assert not part_path(dest).exists()
    assert "sha512 verified" in (down.message or "")


async def test_events_describe_the_job(store: LocalStore, rec: Recorder, image_file) -> None:
    src = image_file("raw", mib=8)
    job = UploadJob(store, src, {"name": "events"})
    await rec.run(job)
    events = rec.of(job)
    states = [e.state for e in events]
    assert states[0] == TransferState.QUEUED
    assert TransferState.RUNNING in states and TransferState.VERIFYING in states
    assert states[-1] == TransferState.DONE
    assert all(e.kind == TransferKind.UPLOAD for e in events)
    running = [e for e in events if e.state == TransferState.RUNNING and e.total]
    assert [e.done for e in running] == sorted(e.done for e in running)
    assert running[-1].done == running[-1].total == src.stat().st_size
    assert events[-1].source == str(src)
    assert job.result.id in events[-1].destination


async def test_one_gib_sparse_round_trip(store: LocalStore, rec: Recorder, tmp_path: Path) -> None:
    src = tmp_path / "sparse.raw"
    with open(src, "wb") as f:
        f.truncate(GIB)
        for where in (0, 300 * MIB + 17, GIB - 4096):
            f.seek(where)
            f.write(os.urandom(4096))
    up = await rec.run(UploadJob(store, src, {"name": "sparse", "disk_format": "raw"}))
    assert up.state == TransferState.DONE, up.message
    assert up.result.size == GIB
    dest = tmp_path / "sparse.out"
    down = await rec.run(DownloadJob(store, up.result.id, dest))
    assert down.state == TransferState.DONE, down.message
    assert dest.stat().st_size == GIB
    # the upload already proved the store's sha512 is the source's; the copy back must match it
    assert sha512_of(dest) == up.result.os_hash_value
