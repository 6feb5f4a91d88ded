"""Image data files of the local store: ``blobs/<image_id>``, written through locked
temporary files so that a crash never leaves a partial file under a final name.

An upload writes ``blobs/.tmp-<image_id>-<random>``, holding an exclusive ``flock`` on
it from creation until the catalog has recorded the result; the lock follows the file
through its rename. Recovery (on open, in any process) therefore touches only files no
live process holds: those are leftovers of a crash. Only names of this shape, or an image
id, count as data files; anything else in the directory is someone else's and is left
alone. Files are created 0600 whatever the umask: they may hold a cloud's private images.
The synchronous functions block (the store calls them from threads); the async ones move
every read, write and hash to a worker thread themselves.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import errno
import fcntl
import hashlib
import os
import re
import secrets
import stat
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import ImageDeckError, Invalid, QuotaExceeded, Unavailable

#: Bytes read, written or hashed per step: a few MiB, so each worker thread call is long
#: next to the cost of handing it over, yet small enough to keep memory flat.
CHUNK_SIZE = 4 * 1024 * 1024
#: Bytes written between two syncs on the writer's thread: the disk writes while the next
#: bytes are hashed, so the final sync at commit waits only for the last few MiB.
SYNC_EVERY = 32 * 1024 * 1024
#: ``CHUNK_SIZE`` steps an upload may have in flight: the hashers go on while the writer
#: waits for a sync, and memory stays within this many steps.
DEPTH = 6
TMP_PREFIX = ".tmp-"
HASH_ALGO = "sha512"
#: Permissions of every file the store creates: its owner's only.
FILE_MODE = 0o600

_ID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_DATA_NAME = re.compile(rf"(?P<id>{_ID})")
_TMP_NAME = re.compile(rf"{re.escape(TMP_PREFIX)}(?P<id>{_ID})-[0-9a-f]+")


def io_error(exc: OSError, what: str) -> ImageDeckError:
    """A typed error for a failed file operation; a full disk is a quota problem."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return QuotaExceeded(f"{what}: the disk holding the local store is full; free some space and retry")
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
    unsynced: int = 0
    #: Set once the catalog has recorded the data: from then on it must stay.
    recorded: bool = False

    def write(self, data: bytes) -> None:
        """Append ``data`` to the file; `stream_into` hashes it beside, on other threads."""
        try:
            self._file.write(data)
            self.unsynced += len(data)
            if self.unsynced >= SYNC_EVERY:
                self._file.flush()
                os.fdatasync(self._file.fileno())
                self.unsynced = 0
        except OSError as exc:
            raise io_error(exc, f"cannot write the data of image {self.image_id}") from None
        self.size += len(data)

    def lanes(self) -> tuple[Callable[[bytes], object], ...]:
        """What happens to every step of the data, each on a thread of its own."""
        return self.write, self.md5.update, self.sha512.update

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
            # Only buffered bytes of data being thrown away can fail to flush.
            with contextlib.suppress(OSError):
                self._file.close()


class BlobDir:
    """The ``blobs`` directory of one store."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, image_id: str) -> Path:
        return self.root / image_id

    def start(self, image_id: str) -> BlobWriter:
        """A new locked temporary file for ``image_id``'s data, readable by its owner only."""
        tmp = self.root / f"{TMP_PREFIX}{image_id}-{secrets.token_hex(6)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(tmp, flags, FILE_MODE)
        except OSError as exc:
            raise io_error(exc, f"cannot start the upload of image {image_id}") from None
        os.fchmod(fd, FILE_MODE)  # a umask may only take bits away; this sets them exactly
        fcntl.flock(fd, fcntl.LOCK_EX)
        file = open(fd, "wb")  # noqa: SIM115 - lives as long as the upload
        return BlobWriter(image_id, tmp, self.path(image_id), file)

    def remove(self, image_id: str) -> None:
        try:
            os.unlink(self.path(image_id))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise io_error(exc, f"cannot remove the data of image {image_id}") from None

    def scan(self) -> Iterator[BlobEntry]:
        """Every data file, complete or not, and every link under a data file's name.

        Other names, directories and special files are not the store's and are skipped.
        """
        try:
            entries = list(os.scandir(self.root))
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            found = _blob_entry(entry)
            if found is not None:
                yield found

    def has_data(self) -> bool:
        """Whether any data file (or link under a data file's name) is here; stops at the first."""
        try:
            with os.scandir(self.root) as entries:
                return any(_blob_entry(entry) is not None for entry in entries)
        except (FileNotFoundError, NotADirectoryError):
            return False


@dataclass(frozen=True)
class BlobEntry:
    """One file of the ``blobs`` directory, as recovery sees it."""

    image_id: str
    path: Path
    #: An upload's temporary file (``.tmp-<id>-<random>``), not yet under its final name.
    is_tmp: bool
    #: A symbolic link: never opened, written through or removed by following it.
    is_link: bool


def _blob_entry(entry: os.DirEntry[str]) -> BlobEntry | None:
    match = _DATA_NAME.fullmatch(entry.name) or _TMP_NAME.fullmatch(entry.name)
    if match is None:
        return None
    is_link = entry.is_symlink()
    if not is_link and not entry.is_file(follow_symlinks=False):
        return None
    is_tmp = match.re is _TMP_NAME
    return BlobEntry(match["id"], Path(entry.path), is_tmp, is_link)


def is_held(path: Path) -> bool:
    """True while some process (this one included) holds the file's upload lock.

    Only a regular file can be held: a link is never opened (its target is not the
    store's) and a FIFO put in a file's place cannot make the check wait.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return True  # vanished, unreadable or a link: not an upload's file to take
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return True
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


class _Lanes:
    """One thread per lane (write, md5, sha512): each takes its steps in order, the lanes
    side by side, so a lane that waits (the writer on a sync) holds up the others only
    once ``DEPTH`` steps are in flight."""

    def __init__(self, fns: tuple[Callable[[bytes], object], ...]) -> None:
        self._work = [(ThreadPoolExecutor(1, thread_name_prefix="blob"), fn) for fn in fns]

    def submit(self, data: bytes) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        return asyncio.gather(*(loop.run_in_executor(pool, fn, data) for pool, fn in self._work))

    async def close(self) -> None:
        """Drop steps not started, wait for those in hand (the file must not close under a write)."""
        for pool, _ in self._work:
            pool.shutdown(wait=False, cancel_futures=True)
        for pool, _ in self._work:
            await asyncio.shield(asyncio.to_thread(pool.shutdown, True))


async def stream_into(writer: BlobWriter, data: AsyncIterable[bytes], size: int | None) -> None:
    """Copy the caller's chunks into ``writer`` in ``CHUNK_SIZE`` steps, each written and hashed
    on worker threads while the next ones arrive (at most ``DEPTH`` steps in flight)."""
    pending: list[bytes] = []
    buffered = received = 0
    lanes = _Lanes(writer.lanes())
    steps: collections.deque[asyncio.Future[Any]] = collections.deque()
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
                if len(steps) >= DEPTH:
                    await steps.popleft()
                steps.append(lanes.submit(_joined(pending)))
                pending, buffered = [], 0
        if pending:
            steps.append(lanes.submit(_joined(pending)))
        while steps:
            await steps.popleft()
    finally:
        for step in steps:
            _drop(step)
        await lanes.close()
    if size is not None and writer.size != size:
        raise Invalid(f"the data ended after {writer.size} of the declared {size} bytes")


def _drop(step: asyncio.Future[Any]) -> None:
    """Give up a step after a failure elsewhere; its own error, if any, is not reported twice."""
    if step.done():
        if not step.cancelled():
            step.exception()
    else:
        step.cancel()


def _joined(pieces: list[bytes]) -> bytes:
    """One buffer of ``pieces``, copied only when there are several."""
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


async def read_chunks(file: Any, image_id: str) -> AsyncGenerator[bytes, None]:
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
