"""Recovery of a local store after a crash: run on every open, in any process.

Nothing here waits for or second-guesses a live upload: its files are locked (see
`local_blobs`), and the catalog is examined inside a write transaction, which an
upload also holds while it creates its file and marks its image ``saving``.
"""

from __future__ import annotations

import contextlib
import sqlite3

from ..model import ImageStatus
from . import local_catalog as catalog
from .local_blobs import BlobDir, is_held

#: Statuses whose image owns a complete data file.
HAS_DATA = (ImageStatus.ACTIVE, ImageStatus.DEACTIVATED)


def recover(conn: sqlite3.Connection, blobs: BlobDir) -> None:
    """Undo what crashed uploads and deletes left behind.

    Data files no live upload holds are removed unless they belong to an ``active`` or
    ``deactivated`` image (data that never reached the catalog is not trusted), and
    images stuck in ``saving`` with no live upload go back to ``queued``. Runs in a
    write transaction, so it never races an upload starting in another process.
    """
    with catalog.write(conn):
        statuses: dict[str, str] = dict(conn.execute("SELECT id, status FROM images"))
        held: set[str] = set()
        for image_id, path, is_tmp in blobs.scan():
            status = statuses.get(image_id)
            if not is_tmp and status in HAS_DATA:
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
