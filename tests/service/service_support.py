"""Helpers of the service tests: waiting on conditions, finding the service process, specs."""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagedeck.service.paths import ServicePaths
from imagedeck.service.spec import JobSpec, Place
from imagedeck.transfers.events import TransferKind

MIB = 1024 * 1024


def service_pid(paths: ServicePaths) -> int | None:
    """The pid of the live service holding the lock, or None."""
    try:
        fd = os.open(paths.lock, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode().strip()
            return int(text) if text.isdigit() else None
        return None
    finally:
        os.close(fd)


async def until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Wait until ``condition()`` is truthy (checked every 20 ms) and return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def random_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def local_place(root: Path, project: str = "alpha") -> Place:
    return Place(store_path=root, project=project, token_cache=False)


def upload_spec(place: Place, path: Path, name: str) -> JobSpec:
    return JobSpec(TransferKind.UPLOAD, place, {"path": str(path), "fields": {"name": name}})


def download_spec(place: Place, image_id: str, dest: Path) -> JobSpec:
    return JobSpec(TransferKind.DOWNLOAD, place, {"image_id": image_id, "dest": str(dest)})


def lock_free(paths: ServicePaths) -> bool:
    """Whether no service holds the lock (none runs)."""
    return service_pid(paths) is None
