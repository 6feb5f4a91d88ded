"""Every test here writes its action log under tmp_path, never into the user's state directory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from imagedeck.history import ActionLog
from tests.cli_kit import Cli, Result, isolate, run
from tests.history.history_kit import add_image


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)  # XDG_STATE_HOME in tmp_path too


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


@pytest.fixture
def make_image(store_dir: Path) -> Callable[..., str]:
    """``make_image("alpha", "name", **fields)``: an active image made straight through the store."""
    return lambda *args, **fields: asyncio.run(add_image(store_dir, *args, **fields))
