"""Replication on the real two-region lab: each method, and the fall-back when policy refuses one."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gallery_support import add_image, settings_for
from imagedeck.gallery import (
    Method,
    OpenPlace,
    Presence,
    ReplicateJob,
    close_places,
    fleet_matrix,
    open_places,
    parse_place,
    replication_status,
)
from imagedeck.model import Image, ImageDeckError
from imagedeck.transfers import TransferManager
from tests.lab import Lab

pytestmark = pytest.mark.lab


@pytest.fixture
async def fleet(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Fleet]:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    opened = Fleet(settings_for(tmp_path))
    yield opened
    await opened.close()


class Fleet:
    """Places opened for one test, and the images it made there (deleted at the end)."""

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self.opened: list[OpenPlace] = []
        self.made: list[tuple[OpenPlace, str]] = []

    async def open(self, *words: str) -> list[OpenPlace]:
        handles = await open_places([parse_place(w) for w in words], self.settings)
        self.opened.extend(handles)
        assert all(h.store is not None for h in handles), [h.error for h in handles]
        return handles

    def keep(self, handle: OpenPlace, image_id: str | None) -> None:
        if image_id:
            self.made.append((handle, image_id))

    async def close(self) -> None:
        for handle, image_id in self.made:
            with contextlib.suppress(ImageDeckError):
                await handle.store.delete_image(image_id)  # type: ignore[union-attr]
        await close_places(self.opened)


async def _replicate(source: OpenPlace, image: Image, target: OpenPlace) -> ReplicateJob:
    job = ReplicateJob(source, image.id, target, watch_interval=0.2, watch_limit=120)
    manager = TransferManager()
    try:
        await manager.wait(manager.submit(job))
    finally:
        await manager.shutdown()
    return job


async def test_copy_image_as_admin_copies_into_the_other_store(fleet) -> None:  # type: ignore[no-untyped-def]
    src, dst = await fleet.open("lab-admin", "lab-admin@cheap")
    image = await add_image(src.store, "gallery-copy-image", 11)
    fleet.keep(src, image.id)
    assert image.stores == "fast"
    job = await _replicate(src, image, dst)
    assert replication_status(job) == "completed", job.message
    assert job.method == Method.COPY_IMAGE and job.target_id == image.id
    after = await src.store.get_image(image.id)
    assert set(after.stores.split(",")) == {"fast", "cheap"}
    assert after.os_hash_value == image.os_hash_value


async def test_copy_image_refused_for_a_member_falls_back_to_a_streamed_copy(fleet) -> None:  # type: ignore[no-untyped-def]
    src, dst = await fleet.open("lab-alice", "lab-alice@cheap")
    image = await add_image(src.store, "gallery-fallback", 12, image_family="gallery")
    fleet.keep(src, image.id)
    job = await _replicate(src, image, dst)
    fleet.keep(dst, job.target_id)
    assert replication_status(job) == "completed", job.message
    assert job.method == Method.STREAM
    assert any("copy-image was refused" in note for note in job.notes), job.notes
    copy = await dst.store.get_image(job.target_id)
    assert copy.id != image.id and copy.stores == "cheap"
    assert copy.os_hash_value == image.os_hash_value and copy.properties["image_family"] == "gallery"


async def test_glance_download_to_region_two_pulls_and_carries_metadata(fleet) -> None:  # type: ignore[no-untyped-def]
    src, dst = await fleet.open("lab-alice", "lab-alice-r2")
    image = await add_image(
        src.store,
        "gallery-r2",
        13,
        image_family="gallery",
        architecture="x86_64",
        hw_firmware_type="uefi",
        min_disk=3,
        tags=["gold"],
    )
    fleet.keep(src, image.id)
    job = await _replicate(src, image, dst)
    fleet.keep(dst, job.target_id)
    assert replication_status(job) == "completed", job.message
    assert job.method == Method.GLANCE_DOWNLOAD, job.notes
    assert "no bytes pass through this machine" in job.notes[0]
    copy = await dst.store.get_image(job.target_id)
    assert copy.os_hash_value == image.os_hash_value and copy.size == image.size
    assert copy.properties["image_family"] == "gallery" and copy.properties["architecture"] == "x86_64"
    assert copy.properties["hw_firmware_type"] == "uefi"
    assert copy.min_disk == 3 and copy.tags == ["gold"]
    matrix = await fleet_matrix([src, dst])
    row = next(row for row in matrix.rows if image.id in row.cells[src.label].image_ids)
    assert row.cells[dst.label].image_ids == [copy.id] and row.cells[dst.label].presence == Presence.ACTIVE
    assert row.metadata_drift == [], row.metadata_drift


async def test_a_failed_glance_download_task_falls_back_to_a_streamed_copy(fleet) -> None:  # type: ignore[no-untyped-def]
    """RegionTwo's import filter only lets it reach RegionOne's port: point the pull at a
    region whose catalog entry it cannot use, and the failed task leads to a streamed copy."""
    src, dst = await fleet.open("lab-alice", "lab-alice-r2")
    image = await add_image(src.store, "gallery-r2-fallback", 14)
    fleet.keep(src, image.id)
    src.store.cloud.region_name = "RegionNowhere"  # the pull asks for a region the catalog lacks
    try:
        job = await _replicate(src, image, dst)
    finally:
        src.store.cloud.region_name = "RegionOne"
    fleet.keep(dst, job.target_id)
    assert replication_status(job) == "completed", job.message
    assert job.method == Method.STREAM
    assert any("falling back to a streamed copy: the import task failed" in note for note in job.notes), (
        job.notes
    )
    assert len(await dst.store.all_images()) >= 1
    copy = await dst.store.get_image(job.target_id)
    assert copy.os_hash_value == image.os_hash_value


async def test_a_local_target_gets_a_streamed_copy(fleet) -> None:  # type: ignore[no-untyped-def]
    src, dst = await fleet.open("lab-alice", f"local:{fleet.settings.store_path.parent / 'cache'}")
    image = await add_image(src.store, "gallery-local", 15, os_distro="cirros")
    fleet.keep(src, image.id)
    job = await _replicate(src, image, dst)
    assert replication_status(job) == "completed", job.message
    assert job.method == Method.STREAM
    copy = await dst.store.get_image(job.target_id)
    assert copy.os_hash_value == image.os_hash_value and copy.properties["os_distro"] == "cirros"
