"""The embedded local image store: a SQLite catalog and one data file per image, with
Glance v2's semantics, acting as one project (optionally with the admin role).

Layout of the store directory: ``catalog.sqlite`` (WAL mode) and ``blobs/<image_id>``
(see `local_layout`). A read-only store opens the catalog without writing a byte and
skips recovery, so looking at a store never changes it.
Every catalog call runs on the store's own database thread and every file read, write
and hash on worker threads, so an asyncio event loop (the TUI's) never waits on disk.
Local project ids are project names.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
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
    NotFound,
    Schema,
)
from . import local_catalog as catalog
from . import local_data as data_ops
from . import local_members as members
from .base import DEFAULT_PAGE_SIZE, Download
from .local_blobs import BlobDir, read_chunks, stream_into
from .local_catalog_file import LocalCatalogFile
from .local_inspect import guard
from .local_layout import (
    BLOBS_NAME,
    CATALOG_NAME,
    QUARANTINE_NAME,
    check_read_only,
    make_blobs_dir,
    mode_warnings,
    prepare_writable,
)
from .local_query import compile_query, read_listed, read_ordered_ids, read_page
from .local_recovery import recover
from .local_rules import (
    Actor,
    apply_changes,
    check_tag,
    new_image,
    require_owner,
    visible_row,
)

T = TypeVar("T")

#: Glance's largest page; bigger requests are served in pages of this size.
MAX_PAGE_SIZE = 1000


class LocalStore(LocalCatalogFile):
    """An image store in a directory, acting as ``project`` (admin when ``admin``).

    ``read_only`` opens an existing store without changing anything on disk; every write
    is refused. ``warnings`` lists, after `open`, what a person should know about the store
    (loose permissions, data files recovery moved aside).
    """

    def __init__(
        self,
        path: Path | str,
        project: str,
        *,
        admin: bool = False,
        user: str | None = None,
        read_only: bool = False,
    ) -> None:
        if not project:
            raise Invalid("the local store needs a project name to act as")
        self.path = Path(path).expanduser()
        self.project = project
        self.admin = admin
        self.user = user
        self.read_only = read_only
        self.label = f"local:{self.path}"
        self.warnings: list[str] = []
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
                conn = await asyncio.get_running_loop().run_in_executor(executor, self._open_catalog)
            except BaseException:
                executor.shutdown(wait=False)
                raise
            self._conn, self._executor = conn, executor

    async def close(self) -> None:
        async with self._open_lock:
            conn, executor = self._conn, self._executor
            self._conn = self._executor = None
            if conn is not None and executor is not None:
                await asyncio.get_running_loop().run_in_executor(executor, conn.close)
                executor.shutdown(wait=False)

    def _open_catalog(self) -> sqlite3.Connection:
        """Check the directory, open the catalog and, when writable, recover from crashes."""
        catalog_path = self.path / CATALOG_NAME
        try:
            if self.read_only:
                check_read_only(self.path)
                conn = catalog.connect_read_only(catalog_path)
            else:
                may_create = prepare_writable(self.path)
                conn = catalog.connect(catalog_path, may_create=may_create)
        except sqlite3.Error as exc:
            raise catalog.db_error(exc, self.path) from None
        self.warnings = mode_warnings(self.path)
        if self.read_only:
            return conn
        try:
            make_blobs_dir(self.path)
            self.warnings += recover(conn, self._blobs, self.path / QUARANTINE_NAME)
        except sqlite3.Error as exc:
            conn.close()
            raise catalog.db_error(exc, self.path) from None
        except BaseException:
            conn.close()
            raise
        return conn

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` on the database thread, as typed errors only."""
        if self._conn is None:
            await self.open()
        assert self._executor is not None and self._conn is not None
        call = functools.partial(fn, self._conn, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, call)
        except sqlite3.Error as exc:
            raise catalog.db_error(exc, self.path) from None

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
    ) -> AsyncGenerator[list[Image], None]:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise Invalid(f"page size must be a whole number of at least 1, not {page_size!r}")
        compiled = compile_query(query, self._actor)
        limit = min(page_size, MAX_PAGE_SIZE)
        if not compiled.indexed:
            ids = await self._db(read_ordered_ids, compiled)
            for start in range(0, max(len(ids), 1), limit):
                yield await self._db(read_listed, compiled, ids[start : start + limit])
            return
        after: tuple[Any, ...] | None = None
        while True:
            images, after, more = await self._db(read_page, compiled, after, limit)
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
                catalog.write_tags_and_properties(conn, image)
                return catalog.load_image(conn, image.id)

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
                    catalog.write_tags_and_properties(conn, changed)
                return catalog.load_image(conn, image.id)

        return await self._db(update)

    async def delete_image(self, image_id: str) -> None:
        def delete(conn: sqlite3.Connection) -> str:
            with catalog.write(conn):
                row = visible_row(conn, self._actor, image_id)
                require_owner(self._actor, row, "delete")
                if catalog.row_value(row, "protected"):
                    raise Forbidden(f"image {image_id} is protected; unset protected before deleting it")
                conn.execute("DELETE FROM images WHERE id = ?", (image_id,))
                return str(catalog.row_value(row, "id"))

        deleted = await self._db(delete)
        # After the commit: a crash before this line leaves a file recovery removes.
        await asyncio.to_thread(self._blobs.remove, deleted)

    # -- data ----------------------------------------------------------------------

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Image:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise Invalid(f"size must be a whole number of bytes, not {size!r}")
        if not hasattr(data, "__aiter__"):
            raise Invalid(f"image data must be an async stream of bytes, not {type(data).__name__}")
        writer = await self._db(data_ops.begin_upload, self._actor, self._blobs, image_id)
        try:
            # Inspected as it is written, in the same pass: a refusal ends the stream first.
            checker = guard(writer.image_id, await self._db(data_ops.declared_format, writer))
            await stream_into(writer, checker.pass_through(data), size)
            await asyncio.to_thread(writer.commit)
            virtual = checker.verdict.virtual_size if checker.verdict else None
            return await self._db(data_ops.finish_upload, writer, virtual)
        except BaseException:
            # Best effort: whatever fails here, the next open's recovery finishes.
            with contextlib.suppress(ImageDeckError, OSError):
                await self._db(data_ops.abort_upload, writer)
            raise
        finally:
            writer.release()

    def download(self, image_id: str, offset: int = 0) -> AbstractAsyncContextManager[Download]:
        return self._download(image_id, offset)

    @asynccontextmanager
    async def _download(self, image_id: str, offset: int) -> AsyncIterator[Download]:
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise Invalid(f"download offset must be a whole number of bytes, not {offset!r}")
        image, file = await self._db(data_ops.open_data, self._actor, self._blobs, image_id, offset)
        try:
            yield Download(
                offset=offset,
                size=image.size,
                checksum=image.checksum,
                os_hash_value=image.os_hash_value,
                chunks=read_chunks(file, image.id),
            )
        finally:
            await asyncio.to_thread(file.close)

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
                catalog.touch(conn, row[0])

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
                catalog.touch(conn, row[0])

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
        return await self._db(members.list_members, self._actor, image_id)

    async def add_member(self, image_id: str, member_id: str) -> Member:
        return await self._db(members.add_member, self._actor, image_id, member_id)

    async def remove_member(self, image_id: str, member_id: str) -> None:
        await self._db(members.remove_member, self._actor, image_id, member_id)

    async def set_member_status(self, image_id: str, member_id: str, status: str) -> Member:
        return await self._db(members.set_member_status, self._actor, image_id, member_id, status)
