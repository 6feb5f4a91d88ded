"""A store whose catalog is a directory, a pipe or a socket is refused in one clear line,
writable or read-only, and nothing in it is changed (SQLite alone fails vaguely or hangs)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from imagedeck.model import Invalid
from imagedeck.stores.local import LocalStore


def _directory(path: Path) -> None:
    path.mkdir()


def _pipe(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))


MAKERS: dict[str, Callable[[Path], None]] = {"directory": _directory, "named pipe": _pipe, "socket": _socket}


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize("kind", sorted(MAKERS))
async def test_a_catalog_that_is_not_a_file_is_refused_and_left_alone(
    tmp_path: Path, kind: str, read_only: bool
) -> None:
    root = tmp_path / "store"
    root.mkdir()
    MAKERS[kind](root / "catalog.sqlite")
    before = sorted(p.name for p in root.iterdir())
    with pytest.raises(Invalid) as caught:
        await LocalStore(root, "p", read_only=read_only).open()
    message = str(caught.value)
    assert f"is a {kind}, not a catalog file" in message and "\n" not in message
    assert sorted(p.name for p in root.iterdir()) == before
