"""A store whose data streams move no faster than a set rate, per transfer.

It stands in front of a real store and passes every other call through; the service uses
it when a bandwidth cap is set, so a slow link can be shared with other work.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from typing import Any

from ..model import Image
from ..stores import Download, ImageStore


class Throttled:
    """``store`` with uploads and downloads held to ``rate`` bytes per second each."""

    def __init__(self, store: ImageStore, rate: float) -> None:
        self._store = store
        self._rate = rate

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Image:
        return await self._store.upload(image_id, paced(data, self._rate), size)

    @contextlib.asynccontextmanager
    async def download(self, image_id: str, offset: int = 0) -> AsyncIterator[Download]:
        async with self._store.download(image_id, offset) as data:
            yield dataclasses.replace(data, chunks=paced(data.chunks, self._rate))


async def paced(chunks: AsyncIterable[bytes], rate: float) -> AsyncGenerator[bytes, None]:
    """Yield ``chunks`` no faster than ``rate`` bytes per second on average."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = 0
    async for chunk in chunks:
        ahead = start + sent / rate - loop.time()
        if ahead > 0:
            await asyncio.sleep(ahead)
        yield chunk
        sent += len(chunk)


__all__ = ["Throttled", "paced"]
