"""The transfer service runs jobs for its clients, in a process of its own, and exits when idle."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagedeck.model import Forbidden, Unavailable
from imagedeck.service.client import ServiceClient
from imagedeck.service.paths import ServicePaths
from imagedeck.transfers import TransferProgress, TransferState
from service_support import (
    MIB,
    download_spec,
    local_place,
    lock_free,
    random_file,
    service_pid,
    sha512,
    until,
    upload_spec,
)


async def finished(client: ServiceClient, job_id: str) -> list[TransferProgress]:
    """Every snapshot one watcher saw of ``job_id``, the last one finished."""
    seen = []
    async for progress in client.watch([job_id]):
        seen.append(progress)
        if progress.finished:
            return seen
    raise AssertionError("the watch ended before the job finished")


async def test_upload_then_download_watched_by_two_clients(
    client: ServiceClient, paths: ServicePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEDECK_SERVICE_RATE_LIMIT", str(16 * MIB))
    source = random_file(tmp_path / "disk.raw", 8 * MIB)
    place = local_place(tmp_path / "store")
    job_id = await client.submit(upload_spec(place, source, "through-service"))
    first, second = await asyncio.gather(finished(client, job_id), finished(ServiceClient(paths), job_id))
    assert first[-1].state == second[-1].state == TransferState.DONE
    assert len([p for p in first if p.state == TransferState.RUNNING]) > 2  # progress, not just the end
    assert first[-1].done == 8 * MIB
    image_id = first[-1].destination.rsplit(": ", 1)[1]

    dest = tmp_path / "back.raw"
    download = await client.submit(download_spec(place, image_id, dest))
    assert (await finished(client, download))[-1].state == TransferState.DONE
    assert sha512(dest) == sha512(source)
    listed = {job.job_id: job.state for job in await client.jobs()}
    assert listed == {job_id: TransferState.DONE, download: TransferState.DONE}
    assert oct(os.stat(paths.journal).st_mode & 0o777) == oct(0o600)
    assert oct(os.stat(paths.socket).st_mode & 0o777) == oct(0o600)


CLIENT = """
import asyncio, sys
from pathlib import Path
from imagedeck.service.client import ServiceClient
from service_support import local_place, upload_spec

async def main():
    client = ServiceClient()
    job_id = await client.submit(upload_spec(local_place(Path(sys.argv[1])), Path(sys.argv[2]), "orphan"))
    async for progress in client.watch([job_id]):
        print(progress.job_id, progress.done, flush=True)

asyncio.run(main())
"""


async def test_a_killed_client_leaves_its_job_running(
    client: ServiceClient, paths: ServicePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEDECK_SERVICE_RATE_LIMIT", str(4 * MIB))
    source = random_file(tmp_path / "disk.raw", 6 * MIB)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLIENT, str(tmp_path / "store"), str(source), stdout=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdout is not None
        while True:  # the client reports progress: the job moves
            job_id, done = (await proc.stdout.readline()).decode().split()
            if int(done) > 0:
                break
    finally:
        proc.kill()
        await proc.wait()
    last = (await finished(client, job_id))[-1]
    assert last.state == TransferState.DONE, last.message
    assert last.done == 6 * MIB


async def test_the_service_exits_when_idle(
    client: ServiceClient, paths: ServicePaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEDECK_SERVICE_IDLE", "0.5")
    await client.request("ping")
    assert service_pid(paths) is not None
    await until(lambda: lock_free(paths), 10, "the idle service to exit")
    assert not paths.socket.exists()
    with pytest.raises(Unavailable, match="not running"):
        await client.request("ping", start=False)


async def test_a_runtime_dir_others_can_reach_is_refused(client: ServiceClient, paths: ServicePaths) -> None:
    paths.runtime.chmod(0o755)
    with pytest.raises(Forbidden, match="chmod 700"):
        await client.request("ping")
    assert not paths.socket.exists() and service_pid(paths) is None


@pytest.mark.skipif(os.getuid() != 0, reason="giving a directory to another user needs root")
async def test_a_runtime_dir_of_another_user_is_refused(client: ServiceClient, paths: ServicePaths) -> None:
    os.chown(paths.runtime, 4242, -1)
    with pytest.raises(Forbidden, match="belongs to user id 4242"):
        await client.request("ping")


async def test_a_symlinked_runtime_dir_is_refused(tmp_path: Path, paths: ServicePaths) -> None:
    link = tmp_path / "link"
    link.symlink_to(paths.runtime)
    with pytest.raises(Forbidden, match="symbolic link"):
        await ServiceClient(ServicePaths(link, paths.state)).request("ping")
