"""Download an image to a file: ``NAME.part`` first, verified, then renamed.

A dropped connection resumes from the bytes already on disk when the store honours
the range (``Download.offset`` equals the requested offset) and starts over when it
does not. The final name only ever holds a complete, verified file, and an existing
file there is replaced only when asked for (see `local_files` for what disk may hold).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
from collections.abc import AsyncIterable
from pathlib import Path

from ..model import Image, ImageDeckError, Invalid, QuotaExceeded, Unavailable, visible
from ..stores import ImageStore
from .errors import VerificationFailed
from .events import TransferKind, TransferState
from .job import Transfer
from .local_files import check_target, open_part, part_path, publish, remove_own, same_file
from .streams import CHUNK_SIZE, Hasher, ThreadStage, batches, write_all
from .verify import records_sha512

#: Resumes in a row that may each fail before moving any byte before the job gives up.
MAX_RESUMES = 3

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
#: Bytes written between two ``fdatasync`` calls: the disk catches up while the network
#: still runs, instead of in one long stall before the rename.
SYNC_EVERY = 64 * 1024 * 1024


class _Interrupted(Exception):
    """The stream stopped early; ``moved`` says whether this attempt made progress."""

    def __init__(self, reason: str, moved: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.moved = moved


class DownloadJob(Transfer):
    """Download image ``image_id`` from ``store`` to ``dest``.

    ``keep_partial`` keeps the ``.part`` file on cancel so a later run resumes it.
    ``replace`` lets the verified file replace an existing regular file at ``dest`` (only
    after the person said so); without it an existing ``dest`` fails the job untouched.
    """

    kind = TransferKind.DOWNLOAD

    def __init__(
        self,
        store: ImageStore,
        image_id: str,
        dest: Path | str,
        *,
        keep_partial: bool = False,
        replace: bool = False,
        max_resumes: int = MAX_RESUMES,
    ) -> None:
        self.dest = Path(dest)
        super().__init__(f"{store.label}: {image_id}", str(self.dest))
        self.store = store
        self.image_id = image_id
        self.part = part_path(self.dest)
        self.keep_partial = keep_partial
        self.replace = replace
        self.max_resumes = max_resumes
        #: The ``.part`` this job opened and checked; only that very file is ever deleted.
        self._part_file: os.stat_result | None = None
        #: Offsets the store was asked to start from, in order (the first is 0 or a resume).
        self.requested_offsets: list[int] = []

    async def run(self) -> None:
        await asyncio.to_thread(check_target, self.dest, replace=self.replace)
        image = await self.store.get_image(self.image_id)
        self.source = f"{self.store.label}: {image.label}"
        fruitless = 0
        while True:
            try:
                hasher = await self._attempt(image)
                break
            except _Interrupted as exc:
                fruitless = 0 if exc.moved else fruitless + 1
                if fruitless > self.max_resumes:
                    raise Unavailable(
                        f"{exc.reason}; gave up after {self.max_resumes} tries without progress "
                        f"({self.done} bytes kept in {self.part.name}: retry resumes)"
                    ) from None
                self.say(f"{exc.reason}; resuming at {self.done} bytes")
                await asyncio.sleep(min(2.0, 0.5 * fruitless))  # back off while nothing moves
        await self._verify(image, hasher)
        await asyncio.to_thread(publish, self.part, self.dest, replace=self.replace, identity=self._part_file)
        self._part_file = None
        self.result = self.dest
        self.message = f"saved {self.dest.name}; {self._verified_by(image)}"

    async def _attempt(self, image: Image) -> Hasher:
        try:
            fd, self._part_file = await asyncio.to_thread(open_part, self.part)
        except OSError as exc:
            raise self._disk_error(exc) from None
        try:
            return await self._fill(fd, image)
        finally:
            await asyncio.to_thread(os.close, fd)

    async def _fill(self, fd: int, image: Image) -> Hasher:
        """Bring the open ``.part`` to the whole image, hashing every byte it holds."""
        offset = self._part_file.st_size if self._part_file is not None else 0
        if image.size is not None and offset > image.size:
            offset = 0
        hasher = Hasher(needed_algorithms(image))
        self.begin(image.size, "resuming" if offset else "downloading", done=0)
        if offset:
            await self._hash_existing(fd, hasher, offset)
        if image.size is not None and offset == image.size:
            return hasher  # every byte is already here; only verification is left
        self.requested_offsets.append(offset)
        start_done = self.done
        try:
            async with self.store.download(self.image_id, offset) as data:
                if data.offset != offset:
                    await hasher.abandon()
                    hasher = Hasher(needed_algorithms(image))
                    offset = data.offset
                    self.begin(data.size or image.size, "the store cannot resume: starting over")
                start_done = self.done
                await self._write(fd, data.chunks, offset, hasher)
        except BaseException as exc:
            await hasher.abandon()
            if not isinstance(exc, Unavailable):
                raise
            raise _Interrupted(f"connection dropped ({exc.message})", self.done > start_done) from None
        got = (await asyncio.to_thread(os.fstat, fd)).st_size
        if image.size is not None and got < image.size:
            raise _Interrupted(f"the stream ended after {got} of {image.size} bytes", self.done > start_done)
        return hasher

    async def _hash_existing(self, fd: int, hasher: Hasher, offset: int) -> None:
        """Hash the bytes an earlier run left, read through the descriptor already checked."""
        self.say(f"checking the {offset} bytes already downloaded")
        position = 0
        while position < offset:
            chunk = await asyncio.to_thread(os.pread, fd, min(CHUNK_SIZE, offset - position), position)
            if not chunk:
                raise _Interrupted(f"{self.part.name} shrank while it was read", False)
            await hasher.feed((chunk,))
            position += len(chunk)
            self.advance(len(chunk))

    async def _write(self, fd: int, chunks: AsyncIterable[bytes], offset: int, hasher: Hasher) -> None:
        try:
            await asyncio.to_thread(_truncate_at, fd, offset)
        except OSError as exc:
            raise self._disk_error(exc) from None
        writer = ThreadStage(_Writer(fd), name="download-write")
        try:
            async with contextlib.aclosing(batches(chunks)) as received:
                async for batch in received:
                    await hasher.feed(batch)
                    await writer.put(batch)
                    self.advance(sum(map(len, batch)))
            await writer.drain()
            await asyncio.to_thread(os.fsync, fd)
        except OSError as exc:
            raise self._disk_error(exc) from None
        finally:
            await writer.abandon()

    def _disk_error(self, exc: OSError) -> ImageDeckError:
        if exc.errno in _DISK_FULL:
            with contextlib.suppress(OSError):
                remove_own(self.part, self._part_file)
            return QuotaExceeded(
                f"the disk holding {self.dest.parent} is full after {self.done} bytes; "
                f"the partial file was deleted"
            )
        return Invalid(f"cannot write {visible(str(self.part))}: {exc.strerror or exc}")

    async def _verify(self, image: Image, hasher: Hasher) -> None:
        self.set_state(TransferState.VERIFYING, "verifying")
        md5, sha512 = await hasher.digests()
        problem = None
        if image.size is not None and hasher.size != image.size:
            problem = f"size {hasher.size} instead of {image.size}"
        elif records_sha512(image):
            if image.os_hash_value != sha512:
                problem = "sha512 differs from the image's os_hash_value"
        elif image.checksum and image.checksum != md5:
            problem = "md5 differs from the image's checksum"
        if problem:
            await asyncio.to_thread(remove_own, self.part, self._part_file)
            raise VerificationFailed(
                f"the downloaded data is corrupt ({problem}); the partial file was deleted"
            )

    @staticmethod
    def _verified_by(image: Image) -> str:
        if records_sha512(image):
            return "sha512 verified"
        if image.checksum:
            return "md5 verified"
        return "not verified: the store recorded no checksum"

    async def cleanup(self, *, cancelled: bool) -> str | None:
        ours = await asyncio.to_thread(same_file, self.part, self._part_file)
        if not ours:
            return None  # nothing was written, or what lies there is not this job's
        if cancelled and not self.keep_partial:
            await asyncio.to_thread(remove_own, self.part, self._part_file)
            return "partial file deleted"
        return f"{self.part.name} kept: retry resumes"


def needed_algorithms(image: Image) -> tuple[str, ...]:
    """The one digest `DownloadJob._verify` compares: sha512 when recorded, else md5."""
    if records_sha512(image):
        return ("sha512",)
    if image.checksum:
        return ("md5",)
    return ()


class _Writer:
    """Writes batches to a file descriptor, syncing every ``SYNC_EVERY`` bytes on the way."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.unsynced = 0

    def __call__(self, pieces: list[bytes]) -> None:
        write_all(self.fd, pieces)
        self.unsynced += sum(map(len, pieces))
        if self.unsynced >= SYNC_EVERY:
            os.fdatasync(self.fd)
            self.unsynced = 0


def _truncate_at(fd: int, offset: int) -> None:
    """Drop whatever lies after ``offset`` and write from there on."""
    os.ftruncate(fd, offset)
    os.lseek(fd, offset, os.SEEK_SET)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _publish_file(part: Path, dest: Path) -> None:
    """Give the verified bytes their final name, durably, replacing only a regular file."""
    publish(part, dest, replace=True)
