"""What gallery tests share: settings for opening places, and images with data in local stores."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from imagedeck.config import Settings
from imagedeck.model import Image
from imagedeck.stores import ImageStore


def settings_for(root: Path, project: str = "alpha") -> Settings:
    """Settings that open local places as ``project``, without any token cache."""
    return Settings(store_path=root / "default-store", project=project, token_cache=False)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def payload(seed: int, size: int = 64 * 1024) -> bytes:
    """Distinct content per seed, so equal seeds mean equal hashes."""
    block = seed.to_bytes(4, "big") * 16 + os.urandom(0)
    return (block * (size // len(block) + 1))[:size]


async def add_image(store: ImageStore, name: str, seed: int, **fields: Any) -> Image:
    """An active raw image named ``name`` holding ``payload(seed)``, with extra create fields."""
    created = await store.create_image(
        {"name": name, "disk_format": "raw", "container_format": "bare", **fields}
    )
    data = payload(seed)
    return await store.upload(created.id, _once(data), len(data))
