"""The local store survives kill -9 mid-upload and two processes writing at once."""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from imagedeck.model import ImageQuery
from imagedeck.stores.local import LocalStore

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
#: Megabytes the uploading child writes before it stops and waits to be killed.
WRITTEN_MIB = 8

UPLOADER = f"""
import asyncio, sys
from pathlib import Path
from imagedeck.stores.local import LocalStore

async def data():
    for _ in range({WRITTEN_MIB}):
        yield b"\\xab" * {MIB}
    # Hold the upload open until the parent kills us (or goes away: stdin reaches EOF).
    await asyncio.to_thread(sys.stdin.read)
    raise SystemExit("parent went away")

async def main():
    async with LocalStore(Path(sys.argv[1]), "alpha") as store:
        await store.upload(sys.argv[2], data())

asyncio.run(main())
"""

WRITER = """
import asyncio, sys
from pathlib import Path
from imagedeck.model import Change
from imagedeck.stores.local import LocalStore

async def main(path, project, count):
    sys.stdin.readline()  # start together with the other writer
    async with LocalStore(Path(path), project) as store:
        for i in range(count):
            image = await store.create_image({"name": f"{project}-{i}", "tags": ["busy"]})
            await store.update_image(image.id, [Change.add("serial", str(i))])
            await store.add_tag(image.id, project)

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def _spawn(code: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _temp_files(store_dir: Path) -> list[Path]:
    return sorted((store_dir / "blobs").glob(".tmp-*"))


async def _queued_raw_image(store_dir: Path) -> str:
    async with LocalStore(store_dir, "alpha") as store:
        image = await store.create_image({"name": "big", "disk_format": "raw", "container_format": "bare"})
    return image.id


async def test_kill_mid_upload_leaves_a_queued_image_and_no_temp_files(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    image_id = await _queued_raw_image(store_dir)
    child = _spawn(UPLOADER, str(store_dir), image_id)
    try:

        def all_written() -> bool:
            if child.poll() is not None:
                raise AssertionError(f"uploader exited early: {child.stderr.read().decode()}")
            files = _temp_files(store_dir)
            return bool(files) and files[0].stat().st_size == WRITTEN_MIB * MIB

        await asyncio.to_thread(_wait_for, all_written, "the upload's temporary file to fill")

        # Opening the store elsewhere meanwhile must not disturb the live upload.
        async with LocalStore(store_dir, "alpha") as other:
            assert (await other.get_image(image_id)).status == "saving"
        assert len(_temp_files(store_dir)) == 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stderr.close()
        child.stdin.close()
    assert child.returncode == -signal.SIGKILL

    async with LocalStore(store_dir, "alpha") as store:
        image = await store.get_image(image_id)
        assert image.status == "queued"
        assert image.size is None and image.checksum is None
        assert _temp_files(store_dir) == []
        assert not (store_dir / "blobs" / image_id).exists()

        async def retry():
            yield b"after the crash"

        retried = await store.upload(image_id, retry())
        assert retried.status == "active" and retried.size == len(b"after the crash")
    _assert_catalog_intact(store_dir)


async def test_recovery_after_a_crash_between_rename_and_commit(tmp_path: Path) -> None:
    """The on-disk state such a crash leaves: the data under its final name, the catalog
    still saying ``saving``; plus a stray temp file and a file with no image at all."""
    store_dir = tmp_path / "store"
    async with LocalStore(store_dir, "alpha") as store:
        fields = {"disk_format": "raw", "container_format": "bare"}
        crashed = await store.create_image({"name": "crashed", **fields})
        kept = await store.create_image({"name": "kept", **fields})

        async def data():
            yield b"kept data"

        await store.upload(kept.id, data())
    blobs = store_dir / "blobs"
    with sqlite3.connect(store_dir / "catalog.sqlite") as conn:
        conn.execute("UPDATE images SET status = 'saving' WHERE id = ?", (crashed.id,))
    conn.close()
    (blobs / crashed.id).write_bytes(b"complete but never recorded")
    (blobs / f".tmp-{kept.id}-0123abcd").write_bytes(b"stray")
    (blobs / "7f1f3bc4-5a4c-4f1e-9a8e-3c0e5b1d2a6f").write_bytes(b"orphan")

    async with LocalStore(store_dir, "alpha") as store:
        again = await store.get_image(crashed.id)
        assert again.status == "queued" and again.checksum is None
        assert sorted(p.name for p in blobs.iterdir()) == [kept.id]
        async with store.download(kept.id) as download:
            assert b"".join([c async for c in download.chunks]) == b"kept data"
        assert (await store.get_image(kept.id)).status == "active"


async def test_recovery_leaves_an_upload_another_process_holds(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    async with LocalStore(store_dir, "alpha") as store:
        image = await store.create_image({"disk_format": "raw", "container_format": "bare"})
    with sqlite3.connect(store_dir / "catalog.sqlite") as conn:
        conn.execute("UPDATE images SET status = 'saving' WHERE id = ?", (image.id,))
    conn.close()
    held = store_dir / "blobs" / f".tmp-{image.id}-feedface"
    with open(held, "wb") as live:
        fcntl.flock(live.fileno(), fcntl.LOCK_EX)
        async with LocalStore(store_dir, "alpha") as store:
            assert (await store.get_image(image.id)).status == "saving"
        assert held.exists()
    async with LocalStore(store_dir, "alpha") as store:  # the holder is gone now
        assert (await store.get_image(image.id)).status == "queued"
    assert not held.exists()


async def test_two_processes_writing_at_once_keep_the_catalog_intact(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    async with LocalStore(store_dir, "alpha"):
        pass
    count = 120
    children = [_spawn(WRITER, str(store_dir), who, str(count)) for who in ("alpha", "beta")]
    for child in children:
        child.stdin.write(b"go\n")
        child.stdin.flush()
    for child in children:
        _, err = await asyncio.to_thread(child.communicate, None, 120)
        assert child.returncode == 0, err.decode()

    _assert_catalog_intact(store_dir)
    async with LocalStore(store_dir, "admin", admin=True) as admin:
        listed = await admin.all_images(ImageQuery(tags=("busy",), visibility="all"))
    assert len(listed) == 2 * count
    for project in ("alpha", "beta"):
        mine = sorted((i for i in listed if i.owner == project), key=lambda i: int(i.properties["serial"]))
        assert [i.name for i in mine] == [f"{project}-{n}" for n in range(count)]
        assert all(set(i.tags) == {"busy", project} for i in mine)


def _assert_catalog_intact(store_dir: Path) -> None:
    conn = sqlite3.connect(store_dir / "catalog.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
