"""The local store's upload byte path: bytes and hashes exact whatever the chunking, the
steps in flight bounded, a failed write or a source that changes size ending cleanly."""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from imagedeck.model import ImageStatus, Invalid, QuotaExceeded
from imagedeck.stores import local_blobs
from imagedeck.stores.local import LocalStore
from imagedeck.transfers.streams import read_file

FORMATS = {"disk_format": "raw", "container_format": "bare"}
STEP = 64 * 1024


@pytest.fixture(autouse=True)
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps of 64 KiB, two in flight, a sync every four: every branch with little data."""
    monkeypatch.setattr(local_blobs, "CHUNK_SIZE", STEP)
    monkeypatch.setattr(local_blobs, "DEPTH", 2)
    monkeypatch.setattr(local_blobs, "SYNC_EVERY", 4 * STEP)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "store", "alpha") as opened:
        yield opened


async def _pieces(data: bytes, piece: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


def _data(size: int) -> bytes:
    return (hashlib.sha512(str(size).encode()).digest() * (size // 64 + 1))[:size]


def _blob_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("blob")]


@pytest.mark.parametrize(
    ("size", "piece"),
    [(0, 1), (1, 1), (STEP, STEP), (STEP, 61), (STEP + 1, 1000), (9 * STEP + 13, 3 * STEP + 5)],
    ids=["empty", "one-byte", "exactly-one-step", "short-reads", "step-plus-one", "long-pieces"],
)
async def test_bytes_and_hashes_are_exact(store: LocalStore, tmp_path: Path, size: int, piece: int) -> None:
    data = _data(size)
    image = await store.create_image({"name": "exact", **FORMATS})
    done = await store.upload(image.id, _pieces(data, piece), size)
    assert (tmp_path / "store" / "blobs" / image.id).read_bytes() == data
    assert (done.size, done.checksum, done.os_hash_value) == (
        size,
        hashlib.md5(data).hexdigest(),
        hashlib.sha512(data).hexdigest(),
    )
    assert _blob_threads() == []


async def test_a_failed_write_ends_the_upload_and_leaves_no_file(
    store: LocalStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    real_write = local_blobs.BlobWriter.write

    def full_disk(self: local_blobs.BlobWriter, data: bytes) -> None:
        if len(written) == 3:
            raise local_blobs.io_error(OSError(errno.ENOSPC, "No space left"), "cannot write")
        written.append(len(data))
        real_write(self, data)

    monkeypatch.setattr(local_blobs.BlobWriter, "write", full_disk)
    image = await store.create_image({"name": "full", **FORMATS})
    with pytest.raises(QuotaExceeded, match="disk holding the local store is full"):
        await store.upload(image.id, _pieces(_data(20 * STEP), STEP))
    assert (await store.get_image(image.id)).status == ImageStatus.QUEUED
    assert os.listdir(tmp_path / "store" / "blobs") == []
    assert _blob_threads() == []


@pytest.mark.parametrize(("change", "message"), [("grow", "more data than"), ("shrink", "data ended after")])
async def test_a_file_that_changes_size_while_read_is_refused(
    store: LocalStore, tmp_path: Path, change: str, message: str
) -> None:
    source = tmp_path / "changing.raw"
    source.write_bytes(_data(6 * STEP))
    size = source.stat().st_size

    async def changing() -> AsyncIterator[bytes]:
        first = True
        async for chunk in read_file(source, chunk_size=STEP):
            yield chunk
            if first:
                with open(source, "r+b") as file:
                    file.truncate(2 * STEP) if change == "shrink" else file.seek(0, os.SEEK_END)
                    if change == "grow":
                        file.write(b"more")
                first = False

    image = await store.create_image({"name": "changing", **FORMATS})
    with pytest.raises(Invalid, match=message):
        await store.upload(image.id, changing(), size)
    assert (await store.get_image(image.id)).status == ImageStatus.QUEUED
    assert os.listdir(tmp_path / "store" / "blobs") == []
