"""Byte pipelines with bounded memory: file reads, prefetch queues, hashing off the loop.

Every stage moves ~1 MiB chunks and holds at most a few of them, so memory stays flat
whatever the image size. Blocking work (file reads and writes, md5 and sha512) runs in
threads, one call at a time per stage, so it overlaps the network I/O of the next chunk.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO

CHUNK_SIZE = 1024 * 1024
#: Chunks a prefetch queue may hold between a producer and a consumer.
QUEUE_DEPTH = 4


class SerialWorker:
    """Runs blocking calls in a thread strictly in order, at most one in flight.

    ``submit`` waits for the previous call, starts the next and returns at once, so the
    caller's next network read overlaps this call. ``drain`` waits for the last one.
    """

    def __init__(self) -> None:
        self._pending: asyncio.Future[Any] | None = None

    async def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        await self.drain()
        self._pending = asyncio.ensure_future(asyncio.to_thread(fn, *args))

    async def drain(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def settle(self) -> None:
        """Wait for the call in flight and ignore its outcome (cleanup after a failure)."""
        with contextlib.suppress(Exception):
            await self.drain()


class Hasher:
    """md5 (Glance's ``checksum``) and sha512 (``os_hash_value``) computed off the loop.

    Both digests run in parallel threads (hashlib releases the GIL), one chunk behind
    the data flow.
    """

    def __init__(self) -> None:
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._sha512 = hashlib.sha512()
        self._pending: asyncio.Future[Any] | None = None
        self.size = 0

    async def feed(self, chunk: bytes) -> None:
        await self._wait()
        self.size += len(chunk)
        self._pending = asyncio.gather(
            asyncio.to_thread(self._md5.update, chunk),
            asyncio.to_thread(self._sha512.update, chunk),
        )

    async def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def digests(self) -> tuple[str, str]:
        """(md5 hex, sha512 hex) of everything fed so far."""
        await self._wait()
        return self._md5.hexdigest(), self._sha512.hexdigest()

    async def settle(self) -> None:
        with contextlib.suppress(Exception):
            await self._wait()


async def read_file(
    path: Path, offset: int = 0, chunk_size: int = CHUNK_SIZE, limit: int | None = None
) -> AsyncIterator[bytes]:
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


async def coalesce(source: AsyncIterable[bytes], size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
    """Regroup a stream's chunks into ~``size`` byte chunks (fewer thread hops per byte)."""
    buffer = bytearray()
    try:
        async for chunk in source:
            if not buffer and len(chunk) >= size:
                yield bytes(chunk)
                continue
            buffer += chunk
            if len(buffer) >= size:
                yield bytes(buffer)
                buffer.clear()
    except Exception:
        if buffer:  # hand over what arrived before the failure (a resume starts after it)
            yield bytes(buffer)
        raise
    if buffer:
        yield bytes(buffer)


class _End:
    pass


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


async def prefetch(source: AsyncIterable[bytes], depth: int = QUEUE_DEPTH) -> AsyncIterator[bytes]:
    """Pull ``source`` in its own task into a queue of at most ``depth`` chunks.

    The producer keeps reading while the consumer sends, and stops when the queue is
    full: that bound is what keeps memory flat.
    """
    queue: asyncio.Queue[bytes | _End | _Failure] = asyncio.Queue(maxsize=depth)

    async def pump() -> None:
        try:
            async for chunk in source:
                await queue.put(chunk)
        except Exception as exc:
            await queue.put(_Failure(exc))
        else:
            await queue.put(_End())

    task = asyncio.create_task(pump())
    try:
        while True:
            item = await queue.get()
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
) -> AsyncIterator[bytes]:
    """Pass chunks through while ``hasher`` digests them in threads; count them for progress."""
    async for chunk in source:
        await hasher.feed(chunk)
        yield chunk
        if on_chunk is not None:
            on_chunk(len(chunk))


__all__ = [
    "CHUNK_SIZE",
    "Hasher",
    "QUEUE_DEPTH",
    "SerialWorker",
    "coalesce",
    "hashed",
    "prefetch",
    "read_file",
]
