"""``upload FILE --into IMAGE``: the way on after an interrupted upload left its image queued,
named by the failure itself; and a cancelled command-line upload leaves no image behind."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any

import pytest

from imagedeck.model import Forbidden, ImageStatus
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import TransferState, UploadJob
from tests.cli_kit import Result, isolate, run
from transfer_faults import FailingUploads, _cut
from transfer_support import MIB


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


def imagedeck(capsys: pytest.CaptureFixture[str], store: Path, *argv: str, project: str = "alpha") -> Result:
    return run(capsys, ["--store", str(store), "--project", project, *argv])


def break_uploads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every local upload loses its connection after 1 MiB, as when a file shrinks or a disk fills."""
    real = LocalStore.upload

    async def broken(
        self: LocalStore,
        image_id: str,
        data: AsyncIterable[bytes],
        size: int | None = None,
    ) -> Any:
        return await real(self, image_id, _cut(data, MIB), size)

    monkeypatch.setattr(LocalStore, "upload", broken)


def test_a_failed_upload_names_the_command_that_ends_it(capsys, monkeypatch, tmp_path, image_file) -> None:
    store = tmp_path / "store"
    src = image_file("qcow2", mib=3)
    break_uploads(monkeypatch)
    failed = imagedeck(capsys, store, "upload", str(src), "--name", "half")
    assert failed.code == 1 and len(failed.err.strip().splitlines()) == 1
    assert "queued again: retry with: imagedeck " in failed.err
    command = failed.err.strip().split("retry with: ", 1)[1]
    (queued,) = imagedeck(capsys, store, "ls", "--json").json()
    assert queued["status"] == "queued" and f"--into {queued['id']}" in command

    monkeypatch.undo()
    isolate(tmp_path, monkeypatch)
    argv = shlex.split(command)
    assert argv[0] == "imagedeck"
    done = run(capsys, [*argv[1:], "--json"])
    assert done.code == 0, done.err
    image = done.json()["image"]
    assert (image["id"], image["status"], image["name"]) == (queued["id"], "active", "half")
    assert image["disk_format"] == "qcow2" and image["size"] == src.stat().st_size
    assert len(imagedeck(capsys, store, "ls", "--json").json()) == 1


def test_into_refuses_an_image_that_is_not_queued(capsys, tmp_path, image_file) -> None:
    store = tmp_path / "store"
    src = image_file("raw", mib=1)
    first = imagedeck(capsys, store, "upload", str(src), "--name", "whole", "--json").json()["image"]
    other = image_file("qcow2", mib=2)
    refused = imagedeck(capsys, store, "upload", str(other), "--into", "whole")
    assert refused.code == 1 and "is active, not queued" in refused.err
    after = imagedeck(capsys, store, "ls", "--json").json()
    assert [(i["id"], i["checksum"], i["status"]) for i in after] == [
        (first["id"], first["checksum"], "active")
    ]
    mixed = imagedeck(capsys, store, "upload", str(other), "--into", "whole", "--name", "x", "--tag", "t")
    assert mixed.code == 1 and "leave out name, tags" in mixed.err


async def test_into_refuses_another_projects_image(tmp_path, rec, image_file) -> None:
    path = tmp_path / "store"
    async with LocalStore(path, "beta") as beta, LocalStore(path, "alpha") as alpha:
        theirs = await beta.create_image(
            {"name": "theirs", "disk_format": "raw", "container_format": "bare", "visibility": "community"}
        )
        job = await rec.run(UploadJob(alpha, image_file("raw", mib=1), {}, into=theirs.id))
        assert job.state == TransferState.FAILED and isinstance(job.error, Forbidden)
        assert "belongs to project beta" in job.message
        assert (await beta.get_image(theirs.id)).status == ImageStatus.QUEUED


async def test_a_failed_upload_into_an_image_never_deletes_it(store, rec, image_file) -> None:
    target = await store.create_image({"name": "kept", "disk_format": "vdi", "container_format": "bare"})
    rejecting = FailingUploads(store, "reject")
    job = await rec.run(UploadJob(rejecting, image_file("vdi"), {}, into=target.id))
    assert job.state == TransferState.FAILED and "left queued" in job.message
    assert (await store.get_image(target.id)).status == ImageStatus.QUEUED
    again = await rec.run_again(job)
    assert again.state == TransferState.DONE, again.message
    assert again.result.id == target.id and again.result.status == ImageStatus.ACTIVE


STALLING_CLI = """
import asyncio, sys
from imagedeck.stores.local import LocalStore

async def stalled(self, image_id, data, size=None):
    sys.stderr.write("STALLED\\n")
    sys.stderr.flush()
    await asyncio.Event().wait()

LocalStore.upload = stalled
from imagedeck.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_interrupting_a_command_line_upload_deletes_the_image_it_made(capsys, tmp_path, image_file) -> None:
    store = tmp_path / "store"
    src = image_file("raw", mib=1)
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLING_CLI, "--store", str(store), "--project", "alpha", "upload", str(src)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline().strip() == "STALLED"
        assert imagedeck(capsys, store, "ls", "--json").json()[0]["status"] == "queued"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert imagedeck(capsys, store, "ls", "--json").json() == []
