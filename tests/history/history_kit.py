"""Images made straight through the local store, for the history tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from imagedeck.stores.local import LocalStore


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def add_image(store_dir: Path, project: str, name: str, **fields: Any) -> str:
    """An active 4 KiB raw image owned by ``project``; its id."""
    async with LocalStore(store_dir, project) as store:
        body = {"name": name, "disk_format": "raw", "container_format": "bare", **fields}
        image = await store.create_image(body)
        await store.upload(image.id, _chunks(b"\x01" * 4096), 4096)
        return image.id
