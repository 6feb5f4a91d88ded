"""An upload started in the app goes on after its terminal is gone, and the next client sees it end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagedeck.service.client import ServiceClient
from imagedeck.service.paths import ServicePaths
from imagedeck.transfers import TransferProgress, TransferState
from service_support import MIB, random_file, until

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


@pytest.fixture
def tmux() -> Iterator[list[str]]:
    command = ["tmux", "-L", f"idsvc-{uuid.uuid4().hex[:8]}"]
    yield command
    subprocess.run([*command, "kill-server"], capture_output=True, check=False)


def screen(tmux: list[str]) -> str:
    done = subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", "s"], capture_output=True, text=True, check=False
    )
    return done.stdout


def keys(tmux: list[str], *words: str, literal: bool = False) -> None:
    subprocess.run([*tmux, "send-keys", "-t", "s", *(["-l"] if literal else []), *words], check=True)


async def test_an_upload_started_in_the_app_finishes_after_its_terminal_is_killed(
    tmux: list[str], paths: ServicePaths, client: ServiceClient, tmp_path: Path
) -> None:
    source = random_file(paths.runtime / "d.raw", 3 * MIB)  # short enough to show whole
    env = {
        "IMAGEDECK_RUNTIME_DIR": str(paths.runtime),
        "IMAGEDECK_STATE_DIR": str(paths.state),
        "IMAGEDECK_SERVICE_RATE_LIMIT": str(MIB),
        "IMAGEDECK_CONFIG": str(tmp_path / "none.yaml"),
    }
    exports = " ".join(f"{key}={value}" for key, value in env.items())
    (tmp_path / "none.yaml").write_text("{}\n")
    app = f"{sys.executable} -m imagedeck --store {tmp_path / 'store'} --project alpha"
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "s", "-x", "100", "-y", "30", f"env {exports} {app}"],
        check=True,
        cwd=os.getcwd(),
    )
    await until(lambda: "Upload" in screen(tmux), 30, "the app to start")
    keys(tmux, "u")
    await until(lambda: "Upload an image file" in screen(tmux), 10, "the upload dialog")
    for _ in range(10):  # keys sent before the field has focus are lost: type again until it shows
        keys(tmux, "C-u")  # the field starts with the current directory
        keys(tmux, str(source), literal=True)
        try:
            await until(lambda: f" {source} " in screen(tmux), 2, "the path in the dialog")
            break
        except AssertionError:
            continue
    else:
        raise AssertionError(f"the path never showed in the dialog:\n{screen(tmux)}")
    keys(tmux, "Enter")
    await until(lambda: "safe" in screen(tmux), 15, "the file's inspection")
    keys(tmux, "C-s")

    await until(paths.socket.exists, 20, "the service to start")
    running = await _until_moving(client)
    subprocess.run([*tmux, "kill-session", "-t", "s"], check=True)
    assert running.state == TransferState.RUNNING and running.done < 3 * MIB

    async for progress in ServiceClient(paths).watch([running.job_id], start=False):
        if progress.finished:
            break
    assert progress.state == TransferState.DONE, progress.message
    assert progress.done == 3 * MIB


async def _until_moving(client: ServiceClient) -> TransferProgress:
    """The upload once some of its bytes have moved."""
    async for progress in client.watch(start=False):
        if progress.state == TransferState.RUNNING and progress.done > 0:
            return progress
    raise AssertionError("the service stopped before the upload moved")
