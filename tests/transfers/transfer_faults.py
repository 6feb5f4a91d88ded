"""Fault injection for transfer tests: store wrappers that cut, corrupt or stall the bytes.

They wrap a real store and change only the data path; everything else is delegated.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from imagedeck.model import FormatRejected, Unavailable
from imagedeck.stores import Download, ImageStore


class Wrapper:
    """Delegates every attribute to ``inner``; subclasses override the data path."""

    def __init__(self, inner: ImageStore) -> None:
        self.inner = inner
        self.label = inner.label

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def _flipped(chunks: AsyncIterable[bytes], at: int) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in chunks:
        if seen <= at < seen + len(chunk):
            data = bytearray(chunk)
            data[at - seen] ^= 0xFF
            chunk = bytes(data)
        seen += len(chunk)
        yield chunk


async def _cut(chunks: AsyncIterable[bytes], after: int) -> AsyncIterator[bytes]:
    sent = 0
    async for chunk in chunks:
        if sent + len(chunk) > after:
            if after > sent:
                yield chunk[: after - sent]
            raise Unavailable("connection reset by peer")
        sent += len(chunk)
        yield chunk


class CorruptDownloads(Wrapper):
    """Every download has one byte flipped at absolute position ``at``."""

    def __init__(self, inner: ImageStore, at: int) -> None:
        super().__init__(inner)
        self.at = at

    @asynccontextmanager
    async def download(self, image_id: str, offset: int = 0) -> AsyncIterator[Download]:
        async with self.inner.download(image_id, offset) as data:
            data.chunks = _flipped(data.chunks, self.at - data.offset)
            yield data


class DroppingDownloads(Wrapper):
    """The first ``drops`` downloads break after ``after`` bytes; offsets asked are recorded.

    With ``ranges=False`` the store ignores the offset and sends everything from 0.
    """

    def __init__(self, inner: ImageStore, after: int, drops: int = 1, ranges: bool = True) -> None:
        super().__init__(inner)
        self.after = after
        self.drops = drops
        self.ranges = ranges
        self.offsets: list[int] = []
        self.answered: list[int] = []

    @asynccontextmanager
    async def download(self, image_id: str, offset: int = 0) -> AsyncIterator[Download]:
        self.offsets.append(offset)
        actual = offset if self.ranges else 0
        self.answered.append(actual)
        async with self.inner.download(image_id, actual) as data:
            if self.drops > 0:
                self.drops -= 1
                data.chunks = _cut(data.chunks, self.after)
            yield data


class FailingUploads(Wrapper):
    """Uploads break: ``mode`` "drop" cuts the stream midway, "reject" refuses the format
    like Glance's 415, "corrupt" flips a byte on the way. ``failures`` uploads fail."""

    def __init__(self, inner: ImageStore, mode: str, failures: int = 1, after: int = 1 << 20) -> None:
        super().__init__(inner)
        self.mode = mode
        self.failures = failures
        self.after = after
        self.image_ids: list[str] = []

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Any:
        self.image_ids.append(image_id)
        if self.failures <= 0:
            return await self.inner.upload(image_id, data, size)
        self.failures -= 1
        if self.mode == "reject":
            raise FormatRejected("image data was rejected by the format inspector (415)")
        if self.mode == "drop":
            return await self.inner.upload(image_id, _cut(data, self.after), size)
        return await self.inner.upload(image_id, _flipped(data, self.after), size)


class Md5Only(Wrapper):
    """A store that records an md5 ``checksum`` but no sha512, as Glance did before os_hash."""

    @staticmethod
    def _strip(image: Any) -> Any:
        return dataclasses.replace(image, os_hash_algo=None, os_hash_value=None)

    async def get_image(self, image_id: str) -> Any:
        return self._strip(await self.inner.get_image(image_id))

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Any:
        return self._strip(await self.inner.upload(image_id, data, size))


class Stalling(Wrapper):
    """Data flows until ``after`` bytes, then stalls until the job is cancelled.

    ``reached`` is set when the stall begins, so a test cancels at a known point.
    """

    def __init__(self, inner: ImageStore, after: int) -> None:
        super().__init__(inner)
        self.after = after
        self.reached = asyncio.Event()

    async def _stall(self, chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        sent = 0
        async for chunk in chunks:
            yield chunk
            sent += len(chunk)
            if sent >= self.after:
                self.reached.set()
                await asyncio.Event().wait()

    @asynccontextmanager
    async def download(self, image_id: str, offset: int = 0) -> AsyncIterator[Download]:
        async with self.inner.download(image_id, offset) as data:
            data.chunks = self._stall(data.chunks)
            yield data

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Any:
        return await self.inner.upload(image_id, self._stall(data), size)
