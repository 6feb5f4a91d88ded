"""Fixtures for gallery tests: two local stores acting as project alpha."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from imagedeck.stores.local import LocalStore


@pytest.fixture
async def east(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "east", "alpha") as opened:
        yield opened  # type: ignore[misc]


@pytest.fixture
async def west(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "west", "alpha") as opened:
        yield opened  # type: ignore[misc]
