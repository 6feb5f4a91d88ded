"""Uploads to a real Glance through the service: a clouds.yaml cloud the service reads
itself, and a cloud of OS_* variables whose password never reaches the service."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from imagedeck.service.client import ServiceClient
from imagedeck.service.paths import ServicePaths
from imagedeck.service.spec import Place
from imagedeck.stores.glance import GlanceStore
from imagedeck.transfers import TransferProgress, TransferState
from service_support import MIB, random_file, service_pid, upload_spec
from tests.lab.plugin import lab_cloud


async def ended(client: ServiceClient, job_id: str) -> TransferProgress:
    async for progress in client.watch([job_id]):
        if progress.finished:
            return progress
    raise AssertionError("the watch ended early")


async def test_uploads_to_glance_through_the_service(
    lab,
    lab_token_dir: Path,
    client: ServiceClient,
    paths: ServicePaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = random_file(tmp_path / "disk.raw", MIB)
    from_file = Place(cloud="lab-alice", clouds_yaml=str(lab.clouds_yaml), token_cache=lab_token_dir)

    alice = lab_cloud(lab, "lab-alice")
    monkeypatch.setenv("OS_AUTH_URL", alice.auth_url)
    for key, value in alice.auth.items():
        monkeypatch.setenv(f"OS_{key.upper()}", str(value))
    if alice.region_name:
        monkeypatch.setenv("OS_REGION_NAME", alice.region_name)
    from_env = Place(cloud="envvars", signed={}, token_cache=False)

    jobs = [
        await client.submit(upload_spec(from_file, source, "via-service")),
        await client.submit(upload_spec(from_env, source, "via-service-openrc")),
    ]
    results = await asyncio.gather(*(ended(client, job_id) for job_id in jobs))
    assert [r.state for r in results] == [TransferState.DONE] * 2, [r.message for r in results]

    password = str(alice.auth["password"]).encode()
    pid = service_pid(paths)
    assert pid is not None and b"OS_PASSWORD" not in Path(f"/proc/{pid}/environ").read_bytes()
    for path in (paths.journal, paths.log):
        assert password not in path.read_bytes()
    async with GlanceStore(alice, token_cache=lab_token_dir) as store:
        for result, name in zip(results, ("via-service", "via-service-openrc"), strict=True):
            image = await store.get_image(result.destination.rsplit(": ", 1)[1])
            assert (image.status, image.size, image.name) == ("active", MIB, name)
            await store.delete_image(image.id)
