"""Local-store behaviour beyond the shared contract: files on disk, full disks, identity,
keyset pagination over ties, and opening problems."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import subprocess
from pathlib import Path

import pytest

from imagedeck.model import (
    Change,
    ImageDeckError,
    ImageQuery,
    Invalid,
    NotFound,
    QuotaExceeded,
    SortKey,
    Unavailable,
)
from imagedeck.stores import local_blobs, local_catalog, local_data
from imagedeck.stores.local import LocalStore
from imagedeck.stores.local_rules import Actor

FORMATS = {"disk_format": "raw", "container_format": "bare"}


async def _chunks(data: bytes, piece: int = 4096):
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


@pytest.fixture
async def store(tmp_path: Path):
    async with LocalStore(tmp_path / "store", "alpha", user="alice") as opened:
        yield opened


async def test_layout_on_disk_follows_the_image(store: LocalStore, tmp_path: Path) -> None:
    image = await store.create_image({"name": "disk", **FORMATS})
    blob = tmp_path / "store" / "blobs" / image.id
    assert (tmp_path / "store" / "catalog.sqlite").is_file()
    assert not blob.exists()
    await store.upload(image.id, _chunks(b"on disk"))
    assert blob.read_bytes() == b"on disk"
    await store.delete_image(image.id)
    assert not blob.exists()


async def test_catalog_persists_across_reopening(tmp_path: Path) -> None:
    async with LocalStore(tmp_path, "alpha") as first:
        image = await first.create_image({"name": "kept", "os_distro": "debian", "tags": ["t"]})
    async with LocalStore(tmp_path, "alpha") as second:
        again = await second.get_image(image.id)
    assert (again.name, again.properties, again.tags) == ("kept", {"os_distro": "debian"}, ["t"])


async def test_identity_of_a_local_project(tmp_path: Path) -> None:
    async with LocalStore(tmp_path, "alpha", user="alice") as member:
        me = await member.whoami()
        assert (me.project_id, me.project_name, me.user_name) == ("alpha", "alpha", "alice")
        assert me.roles == ("member",) and me.store_label == f"local:{tmp_path}"
        assert await member.resolve_project("beta") == "beta"
    async with LocalStore(tmp_path, "ops", admin=True) as admin:
        me = await admin.whoami()
        assert me.roles == ("member", "admin") and me.user_name == "ops"


async def test_full_disk_is_a_quota_error_and_leaves_nothing(
    store: LocalStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = await store.create_image({"name": "too big", **FORMATS})
    real_open = open

    class FillingFile:
        """A data file on a disk that fills up after the first megabyte."""

        def __init__(self, *args, **kwargs) -> None:
            self._file = real_open(*args, **kwargs)
            self._written = 0

        def write(self, data: bytes) -> int:
            if self._written >= local_blobs.CHUNK_SIZE:
                raise OSError(errno.ENOSPC, "No space left on device")
            self._written += len(data)
            return self._file.write(data)

        def __getattr__(self, name: str):
            return getattr(self._file, name)

    monkeypatch.setattr(local_blobs, "open", FillingFile, raising=False)
    with pytest.raises(QuotaExceeded, match="full"):
        await store.upload(image.id, _chunks(b"z" * (4 * local_blobs.CHUNK_SIZE), 65536))
    assert (await store.get_image(image.id)).status == "queued"
    assert list((tmp_path / "store" / "blobs").iterdir()) == []

    monkeypatch.undo()
    uploaded = await store.upload(image.id, _chunks(b"fits now"))
    assert uploaded.status == "active"


async def test_cancelled_upload_returns_to_queued(store: LocalStore, tmp_path: Path) -> None:
    image = await store.create_image({"name": "cancelled", **FORMATS})
    started = asyncio.Event()

    async def stalls():
        yield b"first part"
        started.set()
        await asyncio.Event().wait()  # never resumes; the task is cancelled here
        yield b"never"

    task = asyncio.create_task(store.upload(image.id, stalls()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await store.get_image(image.id)).status == "queued"
    assert list((tmp_path / "store" / "blobs").iterdir()) == []


async def test_pages_over_ties_and_missing_values(store: LocalStore) -> None:
    """Many equal sort values and images without a size: every image exactly once."""
    made = []
    for i in range(23):
        name = "same" if i % 2 else None
        image = await store.create_image({"name": name, **FORMATS, "tags": ["tie"]})
        if i % 3:
            image = await store.upload(image.id, _chunks(b"x" * (i % 4)))
        made.append(image)
    for sort in (SortKey("name"), SortKey("size", "desc"), SortKey("size"), SortKey("status")):
        query = ImageQuery(tags=("tie",), sort=(sort,))
        pages = [page async for page in store.list_images(query, page_size=4)]
        ids = [image.id for page in pages for image in page]
        assert sorted(ids) == sorted(image.id for image in made), sort
        assert all(len(page) == 4 for page in pages[:-1]) and 0 < len(pages[-1]) <= 4


async def test_page_size_must_be_positive(store: LocalStore) -> None:
    with pytest.raises(Invalid):
        await store.list_images(page_size=0).__anext__()


async def test_changes_bump_updated_at_only_when_something_changed(store: LocalStore) -> None:
    image = await store.create_image({"name": "stamp"})
    unchanged = await store.update_image(image.id, [])
    assert unchanged.updated_at == image.updated_at
    changed = await store.update_image(image.id, [Change.add("a", "b")])
    assert changed.properties == {"a": "b"} and changed.updated_at >= image.updated_at


async def test_a_catalog_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    async with LocalStore(tmp_path, "alpha"):
        pass
    conn = sqlite3.connect(tmp_path / "catalog.sqlite")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(Invalid, match="newer"):
        await LocalStore(tmp_path, "alpha").open()


async def test_an_unusable_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(ImageDeckError, match="cannot create the local store"):
        await LocalStore(tmp_path / "file", "alpha").open()


async def test_giving_up_after_the_catalog_recorded_the_data_keeps_it(tmp_path: Path) -> None:
    """A cancelled upload whose final commit was already running stays active: the undo
    step runs after it on the database thread and sees the data recorded."""
    async with LocalStore(tmp_path, "alpha") as store:
        image = await store.create_image({"name": "late cancel", **FORMATS})
    conn = local_catalog.connect(tmp_path / "catalog.sqlite")
    blobs = local_blobs.BlobDir(tmp_path / "blobs")
    try:
        writer = local_data.begin_upload(conn, Actor("alpha"), blobs, image.id)
        writer.write(b"recorded")
        writer.commit()
        local_data.finish_upload(conn, writer, None)
        local_data.abort_upload(conn, writer)
        writer.release()
    finally:
        conn.close()
    async with LocalStore(tmp_path, "alpha") as store:
        assert (await store.get_image(image.id)).status == "active"
        async with store.download(image.id) as download:
            assert b"".join([c async for c in download.chunks]) == b"recorded"


async def test_a_damaged_catalog_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "catalog.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ImageDeckError, match="catalog of the local store"):
        await LocalStore(tmp_path, "alpha").open()


async def test_upload_needs_an_async_stream_of_bytes(store: LocalStore) -> None:
    image = await store.create_image({"name": "typed", **FORMATS})
    with pytest.raises(Invalid):
        await store.upload(image.id, b"plain bytes")  # type: ignore[arg-type]

    async def texts():
        yield "not bytes"

    with pytest.raises(Invalid):
        await store.upload(image.id, texts())  # type: ignore[arg-type]
    assert (await store.get_image(image.id)).status == "queued"


async def test_a_catalog_locked_too_long_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_catalog, "BUSY_TIMEOUT_S", 0.2)
    async with LocalStore(tmp_path, "alpha") as store:
        blocker = sqlite3.connect(tmp_path / "catalog.sqlite", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        try:
            with pytest.raises(Unavailable, match="busy"):
                await store.create_image({"name": "waits"})
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert (await store.create_image({"name": "fine now"})).name == "fine now"


async def test_virtual_size_comes_from_the_format_inspector(store: LocalStore, tmp_path: Path) -> None:
    raw = await store.create_image({"name": "raw", **FORMATS})
    raw = await store.upload(raw.id, _chunks(b"r" * 5000))
    assert raw.virtual_size == 5000

    qcow2_file = tmp_path / "disk.qcow2"
    subprocess.run(
        ["qemu-img", "create", "-f", "qcow2", str(qcow2_file), "64M"],
        check=True,
        capture_output=True,
    )
    fields = {"name": "qcow2", "disk_format": "qcow2", "container_format": "bare"}
    qcow2 = await store.create_image(fields)
    qcow2 = await store.upload(qcow2.id, _chunks(qcow2_file.read_bytes()))
    assert qcow2.virtual_size == 64 * 1024 * 1024
    assert qcow2.size == qcow2_file.stat().st_size


async def test_an_image_deleted_elsewhere_as_its_upload_finishes_is_not_found(
    store: LocalStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process may delete the image between the upload's commit and its reading back."""
    image = await store.create_image({"name": "gone", **FORMATS})
    catalog_file = tmp_path / "store" / "catalog.sqlite"
    read = local_catalog.read

    def read_after_another_process(conn: sqlite3.Connection):
        with sqlite3.connect(catalog_file) as other:
            other.execute("DELETE FROM images WHERE id = ? AND status = 'active'", (image.id,))
        other.close()
        return read(conn)

    monkeypatch.setattr(local_catalog, "read", read_after_another_process)
    with pytest.raises(NotFound, match=f"image {image.id} was deleted"):
        await store.upload(image.id, _chunks(b"late"))
