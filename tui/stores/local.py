"""The embedded local image store: a SQLite catalog and one data file per image, with
Glance v2's semantics, acting as one project (optionally with the admin role).

Layout of the store directory: ``catalog.sqlite`` (WAL mode) and ``blobs/<image_id>``.
Every catalog call runs on the store's own database thread and every file read, write
and hash on worker threads, so an asyncio event loop (the TUI's) never waits on disk.
Local project ids are project names.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..model import (
    Change,
    Conflict,
    Forbidden,
    Identity,
    Image,
    ImageDeckError,
    ImageQuery,
    ImageStatus,
    Invalid,
    Member,
    MemberStatus,
    NotFound,
    QuotaExceeded,
    Schema,
    Unavailable,
)
from . import local_catalog as catalog
from .base import DEFAULT_PAGE_SIZE, Download, ImageStore
from .local_blobs import CHUNK_SIZE, HASH_ALGO, BlobDir, BlobWriter, io_error, is_held
from .local_query import compile_query, split_row
from .local_rules import (
    Actor,
    apply_changes,
    check_member_id,
    check_member_status,
    check_tag,
    new_image,
    require_owner,
    require_shared,
    visible_row,
)

T = TypeVar("T")

#: Glance's largest page; bigger requests are served in pages of this size.
MAX_PAGE_SIZE = 1000
CATALOG_NAME = "catalog.sqlite"
#: Statuses whose image owns a complete data file.
_HAS_DATA = (ImageStatus.ACTIVE, ImageStatus.DEACTIVATED)
BLOBS_NAME = "blobs"


class LocalStore(ImageStore):
    """An image store in a directory, acting as ``project`` (admin when ``admin``)."""

    def __init__(
        self, path: Path | str, project: str, *, admin: bool = False, user: str | None = None
    ) -> None:
        if not project:
            raise Invalid("the local store needs a project name to act as")
        self.path = Path(path).expanduser()
        self.project = project
        self.admin = admin
        self.user = user
        self.label = f"local:{self.path}"
        self._actor = Actor(project, admin)
        self._blobs = BlobDir(self.path / BLOBS_NAME)
        self._conn: sqlite3.Connection | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._open_lock = asyncio.Lock()

    # -- lifecycle -----------------------------------------------------------------

    async def open(self) -> None:
        async with self._open_lock:
            if self._conn is not None:
                return
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imagedeck-catalog")
            try:
                self._conn = await asyncio.get_running_loop().run_in_executor(
                    executor, self._open_catalog
                )
            except BaseException:
                executor.shutdown(wait=False)
                raise
            self._executor = executor

    async def close(self) -> None:
        async with self._open_lock:
            conn, executor = self._conn, self._executor
            self._conn = self._executor = None
            if conn is not None and executor is not None:
                await asyncio.get_running_loop().run_in_executor(executor, conn.close)
                executor.shutdown(wait=False)

    def _open_catalog(self) -> sqlite3.Connection:
        try:
            self._blobs.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise io_error(exc, f"cannot create the local store at {self.path}") from None
        try:
            conn = catalog.connect(self.path / CATALOG_NAME)
        except sqlite3.Error as exc:
            raise _db_error(exc, self.path) from None
        try:
            self._recover(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _recover(self, conn: sqlite3.Connection) -> None:
        """Undo what crashed uploads and deletes left behind.

        Data files no live upload holds are removed unless they belong to an ``active`` or
        ``deactivated`` image (data that never reached the catalog is not trusted), and
        images stuck in ``saving`` with no live upload go back to ``queued``. Runs in a
        write transaction, so it never races an upload starting in another process.
        """
        with catalog.write(conn):
            statuses: dict[str, str] = dict(conn.execute("SELECT id, status FROM images"))
            held: set[str] = set()
            for image_id, path, is_tmp in self._blobs.scan():
                status = statuses.get(image_id)
                if not is_tmp and status in _HAS_DATA:
                    continue  # complete data of a usable image: the common case, no lock check
                if is_held(path):
                    held.add(image_id)
                else:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
            now = catalog.now_stamp()
            conn.executemany(
                "UPDATE images SET status = ?, updated_at = ? WHERE id = ?",
                [
                    (ImageStatus.QUEUED, now, image_id)
                    for image_id, status in statuses.items()
                    if status == ImageStatus.SAVING and image_id not in held
                ],
            )

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` on the database thread, as typed errors only."""
        if self._conn is None:
            await self.open()
        assert self._executor is not None and self._conn is not None
        call = functools.partial(fn, self._conn, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, call)
        except sqlite3.Error as exc:
            raise _db_error(exc, self.path) from None

    # -- identity ------------------------------------------------------------------

    async def whoami(self) -> Identity:
        return Identity(
            project_id=self.project,
            project_name=self.project,
            user_name=self.user or self.project,
            roles=("member", "admin") if self.admin else ("member",),
            store_label=self.label,
        )

    async def schema(self) -> Schema:
        return Schema()

    # -- images --------------------------------------------------------------------

    async def list_images(
        self, query: ImageQuery | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Image]]:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise Invalid(f"page size must be a whole number of at least 1, not {page_size!r}")
        compiled = compile_query(query, self._actor)
        limit = min(page_size, MAX_PAGE_SIZE)
        after: tuple[Any, ...] | None = None
        while True:
            images, after, more = await self._db(_read_page, compiled, after, limit)
            yield images
            if not more:
                return

    async def get_image(self, image_id: str) -> Image:
        def get(conn: sqlite3.Connection) -> Image:
            with catalog.read(conn):
                return catalog.load_images(conn, [visible_row(conn, self._actor, image_id)])[0]

        return await self._db(get)

    async def create_image(self, fields: Mapping[str, Any]) -> Image:
        def create(conn: sqlite3.Connection) -> Image:
            image = new_image(fields, self._actor, catalog.now_stamp())
            with catalog.write(conn):
                if catalog.fetch_row(conn, image.id) is not None:
                    raise Conflict(f"an image with id {image.id} already exists")
                values = [getattr(image, c) for c in catalog.IMAGE_COLUMNS]
                conn.execute(
                    f"INSERT INTO images ({', '.join(catalog.IMAGE_COLUMNS)})"
                    f" VALUES ({', '.join('?' * len(values))})",
                    values,
                )
                _write_tags_and_properties(conn, image)
                return catalog.load_images(conn, [catalog.fetch_row(conn, image.id)])[0]

        return await self._db(create)

    async def update_image(self, image_id: str, changes: Sequence[Change]) -> Image:
        def update(conn: sqlite3.Connection) -> Image:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_owner(self._actor, row, "change")
                image = catalog.load_images(conn, [row])[0]
                changed = apply_changes(image, list(changes), self._actor)
                if changes:
                    conn.execute(
                        "UPDATE images SET name = ?, visibility = ?, protected = ?, os_hidden = ?,"
                        " disk_format = ?, container_format = ?, min_disk = ?, min_ram = ?,"
                        " updated_at = ? WHERE id = ?",
                        (
                            changed.name,
                            changed.visibility,
                            changed.protected,
                            changed.os_hidden,
                            changed.disk_format,
                            changed.container_format,
                            changed.min_disk,
                            changed.min_ram,
                            catalog.now_stamp(),
                            image.id,
                        ),
                    )
                    conn.execute("DELETE FROM image_tags WHERE image_id = ?", (image.id,))
                    conn.execute("DELETE FROM image_properties WHERE image_id = ?", (image.id,))
                    _write_tags_and_properties(conn, changed)
                return catalog.load_images(conn, [catalog.fetch_row(conn, image.id)])[0]

        return await self._db(update)

    async def delete_image(self, image_id: str) -> None:
        def delete(conn: sqlite3.Connection) -> str:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_owner(self._actor, row, "delete")
                if catalog.row_value(row, "protected"):
                    raise Forbidden(
                        f"image {image_id} is protected; unset protected before deleting it"
                    )
                conn.execute("DELETE FROM images WHERE id = ?", (image_id,))
                return catalog.row_value(row, "id")

        deleted = await self._db(delete)
        # After the commit: a crash before this line leaves a file recovery removes.
        await asyncio.to_thread(self._blobs.remove, deleted)

    # -- data ----------------------------------------------------------------------

    async def upload(
        self, image_id: str, data: AsyncIterable[bytes], size: int | None = None
    ) -> Image:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise Invalid(f"size must be a whole number of bytes, not {size!r}")
        writer = await self._db(self._begin_upload, image_id)
        try:
            await _stream_into(writer, data, size)
            blob = await asyncio.to_thread(writer.commit)
            virtual = await asyncio.to_thread(_virtual_size, blob)
            return await self._db(self._finish_upload, writer, virtual)
        except BaseException:
            await self._abort_upload(writer)
            raise
        finally:
            writer.release()

    def _begin_upload(self, conn: sqlite3.Connection, image_id: str) -> BlobWriter:
        with catalog.write(conn):
            row = visible_row(conn, self._actor, image_id)
            require_owner(self._actor, row, "upload data to")
            status = catalog.row_value(row, "status")
            if status != ImageStatus.QUEUED:
                raise Conflict(
                    f"image {image_id} is {status}: data can only be uploaded to a queued image"
                )
            if not (
                catalog.row_value(row, "disk_format") and catalog.row_value(row, "container_format")
            ):
                raise Invalid(
                    f"set disk_format and container_format of image {image_id} "
                    "before uploading data"
                )
            # The locked file exists before 'saving' commits: recovery elsewhere sees it held.
            writer = self._blobs.start(catalog.row_value(row, "id"))
            try:
                conn.execute(
                    "UPDATE images SET status = ?, updated_at = ? WHERE id = ?",
                    (ImageStatus.SAVING, catalog.now_stamp(), writer.image_id),
                )
            except BaseException:
                writer.discard()
                raise
            return writer

    def _finish_upload(
        self, conn: sqlite3.Connection, writer: BlobWriter, virtual: int | None
    ) -> Image:
        with catalog.write(conn):
            row = catalog.fetch_row(conn, writer.image_id)
            if row is None:
                raise NotFound(f"image {writer.image_id} was deleted while its data was uploading")
            if catalog.row_value(row, "status") != ImageStatus.SAVING:
                raise Conflict(f"the upload of image {writer.image_id} was interrupted; try again")
            conn.execute(
                "UPDATE images SET status = ?, size = ?, virtual_size = ?, checksum = ?,"
                " os_hash_algo = ?, os_hash_value = ?, updated_at = ? WHERE id = ?",
                (
                    ImageStatus.ACTIVE,
                    writer.size,
                    virtual,
                    writer.md5.hexdigest(),
                    HASH_ALGO,
                    writer.sha512.hexdigest(),
                    catalog.now_stamp(),
                    writer.image_id,
                ),
            )
            return catalog.load_images(conn, [catalog.fetch_row(conn, writer.image_id)])[0]

    async def _abort_upload(self, writer: BlobWriter) -> None:
        """Best effort: drop the data and put the image back to ``queued``. Whatever
        fails here, the next open's recovery finishes."""

        def requeue(conn: sqlite3.Connection) -> None:
            with catalog.write(conn):
                conn.execute(
                    "UPDATE images SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                    (ImageStatus.QUEUED, catalog.now_stamp(), writer.image_id, ImageStatus.SAVING),
                )

        try:
            await asyncio.to_thread(writer.discard)
            await self._db(requeue)
        except (ImageDeckError, OSError):
            pass

    def download(self, image_id: str, offset: int = 0) -> AbstractAsyncContextManager[Download]:
        return self._download(image_id, offset)

    @asynccontextmanager
    async def _download(self, image_id: str, offset: int) -> AsyncIterator[Download]:
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise Invalid(f"download offset must be a whole number of bytes, not {offset!r}")
        image, file = await self._db(self._open_data, image_id, offset)
        try:
            yield Download(
                offset=offset,
                size=image.size,
                checksum=image.checksum,
                os_hash_value=image.os_hash_value,
                chunks=_read_chunks(file, image.id),
            )
        finally:
            await asyncio.to_thread(file.close)

    def _open_data(self, conn: sqlite3.Connection, image_id: str, offset: int) -> tuple[Image, Any]:
        with catalog.read(conn):
            image = catalog.load_images(conn, [visible_row(conn, self._actor, image_id)])[0]
        if image.status == ImageStatus.DEACTIVATED and not self.admin:
            raise Forbidden(f"image {image.id} is deactivated: only an admin may download it")
        if image.status not in (ImageStatus.ACTIVE, ImageStatus.DEACTIVATED):
            raise NotFound(
                f"image {image.id} has no data yet (it is {image.status}); upload some first"
            )
        size = image.size or 0
        if offset > 0 and offset >= size:
            raise Invalid(f"offset {offset} is beyond the end of image {image.id} ({size} bytes)")
        try:
            file = open(self._blobs.path(image.id), "rb")  # noqa: SIM115 - closed by _download
        except FileNotFoundError:
            raise NotFound(
                f"the data file of image {image.id} is missing from {self._blobs.root}"
            ) from None
        except OSError as exc:
            raise io_error(exc, f"cannot read the data of image {image.id}") from None
        file.seek(offset)
        return image, file

    # -- tags and lifecycle --------------------------------------------------------

    async def add_tag(self, image_id: str, tag: str) -> None:
        def add(conn: sqlite3.Connection) -> None:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_owner(self._actor, row, "tag")
                conn.execute(
                    "INSERT OR IGNORE INTO image_tags (image_id, tag) VALUES (?, ?)",
                    (row[0], check_tag(tag)),
                )
                _touch(conn, row[0])

        await self._db(add)

    async def remove_tag(self, image_id: str, tag: str) -> None:
        def remove(conn: sqlite3.Connection) -> None:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_owner(self._actor, row, "untag")
                gone = conn.execute(
                    "DELETE FROM image_tags WHERE image_id = ? AND tag = ?", (row[0], tag)
                ).rowcount
                if not gone:
                    raise NotFound(f"image {image_id} has no tag {tag!r}")
                _touch(conn, row[0])

        await self._db(remove)

    async def deactivate(self, image_id: str) -> None:
        await self._db(self._set_active, image_id, False)

    async def reactivate(self, image_id: str) -> None:
        await self._db(self._set_active, image_id, True)

    def _set_active(self, conn: sqlite3.Connection, image_id: str, active: bool) -> None:
        """Glance's transitions: active <-> deactivated; asking for the current one is a no-op."""
        action = "reactivate" if active else "deactivate"
        with catalog.write(conn):
            row = visible_row(conn, self._actor, image_id)
            require_owner(self._actor, row, action)
            status = catalog.row_value(row, "status")
            target = ImageStatus.ACTIVE if active else ImageStatus.DEACTIVATED
            if status == target:
                return
            if status not in (ImageStatus.ACTIVE, ImageStatus.DEACTIVATED):
                raise Forbidden(f"cannot {action} image {image_id} while it is {status}")
            conn.execute(
                "UPDATE images SET status = ?, updated_at = ? WHERE id = ?",
                (target, catalog.now_stamp(), row[0]),
            )

    # -- members -------------------------------------------------------------------

    async def list_members(self, image_id: str) -> list[Member]:
        def members(conn: sqlite3.Connection) -> list[Member]:
            with catalog.read(conn):
                row = visible_row(conn, self._actor, image_id)
                require_shared(row)
                sql = f"SELECT {catalog.MEMBER_COLUMNS} FROM image_members WHERE image_id = ?"
                params: list[Any] = [row[0]]
                if not self.admin and catalog.row_value(row, "owner") != self.project:
                    sql += " AND member = ?"  # a member sees only its own answer
                    params.append(self.project)
                rows = conn.execute(sql + " ORDER BY created_at, member", params).fetchall()
            return [catalog.member_from_row(r) for r in rows]

        return await self._db(members)

    async def add_member(self, image_id: str, member_id: str) -> Member:
        def add(conn: sqlite3.Connection) -> Member:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_shared(row)
                require_owner(self._actor, row, "share")
                member = check_member_id(member_id)
                now = catalog.now_stamp()
                try:
                    conn.execute(
                        f"INSERT INTO image_members ({catalog.MEMBER_COLUMNS})"
                        " VALUES (?, ?, ?, ?, ?)",
                        (row[0], member, MemberStatus.PENDING, now, now),
                    )
                except sqlite3.IntegrityError:
                    raise Conflict(f"image {image_id} is already shared with {member}") from None
                return _member(conn, row[0], member)

        return await self._db(add)

    async def remove_member(self, image_id: str, member_id: str) -> None:
        def remove(conn: sqlite3.Connection) -> None:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_shared(row)
                require_owner(self._actor, row, "unshare")
                gone = conn.execute(
                    "DELETE FROM image_members WHERE image_id = ? AND member = ?",
                    (row[0], member_id),
                ).rowcount
                if not gone:
                    raise NotFound(f"image {image_id} is not shared with {member_id}")

        await self._db(remove)

    async def set_member_status(self, image_id: str, member_id: str, status: str) -> Member:
        def answer(conn: sqlite3.Connection) -> Member:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_shared(row)
                if not self.admin:
                    if catalog.row_value(row, "owner") == self.project:
                        raise Forbidden(
                            f"the owner of image {image_id} cannot answer its shares; "
                            f"project {member_id} accepts or rejects it"
                        )
                    if member_id != self.project:
                        raise Forbidden(
                            f"only project {member_id} can answer its share of {image_id}"
                        )
                current = conn.execute(
                    "SELECT 1 FROM image_members WHERE image_id = ? AND member = ?",
                    (row[0], member_id),
                ).fetchone()
                if current is None:
                    raise NotFound(f"image {image_id} is not shared with {member_id}")
                conn.execute(
                    "UPDATE image_members SET status = ?, updated_at = ?"
                    " WHERE image_id = ? AND member = ?",
                    (check_member_status(status), catalog.now_stamp(), row[0], member_id),
                )
                return _member(conn, row[0], member_id)

        return await self._db(answer)


# -- helpers ------------------------------------------------------------------------


def _read_page(
    conn: sqlite3.Connection, compiled: Any, after: tuple[Any, ...] | None, limit: int
) -> tuple[list[Image], tuple[Any, ...] | None, bool]:
    """One page (and whether another follows) in one snapshot."""
    sql, params = compiled.page(after, limit + 1)
    with catalog.read(conn):
        rows = conn.execute(sql, params).fetchall()
        more = len(rows) > limit
        split = [split_row(r) for r in rows[:limit]]
        images = catalog.load_images(conn, [image_row for image_row, _ in split])
    return images, (split[-1][1] if split else None), more


def _write_tags_and_properties(conn: sqlite3.Connection, image: Image) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO image_tags (image_id, tag) VALUES (?, ?)",
        [(image.id, tag) for tag in image.tags],
    )
    conn.executemany(
        "INSERT INTO image_properties (image_id, name, value) VALUES (?, ?, ?)",
        [(image.id, k, v) for k, v in image.properties.items()],
    )


def _touch(conn: sqlite3.Connection, image_id: str) -> None:
    conn.execute("UPDATE images SET updated_at = ? WHERE id = ?", (catalog.now_stamp(), image_id))


def _member(conn: sqlite3.Connection, image_id: str, member: str) -> Member:
    row = conn.execute(
        f"SELECT {catalog.MEMBER_COLUMNS} FROM image_members WHERE image_id = ? AND member = ?",
        (image_id, member),
    ).fetchone()
    return catalog.member_from_row(row)


async def _stream_into(writer: BlobWriter, data: AsyncIterable[bytes], size: int | None) -> None:
    """Copy the caller's chunks into ``writer`` in ~1 MiB steps on a worker thread."""
    pending: list[bytes] = []
    buffered = 0
    async for chunk in data:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise Invalid(f"image data must be bytes, not {type(chunk).__name__}")
        pending.append(bytes(chunk))
        buffered += len(chunk)
        if size is not None and writer.size + buffered > size:
            raise Invalid(f"more data than the declared size of {size} bytes")
        if buffered >= CHUNK_SIZE:
            await asyncio.to_thread(writer.write, b"".join(pending))
            pending.clear()
            buffered = 0
    if pending:
        await asyncio.to_thread(writer.write, b"".join(pending))
    if size is not None and writer.size != size:
        raise Invalid(f"the data ended after {writer.size} of the declared {size} bytes")


async def _read_chunks(file: Any, image_id: str) -> AsyncIterator[bytes]:
    while True:
        try:
            chunk = await asyncio.to_thread(file.read, CHUNK_SIZE)
        except OSError as exc:
            raise io_error(exc, f"cannot read the data of image {image_id}") from None
        except ValueError:  # the download was closed while a read was pending
            return
        if not chunk:
            return
        yield chunk


def _virtual_size(path: Path) -> int | None:
    """The disk size a VM sees, from the format inspector once it is available."""
    return None


def _db_error(exc: sqlite3.Error, path: Path) -> ImageDeckError:
    """A typed error for a catalog failure."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return Unavailable(
            f"the local store at {path} is busy: another imagedeck is writing to it; try again"
        )
    if "full" in text:
        return QuotaExceeded(f"the disk holding the local store at {path} is full; free some space")
    return Unavailable(f"the catalog of the local store at {path} failed: {text}")
