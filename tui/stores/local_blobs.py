"""Image data files of the local store: ``blobs/<image_id>``, written through locked
temporary files so that a crash never leaves a partial file under a final name.

An upload writes ``blobs/.tmp-<image_id>-<random>``, holding an exclusive ``flock`` on
it from creation until the catalog has recorded the result; the lock follows the file
through its rename. Recovery (on open, in any process) therefore touches only files no
live process holds: those are leftovers of a crash. The synchronous functions block
(the store calls them from threads); the async ones move every read, write and hash to
a worker thread themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import hashlib
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import ImageDeckError, Invalid, QuotaExceeded, Unavailable

#: Bytes read, written or hashed per step: a few MiB, so each worker thread call is long
#: next to the cost of handing it over, yet small enough to keep memory flat.
CHUNK_SIZE = 4 * 1024 * 1024
TMP_PREFIX = ".tmp-"
HASH_ALGO = "sha512"


def io_error(exc: OSError, what: str) -> ImageDeckError:
    """A typed error for a failed file operation; a full disk is a quota problem."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return QuotaExceeded(
            f"{what}: the disk holding the local store is full; free some space and retry"
        )
    return Unavailable(f"{what}: {exc.strerror or exc}")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(eq=False)
class BlobWriter:
    """One upload's data file: hashes while writing, keeps its lock until released."""

    image_id: str
    tmp_path: Path
    final_path: Path
    _file: Any
    size: int = 0
    md5: Any = field(default_factory=lambda: hashlib.md5(usedforsecurity=False))
    sha512: Any = field(default_factory=hashlib.sha512)
    committed: bool = False
    #: Set once the catalog has recorded the data: from then on it must stay.
    recorded: bool = False

    def write(self, data: bytes) -> None:
        """Append ``data`` to the file; `stream_into` hashes it beside, on other threads."""
        try:
            self._file.write(data)
        except OSError as exc:
            raise io_error(exc, f"cannot write the data of image {self.image_id}") from None
        self.size += len(data)

    def store(self, data: bytes) -> asyncio.Future[Any]:
        """Write and hash ``data`` on three worker threads at once (a future for all three)."""
        return asyncio.gather(
            asyncio.to_thread(self.write, data),
            asyncio.to_thread(self.md5.update, data),
            asyncio.to_thread(self.sha512.update, data),
        )

    def commit(self) -> Path:
        """Make the data durable under its final name (fsync, rename, fsync the directory)."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            os.replace(self.tmp_path, self.final_path)
            self.committed = True
            fsync_dir(self.final_path.parent)
        except OSError as exc:
            raise io_error(exc, f"cannot save the data of image {self.image_id}") from None
        return self.final_path

    def discard(self) -> None:
        """Remove what this upload wrote (only its own file) and release the lock."""
        path = self.final_path if self.committed else self.tmp_path
        try:
            if os.stat(path).st_ino == os.fstat(self._file.fileno()).st_ino:
                os.unlink(path)
        except OSError:
            pass  # already gone; recovery removes anything left once the lock is free
        self.release()

    def release(self) -> None:
        """Close the file, which drops the lock (the catalog now tells the truth)."""
        if not self._file.closed:
            try:
                self._file.close()
            except OSError:
                pass  # only buffered bytes of data being thrown away can fail to flush


class BlobDir:
    """The ``blobs`` directory of one store."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, image_id: str) -> Path:
        return self.root / image_id

    def start(self, image_id: str) -> BlobWriter:
        """A new locked temporary file for ``image_id``'s data."""
        tmp = self.root / f"{TMP_PREFIX}{image_id}-{secrets.token_hex(6)}"
        try:
            file = open(tmp, "xb")  # noqa: SIM115 - lives as long as the upload
        except OSError as exc:
            raise io_error(exc, f"cannot start the upload of image {image_id}") from None
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        return BlobWriter(image_id, tmp, self.path(image_id), file)

    def remove(self, image_id: str) -> None:
        try:
            os.unlink(self.path(image_id))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise io_error(exc, f"cannot remove the data of image {image_id}") from None

    def scan(self) -> Iterator[tuple[str, Path, bool]]:
        """(image id, path, is temporary) of every data file, complete or not."""
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                is_tmp = entry.name.startswith(TMP_PREFIX)
                image_id = entry.name[len(TMP_PREFIX) :].rsplit("-", 1)[0] if is_tmp else entry.name
                yield image_id, Path(entry.path), is_tmp


def is_held(path: Path) -> bool:
    """True while some process (this one included) holds the file's upload lock."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # vanished or unreadable: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


async def stream_into(writer: BlobWriter, data: AsyncIterable[bytes], size: int | None) -> None:
    """Copy the caller's chunks into ``writer`` in ``CHUNK_SIZE`` steps, one step stored on
    worker threads while the next one arrives."""
    pending: list[bytes] = []
    buffered = received = 0
    storing: asyncio.Future[Any] | None = None
    try:
        async for chunk in data:
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise Invalid(f"image data must be bytes, not {type(chunk).__name__}")
            pending.append(bytes(chunk))
            buffered += len(chunk)
            received += len(chunk)
            if size is not None and received > size:
                raise Invalid(f"more data than the declared size of {size} bytes")
            if buffered >= CHUNK_SIZE:
                if storing is not None:
                    await storing
                storing = writer.store(b"".join(pending))
                pending.clear()
                buffered = 0
        if storing is not None:
            await storing
        storing = writer.store(b"".join(pending)) if pending else None
        if storing is not None:
            await storing
    finally:
        if storing is not None and not storing.done():
            with contextlib.suppress(BaseException):
                await asyncio.shield(storing)  # the file must not close under a write
    if size is not None and writer.size != size:
        raise Invalid(f"the data ended after {writer.size} of the declared {size} bytes")


async def read_chunks(file: Any, image_id: str) -> AsyncIterator[bytes]:
    """The file's bytes in ``CHUNK_SIZE`` chunks, each read on a thread while the last is used."""
    ahead = asyncio.ensure_future(asyncio.to_thread(file.read, CHUNK_SIZE))
    try:
        while True:
            try:
                chunk = await ahead
            except OSError as exc:
                raise io_error(exc, f"cannot read the data of image {image_id}") from None
            except ValueError:  # the download was closed while a read was pending
                return
            if not chunk:
                return
            ahead = asyncio.ensure_future(asyncio.to_thread(file.read, CHUNK_SIZE))
            yield chunk
    finally:
        if not ahead.done():
            with contextlib.suppress(BaseException):
                await asyncio.shield(ahead)  # the caller closes the file next
