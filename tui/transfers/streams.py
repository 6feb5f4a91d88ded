"""Byte pipelines with bounded memory: file reads, prefetch queues, hashing off the loop.

Every stage moves ~1 MiB chunks (or batches of a few MiB) and holds at most a few of
them, so memory stays flat whatever the image size. Blocking work (file writes, md5
and sha512) runs on one dedicated thread per stage, fed through a bounded queue, so it
keeps working while the loop receives the next bytes and never waits on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import queue
import threading
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

CHUNK_SIZE = 1024 * 1024
#: Bytes handed to a stage's thread at once: a few MiB, so the thread holds the GIL
#: rarely (once per batch) and spends its time in hashing or in the kernel.
BATCH_SIZE = 4 * CHUNK_SIZE
#: Pieces in one batch at most (``writev`` takes at most IOV_MAX = 1024 buffers).
BATCH_PIECES = 512
#: Chunks (or batches) a queue may hold between a producer and a consumer.
QUEUE_DEPTH = 4
#: How long an idle stage thread waits for work before it ends (the next item starts another).
IDLE_S = 1.0
#: Every algorithm a `Hasher` can compute, as Glance records them.
ALGORITHMS = ("md5", "sha512")

_STOP = object()

T = TypeVar("T")


class ThreadStage:
    """Applies ``fn`` to items in order on one thread of its own, at most ``depth`` waiting.

    ``put`` returns as soon as the item is queued, so the loop goes on receiving while the
    thread works; it waits only when ``depth`` items are already queued, which bounds
    memory. The first exception ``fn`` raises is raised again by the next ``put`` or
    ``drain``, and the items after it are dropped. The thread ends after ``IDLE_S``
    without work, so a stage nobody finishes leaves nothing behind.
    """

    def __init__(self, fn: Callable[[Any], object], depth: int = QUEUE_DEPTH, name: str = "stage") -> None:
        self._fn = fn
        self._depth = depth
        self._name = name
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._room: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._discard = False

    async def put(self, item: Any) -> None:
        if self._room is None:
            self._loop = asyncio.get_running_loop()
            self._room = asyncio.Semaphore(self._depth)
        self._raise()
        await self._room.acquire()
        self._raise()
        self._send(item)

    async def drain(self) -> None:
        """Wait until every item put so far has been handled; raise what ``fn`` raised."""
        if self._loop is not None:
            done = self._loop.create_future()
            self._send(done)
            await done
        self._raise()

    async def abandon(self) -> None:
        """Drop the queued items and wait for the one in hand (before closing what ``fn`` uses)."""
        if self._loop is None:
            return
        self._discard = True
        done = self._loop.create_future()
        self._send(done)
        await asyncio.shield(done)

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _send(self, item: Any) -> None:
        with self._lock:
            self._queue.put(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            if isinstance(item, asyncio.Future):
                self._call_loop(_resolve, item)
                continue
            if self._error is None and not self._discard:
                try:
                    self._fn(item)
                except BaseException as exc:  # noqa: BLE001 - handed to the loop's side
                    self._error = exc
            self._call_loop(self._room.release)  # type: ignore[union-attr]

    def _call_loop(self, fn: Callable[..., object], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            self._loop.call_soon_threadsafe(fn, *args)  # type: ignore[union-attr]


def _resolve(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(None)


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


def _update(digest: _Digest, pieces: Sequence[bytes]) -> None:
    for piece in pieces:
        digest.update(piece)


class Hasher:
    """Digests of a stream (md5 is Glance's ``checksum``, sha512 its ``os_hash_value``).

    Only the ``algorithms`` asked for are computed, each on its own thread, so two run
    in parallel; a digest not computed reads as None.
    """

    def __init__(self, algorithms: Iterable[str] = ALGORITHMS) -> None:
        self._digests: dict[str, _Digest] = {
            name: hashlib.md5(usedforsecurity=False) if name == "md5" else hashlib.new(name)
            for name in algorithms
        }
        self._stages = [
            ThreadStage(functools.partial(_update, digest), name=f"hash-{name}")
            for name, digest in self._digests.items()
        ]
        self.size = 0

    async def feed(self, pieces: Sequence[bytes]) -> None:
        """Hash ``pieces`` (bytes objects the caller no longer changes), in order."""
        self.size += sum(map(len, pieces))
        for stage in self._stages:
            await stage.put(pieces)

    async def digests(self) -> tuple[str | None, str | None]:
        """(md5 hex, sha512 hex) of everything fed so far; None for one not computed."""
        for stage in self._stages:
            await stage.drain()
        md5, sha512 = self._digests.get("md5"), self._digests.get("sha512")
        return (md5.hexdigest() if md5 else None), (sha512.hexdigest() if sha512 else None)

    async def abandon(self) -> None:
        """Stop hashing (the stream failed): drop what is queued."""
        for stage in self._stages:
            await stage.abandon()


def write_all(fd: int, pieces: Sequence[bytes]) -> None:
    """Write every byte of ``pieces`` to ``fd`` in as few system calls as the kernel allows."""
    left = list(pieces)
    while left:
        written = os.writev(fd, left)
        while left and written >= len(left[0]):
            written -= len(left[0])
            left.pop(0)
        if written:
            left[0] = left[0][written:]


async def read_file(
    path: Path, offset: int = 0, chunk_size: int = CHUNK_SIZE, limit: int | None = None
) -> AsyncGenerator[bytes, None]:
    """A file's bytes from ``offset`` (up to ``limit`` bytes), read in a thread, one chunk ahead."""
    file: BinaryIO = await asyncio.to_thread(open, path, "rb")
    pending: asyncio.Future[bytes] | None = None
    left = limit

    def read() -> bytes:
        want = chunk_size if left is None else min(chunk_size, left)
        return file.read(want) if want > 0 else b""

    try:
        if offset:
            await asyncio.to_thread(file.seek, offset)
        pending = asyncio.ensure_future(asyncio.to_thread(read))
        while True:
            data = await pending
            pending = None
            if not data:
                return
            if left is not None:
                left -= len(data)
            pending = asyncio.ensure_future(asyncio.to_thread(read))
            yield data
    finally:
        if pending is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(pending)
        await asyncio.to_thread(file.close)


async def batches(source: AsyncIterable[bytes], size: int = BATCH_SIZE) -> AsyncGenerator[list[bytes], None]:
    """Group a stream's chunks into lists of ~``size`` bytes, without copying them."""
    batch: list[bytes] = []
    held = 0
    try:
        async for chunk in source:
            if not chunk:
                continue
            batch.append(bytes(chunk))
            held += len(chunk)
            if held >= size or len(batch) >= BATCH_PIECES:
                yield batch
                batch, held = [], 0
    except Exception:
        if batch:  # hand over what arrived before the failure (a resume starts after it)
            yield batch
        raise
    if batch:
        yield batch


async def coalesce(source: AsyncIterable[bytes], size: int = CHUNK_SIZE) -> AsyncGenerator[bytes, None]:
    """Regroup a stream's chunks into ~``size`` byte chunks (fewer thread hops per byte)."""
    async for batch in batches(source, size):
        yield batch[0] if len(batch) == 1 else b"".join(batch)


class _End:
    pass


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


async def prefetch(source: AsyncIterable[T], depth: int = QUEUE_DEPTH) -> AsyncGenerator[T, None]:
    """Pull ``source`` in its own task into a queue of at most ``depth`` items.

    The producer keeps reading while the consumer sends, and stops when the queue is
    full: that bound is what keeps memory flat.
    """
    queue_: asyncio.Queue[T | _End | _Failure] = asyncio.Queue(maxsize=depth)

    async def pump() -> None:
        try:
            async for item in source:
                await queue_.put(item)
        except Exception as exc:  # noqa: BLE001 - the consumer raises it again
            await queue_.put(_Failure(exc))
        else:
            await queue_.put(_End())

    task = asyncio.create_task(pump())
    try:
        while True:
            item = await queue_.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()


async def hashed(
    source: AsyncIterable[bytes], hasher: Hasher, on_chunk: Callable[[int], None] | None = None
) -> AsyncGenerator[bytes, None]:
    """Pass chunks through while ``hasher`` digests them in threads; count them for progress."""
    async for chunk in source:
        await hasher.feed((chunk,))
        yield chunk
        if on_chunk is not None:
            on_chunk(len(chunk))


__all__ = [
    "ALGORITHMS",
    "BATCH_SIZE",
    "CHUNK_SIZE",
    "QUEUE_DEPTH",
    "Hasher",
    "ThreadStage",
    "batches",
    "coalesce",
    "hashed",
    "prefetch",
    "read_file",
    "write_all",
]
