"""Every test here writes its action log under tmp_path, never into the user's state directory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from imagedeck.history import ActionLog
from imagedeck.stores.local import LocalStore
from tests.cli_kit import Cli, Result, isolate, run


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "xdg-state" / "imagedeck" / "actions.jsonl"


@pytest.fixture
def action_log(log_path: Path) -> ActionLog:
    return ActionLog(log_path)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], store_dir: Path) -> Cli:
    """``cli("set", ..., project="alpha")`` runs ``imagedeck --store DIR --project alpha set ...``."""

    def imagedeck(*argv: str, project: str = "alpha") -> Result:
        return run(capsys, ["--store", str(store_dir), "--project", project, *argv])

    return imagedeck


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


@pytest.fixture
def make_image(store_dir: Path) -> Callable[..., str]:
    """``make_image("alpha", "name", **fields)``: an active image made straight through the store."""

    def make(project: str, name: str, **fields: Any) -> str:
        async def go() -> str:
            async with LocalStore(store_dir, project) as store:
                body = {"name": name, "disk_format": "raw", "container_format": "bare", **fields}
                image = await store.create_image(body)
                await store.upload(image.id, _chunks(b"\x01" * 4096), 4096)
                return image.id

        return asyncio.run(go())

    return make
