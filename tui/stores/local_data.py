"""Image data in the local store: the catalog side of uploads and downloads.

An upload is three short transactions around the streaming: `begin_upload` (checks,
a locked temporary file, status ``saving``), then the data is inspected as it is written
(`local_inspect`), synced and renamed (`local_blobs`), then `finish_upload` (status
``active`` with size and hashes) or `abort_upload` if anything failed or was refused.
Functions run on the store's database thread.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from typing import Any

from ..model import Conflict, Forbidden, Image, ImageStatus, Invalid, NotFound
from . import local_catalog as catalog
from .local_blobs import HASH_ALGO, BlobDir, BlobWriter, io_error
from .local_rules import Actor, require_owner, visible_row


def begin_upload(conn: sqlite3.Connection, actor: Actor, blobs: BlobDir, image_id: str) -> BlobWriter:
    """Check the image may take data, then mark it ``saving`` with a locked file ready."""
    with catalog.write(conn):
        row = visible_row(conn, actor, image_id)
        require_owner(actor, row, "upload data to")
        status = catalog.row_value(row, "status")
        if status != ImageStatus.QUEUED:
            raise Conflict(f"image {image_id} is {status}: data can only be uploaded to a queued image")
        if not (catalog.row_value(row, "disk_format") and catalog.row_value(row, "container_format")):
            raise Invalid(f"set disk_format and container_format of image {image_id} before uploading data")
        # The locked file exists before 'saving' commits: recovery elsewhere sees it held.
        writer = blobs.start(catalog.row_value(row, "id"))
        try:
            conn.execute(
                "UPDATE images SET status = ?, updated_at = ? WHERE id = ?",
                (ImageStatus.SAVING, catalog.now_stamp(), writer.image_id),
            )
        except BaseException:
            writer.discard()
            raise
        return writer


def declared_format(conn: sqlite3.Connection, writer: BlobWriter) -> str:
    """The disk_format the data must be: fixed from ``saving`` on, so read once begun."""
    with catalog.read(conn):
        row = catalog.fetch_row(conn, writer.image_id)
    if row is None:
        raise NotFound(f"image {writer.image_id} was deleted while its data was uploading")
    return str(catalog.row_value(row, "disk_format"))


def finish_upload(conn: sqlite3.Connection, writer: BlobWriter, virtual: int | None) -> Image:
    """Record the durable data: the image becomes ``active`` with its size and hashes."""
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
    writer.recorded = True
    with catalog.read(conn):
        return catalog.load_image(conn, writer.image_id)


def abort_upload(conn: sqlite3.Connection, writer: BlobWriter) -> None:
    """Undo a failed or cancelled upload: back to ``queued``, its file removed.

    Runs on the database thread, so it comes after a `finish_upload` that was already
    under way when the caller gave up; data the catalog recorded is kept.
    """
    if writer.recorded:
        return
    try:
        with catalog.write(conn):
            conn.execute(
                "UPDATE images SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                (ImageStatus.QUEUED, catalog.now_stamp(), writer.image_id, ImageStatus.SAVING),
            )
    finally:
        writer.discard()


def open_data(
    conn: sqlite3.Connection, actor: Actor, blobs: BlobDir, image_id: str, offset: int
) -> tuple[Image, Any]:
    """The image and its data file opened at ``offset``, after Glance's download checks.

    An image without data (queued, saving) is NotFound: Glance answers such a download
    with 204 No Content, and either way there are no bytes to read.
    """
    with catalog.read(conn):
        image = catalog.load_images(conn, [visible_row(conn, actor, image_id)])[0]
    if image.status == ImageStatus.DEACTIVATED and not actor.admin:
        raise Forbidden(f"image {image.id} is deactivated: only an admin may download it")
    if image.status not in (ImageStatus.ACTIVE, ImageStatus.DEACTIVATED):
        raise NotFound(f"image {image.id} has no data yet (it is {image.status}); upload some first")
    size = image.size or 0
    if offset > 0 and offset >= size:
        raise Invalid(f"offset {offset} is beyond the end of image {image.id} ({size} bytes)")
    try:
        # A data file replaced by a link (to a device, a fifo, another user's file) is not
        # image data: it is never followed, and only a regular file is read.
        fd = os.open(blobs.path(image.id), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise NotFound(f"the data file of image {image.id} is missing from {blobs.root}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Invalid(f"the data file of image {image.id} is a link; it is not read") from None
        raise io_error(exc, f"cannot read the data of image {image.id}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Invalid(f"the data file of image {image.id} is not a regular file; it is not read")
    os.set_blocking(fd, True)
    file = open(fd, "rb")  # noqa: SIM115 - the download closes it
    file.seek(offset)
    return image, file
