"""Stores on the lab for the Glance tests, each closed after its test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from imagedeck.stores.glance import GlanceStore
from tests.lab.plugin import lab_cloud

OpenStore = Callable[..., Awaitable[GlanceStore]]


@pytest.fixture
async def open_store(lab, tmp_path: Path) -> AsyncIterator[OpenStore]:
    """``await open_store("lab-alice", transport=..., token_cache=...)`` -> an opened store."""
    opened: list[GlanceStore] = []

    async def make(cloud: str, **kwargs) -> GlanceStore:
        kwargs.setdefault("token_cache", False)
        store = GlanceStore(lab_cloud(lab, cloud), **kwargs)
        await store.open()
        opened.append(store)
        return store

    yield make
    for store in opened:
        await store.close()
