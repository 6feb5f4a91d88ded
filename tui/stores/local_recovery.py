"""Recovery of a local store after a crash: run on every writable open, in any process.

Nothing here waits for or second-guesses a live upload: its files are locked (see
`local_blobs`), and the catalog is examined inside a write transaction, which an
upload also holds while it creates its file and marks its image ``saving``.

Recovery deletes only what it knows it wrote: an upload's temporary file that no live
process holds. A data file no usable image owns may still be someone's only copy (a
catalog restored from an old backup, a file put there by hand), so it is moved aside
into ``quarantine/<time>/`` inside the store and reported, never deleted. Links are
moved as links: their targets are never opened, written or removed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ..model import ImageStatus
from . import local_catalog as catalog
from .local_blobs import BlobDir, BlobEntry, is_held

#: Statuses whose image owns a complete data file.
HAS_DATA = (ImageStatus.ACTIVE, ImageStatus.DEACTIVATED)
#: Permissions of the directories the store creates: its owner's only.
DIR_MODE = 0o700


def recover(conn: sqlite3.Connection, blobs: BlobDir, quarantine: Path) -> list[str]:
    """Undo what crashed uploads and deletes left behind; returns what a person should know.

    Unheld temporary files are removed; data files (and links) that belong to no
    ``active`` or ``deactivated`` image and that no live upload holds are moved into a
    new folder under ``quarantine``; images stuck in ``saving`` with no live upload go
    back to ``queued``. Runs in a write transaction, so it never races an upload
    starting in another process.
    """
    with catalog.write(conn):
        statuses: dict[str, str] = dict(conn.execute("SELECT id, status FROM images"))
        held: set[str] = set()
        strays: list[BlobEntry] = []
        for entry in blobs.scan():
            if not entry.is_tmp and not entry.is_link and statuses.get(entry.image_id) in HAS_DATA:
                continue  # complete data of a usable image: the common case, no lock check
            if entry.is_link:
                strays.append(entry)
            elif is_held(entry.path):
                held.add(entry.image_id)
            elif entry.is_tmp:
                _remove_own(entry.path)
            else:
                strays.append(entry)
        now = catalog.now_stamp()
        conn.executemany(
            "UPDATE images SET status = ?, updated_at = ? WHERE id = ?",
            [
                (ImageStatus.QUEUED, now, image_id)
                for image_id, status in statuses.items()
                if status == ImageStatus.SAVING and image_id not in held
            ],
        )
        return _quarantine(strays, quarantine) if strays else []


def _remove_own(path: Path) -> None:
    """Remove an upload's temporary file (the name itself, never a link's target)."""
    # Gone already, or not ours to remove after all: the next open tries again.
    with contextlib.suppress(OSError):
        os.unlink(path)


def _quarantine(strays: list[BlobEntry], quarantine: Path) -> list[str]:
    """Move ``strays`` into a new folder under ``quarantine``; messages saying where."""
    try:
        folder = _new_folder(quarantine)
    except OSError as exc:
        return [
            f"{len(strays)} data file(s) in {strays[0].path.parent} belong to no usable image; "
            f"they were left in place because {quarantine} cannot be used: {exc.strerror or exc}"
        ]
    moved = failed = 0
    for entry in strays:
        try:
            os.rename(entry.path, folder / entry.path.name)  # a link moves as a link
            moved += 1
        except FileNotFoundError:
            pass  # another process dealt with it meanwhile
        except OSError:
            failed += 1
    messages = []
    if moved:
        messages.append(
            f"moved {moved} data file(s) that no usable image owns to {folder}; "
            "look at them, then delete that folder"
        )
    if failed:
        messages.append(f"{failed} data file(s) that no usable image owns could not be moved to {folder}")
    return messages


def _new_folder(quarantine: Path) -> Path:
    """A fresh ``quarantine/<UTC time>[-n]`` folder, 0700; refuses a quarantine that is a link."""
    try:
        os.mkdir(quarantine, DIR_MODE)
        os.chmod(quarantine, DIR_MODE)  # exactly 0700, whatever the umask
    except FileExistsError:
        if not quarantine.is_dir() or quarantine.is_symlink():
            raise NotADirectoryError(20, "it is not a directory of this store") from None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        folder = quarantine / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)
        return folder
    raise FileExistsError(17, "too many quarantine folders for one second")
