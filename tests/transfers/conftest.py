"""Fixtures for transfer tests: real local stores, a manager recording its events, and
small disk images of several formats made with qemu-img."""

from __future__ import annotations

import functools
import os
import subprocess
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui.stores.local import LocalStore
from tui.transfers import Transfer, TransferManager, TransferProgress

MIB = 1024 * 1024
#: Formats whose files the fixtures can make, with qemu-img's name for each.
FORMATS = {"raw": "raw", "qcow2": "qcow2", "vmdk": "vmdk", "vdi": "vdi", "vhdx": "vhdx", "vhd": "vpc"}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "store", "alpha") as opened:
        yield opened  # type: ignore[misc]


@pytest.fixture
async def cache(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "cache", "alpha") as opened:
        yield opened  # type: ignore[misc]


class Recorder:
    """A manager plus every event it published."""

    def __init__(self) -> None:
        self.events: list[TransferProgress] = []
        self.manager = TransferManager(max_running=3, on_event=self.events.append)

    async def run(self, job: Transfer) -> Transfer:
        job_id = self.manager.submit(job)
        return await self.manager.wait(job_id)

    async def run_again(self, job: Transfer) -> Transfer:
        self.manager.retry(job.id)
        return await self.manager.wait(job.id)

    def of(self, job: Transfer) -> list[TransferProgress]:
        return [e for e in self.events if e.job_id == job.id]


@pytest.fixture
async def rec() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    yield recorder
    await recorder.manager.shutdown()


def make_raw(path: Path, size: int, seed: int = 1) -> Path:
    """A raw disk of ``size`` bytes: pseudo-random content, so any flipped byte shows."""
    block = (seed.to_bytes(4, "big") + os.urandom(60)) * 1024  # 64 KiB pattern
    with open(path, "wb") as f:
        written = 0
        while written < size:
            piece = block[: size - written]
            f.write(piece)
            written += len(piece)
    return path


def qcow2_backed_by(base: Path) -> Path:
    """An unsafe image: ``child.qcow2`` beside ``base``, with ``base`` (raw) as its backing file."""
    child = base.with_name("child.qcow2")
    subprocess.run(
        ["qemu-img", "create", "-f", "qcow2", "-F", "raw", "-b", str(base), str(child)],
        check=True,
        capture_output=True,
    )
    return child


@pytest.fixture
def image_file(tmp_path: Path) -> Callable[..., Path]:
    """``image_file("qcow2", mib=4)``: a real image of that format holding random data."""

    def make(fmt: str, mib: int = 4) -> Path:
        raw = make_raw(tmp_path / f"src-{fmt}.raw", mib * MIB)
        if fmt == "raw":
            return raw
        out = tmp_path / f"disk.{fmt}"
        subprocess.run(
            ["qemu-img", "convert", "-f", "raw", "-O", FORMATS[fmt], str(raw), str(out)],
            check=True,
            capture_output=True,
        )
        raw.unlink()
        return out

    return make


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving a directory: (base URL, directory)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
