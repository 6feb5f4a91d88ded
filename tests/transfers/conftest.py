"""Fixtures for transfer tests: real local stores, a manager recording its events, and
small disk images of several formats made with qemu-img."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from imagedeck.model import ImageQuery, NotFound
from imagedeck.stores.glance import GlanceStore
from imagedeck.stores.local import LocalStore
from tests.lab import Lab
from tests.lab.plugin import lab_cloud
from transfer_support import FORMATS, MIB, Recorder, make_raw


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "store", "alpha") as opened:
        yield opened  # type: ignore[misc]


@pytest.fixture
async def cache(tmp_path: Path) -> AsyncIterator[LocalStore]:
    async with LocalStore(tmp_path / "cache", "alpha") as opened:
        yield opened  # type: ignore[misc]


@pytest.fixture
async def rec() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    yield recorder
    await recorder.manager.shutdown()


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


@pytest.fixture
def uid() -> str:
    """This test's tag and name prefix on the shared Glance."""
    return f"xfer-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def glance(lab: Lab, lab_token_dir: Path, uid: str) -> AsyncIterator[Callable[..., GlanceStore]]:
    """``await open_glance(transport=None)``: alice's store; images tagged ``uid`` are deleted after."""
    opened: list[GlanceStore] = []

    async def open_glance(transport: httpx.AsyncBaseTransport | None = None) -> GlanceStore:
        store = GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=lab_token_dir, transport=transport)
        await store.open()
        opened.append(store)
        return store

    yield open_glance  # type: ignore[misc]
    if opened:
        for image in await opened[0].all_images(ImageQuery(tags=(uid,))):
            with contextlib.suppress(NotFound):
                await opened[0].delete_image(image.id)
    for store in opened:
        await store.close()
