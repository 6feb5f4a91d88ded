"""A local store directory that is damaged, hostile or only to be looked at: opening it
never loses data, read-only touches nothing, new stores are private, links are not followed."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from imagedeck.model import Forbidden, ImageDeckError, Invalid, NotFound
from imagedeck.stores.local import LocalStore
from tests.cli_kit import isolate, run

FORMATS = {"disk_format": "raw", "container_format": "bare"}
ORPHAN_ID = "7f1f3bc4-5a4c-4f1e-9a8e-3c0e5b1d2a6f"

#: (relative path, kind, size, mtime in ns, mode) of everything under a directory.
Tree = list[tuple[str, str, int, int, int]]


def tree(root: Path) -> Tree:
    """Every entry under ``root`` (and ``root`` itself), links not followed."""
    found: Tree = []
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        kind = "link" if stat.S_ISLNK(info.st_mode) else "dir" if path.is_dir() else "file"
        found.append((str(path.relative_to(root)), kind, info.st_size, info.st_mtime_ns, info.st_mode))
    return found


async def _data(payload: bytes):
    yield payload


async def _seed(store_dir: Path, payload: bytes = b"precious data") -> str:
    """A store with one active image; returns its id."""
    async with LocalStore(store_dir, "alpha") as store:
        image = await store.create_image({"name": "precious", **FORMATS})
        await store.upload(image.id, _data(payload))
    return image.id


def _blob(store_dir: Path, image_id: str) -> Path:
    return store_dir / "blobs" / image_id


# -- 1. a lost or foreign catalog beside data is refused, nothing changes --------------


def _lose_catalog(store_dir: Path) -> None:
    (store_dir / "catalog.sqlite").unlink()


def _empty_catalog(store_dir: Path) -> None:
    (store_dir / "catalog.sqlite").write_bytes(b"")


def _catalog_without_tables(store_dir: Path) -> None:
    path = store_dir / "catalog.sqlite"
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE gone (x)")
    conn.execute("DROP TABLE gone")  # a valid SQLite file whose schema is empty
    conn.close()


def _foreign_database(store_dir: Path) -> None:
    path = store_dir / "catalog.sqlite"
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def _wrong_schema(store_dir: Path) -> None:
    conn = sqlite3.connect(store_dir / "catalog.sqlite")
    conn.execute("DROP TABLE image_members")
    conn.commit()
    conn.close()


def _garbage(store_dir: Path) -> None:
    (store_dir / "catalog.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)


DAMAGES = {
    "missing": (_lose_catalog, "no catalog.sqlite"),
    "zero-length": (_empty_catalog, "empty"),
    "no tables": (_catalog_without_tables, "empty"),
    "another program's database": (_foreign_database, "not an imagedeck catalog"),
    "tables missing": (_wrong_schema, "not an imagedeck catalog"),
    "not a database": (_garbage, "damaged"),
}


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
@pytest.mark.parametrize("damage", list(DAMAGES))
async def test_a_damaged_catalog_beside_data_is_refused_and_nothing_changes(
    tmp_path: Path, damage: str, read_only: bool
) -> None:
    store_dir = tmp_path / "store"
    image_id = await _seed(store_dir)
    spoil, reason = DAMAGES[damage]
    spoil(store_dir)
    before = tree(store_dir)

    with pytest.raises(ImageDeckError) as raised:
        await LocalStore(store_dir, "alpha", read_only=read_only).open()

    message = str(raised.value)
    assert str(store_dir) in message and "\n" not in message
    if not (read_only and damage == "missing"):
        assert reason in message
    assert tree(store_dir) == before
    assert _blob(store_dir, image_id).read_bytes() == b"precious data"


async def test_an_empty_catalog_in_a_store_without_data_is_started_afresh(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    store_dir.mkdir(mode=0o700)
    (store_dir / "catalog.sqlite").write_bytes(b"")  # e.g. a crash right after creating it
    async with LocalStore(store_dir, "alpha") as store:
        assert (await store.create_image({"name": "fresh"})).name == "fresh"


@pytest.mark.parametrize("spoil", [_garbage, _foreign_database], ids=["not a database", "foreign"])
async def test_a_bad_catalog_is_refused_even_without_data(
    tmp_path: Path, spoil: Callable[[Path], None]
) -> None:
    store_dir = tmp_path / "store"
    await _seed(store_dir)
    for path in (store_dir / "blobs").iterdir():
        path.unlink()
    (store_dir / "blobs").rmdir()
    spoil(store_dir)
    before = tree(store_dir)
    with pytest.raises(ImageDeckError, match="catalog"):
        await LocalStore(store_dir, "alpha").open()
    assert tree(store_dir) == before


# -- 2. recovery deletes only its own temporary files, quarantines orphans --------------


async def test_recovery_quarantines_orphans_and_leaves_unknown_files(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    kept = await _seed(store_dir)
    blobs = store_dir / "blobs"
    (blobs / ORPHAN_ID).write_bytes(b"someone's only copy")
    (blobs / f".tmp-{ORPHAN_ID}-0123abcd").write_bytes(b"half an upload")
    (blobs / "notes.txt").write_text("mine")
    (blobs / ".tmp-not-an-upload").write_text("mine too")
    (blobs / "sub").mkdir()

    store = LocalStore(store_dir, "alpha")
    async with store:
        assert (await store.get_image(kept)).status == "active"

    assert sorted(p.name for p in blobs.iterdir()) == sorted([kept, "notes.txt", ".tmp-not-an-upload", "sub"])
    [folder] = list((store_dir / "quarantine").iterdir())
    assert (folder / ORPHAN_ID).read_bytes() == b"someone's only copy"
    assert [p.name for p in folder.iterdir()] == [ORPHAN_ID]  # the temporary file was removed
    assert any(str(folder) in warning for warning in store.warnings)


async def test_a_second_recovery_uses_a_new_quarantine_folder(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    await _seed(store_dir)
    for payload in (b"first", b"second"):
        _blob(store_dir, ORPHAN_ID).write_bytes(payload)
        async with LocalStore(store_dir, "alpha"):
            pass
    moved = sorted((f / ORPHAN_ID).read_bytes() for f in (store_dir / "quarantine").iterdir())
    assert moved == [b"first", b"second"]


# -- 5. links are moved or refused, never followed for writes or deletes ---------------


async def test_links_in_blobs_are_quarantined_as_links(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    await _seed(store_dir)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not the store's")
    (store_dir / "blobs" / ORPHAN_ID).symlink_to(outside)
    tmp_link = store_dir / "blobs" / f".tmp-{ORPHAN_ID}-feedface"
    tmp_link.symlink_to(outside)

    async with LocalStore(store_dir, "alpha"):
        pass

    assert outside.read_bytes() == b"not the store's"
    [folder] = list((store_dir / "quarantine").iterdir())
    moved = sorted(folder.iterdir())
    assert [p.name for p in moved] == sorted([ORPHAN_ID, tmp_link.name])
    assert all(p.is_symlink() and p.resolve() == outside for p in moved)


async def test_deleting_an_image_whose_data_is_a_link_removes_only_the_link(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    image_id = await _seed(store_dir)
    outside = tmp_path / "outside.img"
    outside.write_bytes(b"precious data")
    _blob(store_dir, image_id).unlink()
    _blob(store_dir, image_id).symlink_to(outside)
    async with LocalStore(store_dir, "alpha") as store:
        await store.delete_image(image_id)
    assert not _blob(store_dir, image_id).is_symlink()
    assert outside.read_bytes() == b"precious data"


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
async def test_a_catalog_that_is_a_link_is_refused(tmp_path: Path, read_only: bool) -> None:
    store_dir = tmp_path / "store"
    await _seed(store_dir)
    elsewhere = tmp_path / "elsewhere.sqlite"
    (store_dir / "catalog.sqlite").rename(elsewhere)
    (store_dir / "catalog.sqlite").symlink_to(elsewhere)
    before = tree(tmp_path)
    with pytest.raises(ImageDeckError, match="symbolic link"):
        await LocalStore(store_dir, "alpha", read_only=read_only).open()
    assert tree(tmp_path) == before


# -- 3. read-only touches nothing --------------------------------------------------------


async def test_read_only_open_of_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no local store"):
        await LocalStore(tmp_path / "nowhere" / "store", "alpha", read_only=True).open()
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "plain").mkdir()
    with pytest.raises(NotFound, match="not a local store"):
        await LocalStore(tmp_path / "plain", "alpha", read_only=True).open()
    assert list((tmp_path / "plain").iterdir()) == []


async def test_read_only_refuses_writes_and_creates_no_journal(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    image_id = await _seed(store_dir)
    before = tree(store_dir)
    async with LocalStore(store_dir, "alpha", read_only=True) as store:
        assert [i.id for i in await store.all_images()] == [image_id]
        with pytest.raises(Forbidden, match="read-only"):
            await store.create_image({"name": "nope"})
        with pytest.raises(Forbidden, match="read-only"):
            await store.delete_image(image_id)
        with pytest.raises(Forbidden, match="read-only"):
            await store.upload(image_id, _data(b"x"))
        async with store.download(image_id) as download:
            assert b"".join([c async for c in download.chunks]) == b"precious data"
        assert tree(store_dir) == before
    assert tree(store_dir) == before


async def test_read_only_beside_a_live_writer_sees_its_commits(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    await _seed(store_dir)
    async with LocalStore(store_dir, "alpha") as writer:
        first = await writer.create_image({"name": "before the reader"})
        async with LocalStore(store_dir, "alpha", read_only=True) as reader:
            assert (await reader.get_image(first.id)).name == "before the reader"
            second = await writer.create_image({"name": "after the reader"})
            assert (await reader.get_image(second.id)).name == "after the reader"
            with pytest.raises(Forbidden):
                await reader.update_image(first.id, [])
    async with LocalStore(store_dir, "alpha") as store:
        assert len(await store.all_images()) == 3


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


@pytest.mark.usefixtures("isolated")
def test_read_only_commands_leave_the_store_exactly_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even with work for recovery waiting (an image stuck saving, an orphan file)."""
    store_dir = tmp_path / "store"
    image_id = asyncio.run(_seed(store_dir))

    async def stuck() -> str:
        async with LocalStore(store_dir, "alpha") as store:
            return (await store.create_image({"name": "stuck", **FORMATS})).id

    stuck_id = asyncio.run(stuck())
    conn = sqlite3.connect(store_dir / "catalog.sqlite")
    conn.execute("UPDATE images SET status = 'saving' WHERE id = ?", (stuck_id,))
    conn.commit()
    conn.close()
    _blob(store_dir, ORPHAN_ID).write_bytes(b"orphan")
    before = tree(store_dir)

    prefix = ["--store", str(store_dir), "--project", "alpha", "--read-only"]
    listed = run(capsys, [*prefix, "ls"])
    assert listed.code == 0 and "precious" in listed.out, listed.err
    shown = run(capsys, [*prefix, "show", image_id])
    assert shown.code == 0 and "precious" in shown.out, shown.err
    out = tmp_path / "copy.img"
    fetched = run(capsys, [*prefix, "download", image_id, "-o", str(out)])
    assert fetched.code == 0, fetched.err
    assert out.read_bytes() == b"precious data"
    refused = run(capsys, [*prefix, "delete", image_id])
    assert refused.code == 1

    assert tree(store_dir) == before


@pytest.mark.usefixtures("isolated")
def test_read_only_command_on_a_missing_store_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir = tmp_path / "typo"
    result = run(capsys, ["--store", str(store_dir), "--read-only", "ls"])
    assert result.code == 1
    assert "no local store" in result.err and "Traceback" not in result.err
    assert not store_dir.exists()


# -- 4. a new store is private whatever the umask ----------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.usefixtures("loose_umask")
async def test_a_new_store_is_private(tmp_path: Path) -> None:
    store_dir = tmp_path / "new" / "store"
    async with LocalStore(store_dir, "alpha") as store:
        image = await store.create_image({"name": "private", **FORMATS})
        assert _mode(store_dir / "catalog.sqlite-wal") == 0o600
        assert _mode(store_dir / "catalog.sqlite-shm") == 0o600
        await store.upload(image.id, _data(b"secret"))
        assert store.warnings == []
    assert _mode(store_dir) == 0o700
    assert _mode(store_dir / "blobs") == 0o700
    assert _mode(store_dir / "catalog.sqlite") == 0o600
    assert _mode(_blob(store_dir, image.id)) == 0o600

    _blob(store_dir, ORPHAN_ID).write_bytes(b"orphan")
    async with LocalStore(store_dir, "alpha"):
        pass
    [folder] = list((store_dir / "quarantine").iterdir())
    assert _mode(store_dir / "quarantine") == 0o700 and _mode(folder) == 0o700


@pytest.mark.usefixtures("loose_umask")
async def test_an_existing_open_store_keeps_working_and_gets_a_warning(tmp_path: Path) -> None:
    store_dir = tmp_path / "shared"
    store_dir.mkdir()
    os.chmod(store_dir, 0o755)
    async with LocalStore(store_dir, "alpha") as store:
        assert (await store.create_image({"name": "works"})).name == "works"
        [warning] = store.warnings
        assert "chmod 700" in warning and str(store_dir) in warning
    assert _mode(store_dir) == 0o755


async def test_a_data_file_replaced_by_a_link_is_not_read(tmp_path: Path) -> None:
    """Downloads read only the regular file the store wrote, never what a link points at."""
    store = LocalStore(tmp_path / "store", "alpha")
    await store.open()
    try:
        image = await store.create_image({"name": "x", "disk_format": "raw", "container_format": "bare"})

        async def data():
            yield b"\0" * 4096

        await store.upload(image.id, data(), 4096)
        secret = tmp_path / "secret"
        secret.write_bytes(b"not image data")
        blob = tmp_path / "store" / "blobs" / image.id
        blob.unlink()
        blob.symlink_to(secret)
        with pytest.raises(Invalid, match="link"):
            async with store.download(image.id) as got:
                async for _ in got.chunks:
                    pass
    finally:
        await store.close()
