"""Run the real ``imagedeck`` entry point in-process on a local store in tmp_path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli_kit import Cli, Result, isolate, run


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], store_dir: Path) -> Cli:
    """``cli("ls", project="alpha")`` runs ``imagedeck --store DIR --project alpha ls``."""

    def imagedeck(*argv: str, project: str = "alpha", admin: bool = False, store: bool = True) -> Result:
        prefix = ["--store", str(store_dir), "--project", project] if store else []
        if admin:
            prefix.append("--admin")
        return run(capsys, [*prefix, *argv])

    return imagedeck


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


@pytest.fixture
def make_image(store_dir: Path) -> Callable[..., str]:
    """``make_image("alpha", "name", **fields)``: an image made through the store API."""
    return lambda *args, **kwargs: add_image(store_dir, *args, **kwargs)


def add_image(
    store_dir: Path,
    project: str,
    name: str,
    data: bytes | None = b"\x01" * 4096,
    *,
    admin: bool = False,
    **fields: Any,
) -> str:
    """Create (and upload unless ``data`` is None) an image straight through the store API."""
    from imagedeck.stores.local import LocalStore

    async def go() -> str:
        async with LocalStore(store_dir, project, admin=admin) as store:
            body = {"name": name, "disk_format": "raw", "container_format": "bare", **fields}
            image = await store.create_image(body)
            if data is not None:
                await store.upload(image.id, _chunks(data), len(data))
            return image.id

    return asyncio.run(go())
