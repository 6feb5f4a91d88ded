"""Fixtures for the operator views: the lab's stores by cloud name, and a transfer manager."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from imagedeck.stores.glance import GlanceStore
from imagedeck.transfers import Transfer
from imagedeck.transfers.manager import TransferManager
from tests.lab import Lab
from tests.lab.plugin import lab_cloud

OpenStore = Callable[[str], Awaitable[GlanceStore]]


@pytest.fixture
async def lab_store(lab: Lab, lab_token_dir: Path) -> AsyncIterator[OpenStore]:
    """``await lab_store("lab-carol")``: an open store on one of the lab's clouds."""
    opened: list[GlanceStore] = []

    async def open_one(name: str) -> GlanceStore:
        store = GlanceStore(lab_cloud(lab, name), token_cache=lab_token_dir)
        await store.open()
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        await store.close()


@pytest.fixture
async def run_job() -> AsyncIterator[Callable[[Transfer], Awaitable[Transfer]]]:
    """Run a transfer job to its end through a real manager."""
    manager = TransferManager(max_running=2)

    async def run(job: Transfer) -> Transfer:
        return await manager.wait(manager.submit(job))

    yield run
    await manager.shutdown()
