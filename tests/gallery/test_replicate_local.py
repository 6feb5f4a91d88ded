"""Replication between local stores: a streamed copy, verified, reported per target."""

from __future__ import annotations

from pathlib import Path

from gallery_support import add_image, settings_for
from imagedeck.gallery import (
    Method,
    ReplicateJob,
    choose_method,
    close_places,
    open_places,
    parse_place,
    replication_status,
)
from imagedeck.model import ImageQuery
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import TransferManager


async def _run(job: ReplicateJob) -> ReplicateJob:
    manager = TransferManager()
    try:
        await manager.wait(manager.submit(job))
    finally:
        await manager.shutdown()
    return job


async def test_a_local_target_gets_a_verified_streamed_copy_with_its_metadata(tmp_path: Path) -> None:
    async with LocalStore(tmp_path / "east", "alpha") as east:
        source = await add_image(
            east, "web-1", 1, image_family="web", hw_firmware_type="uefi", min_disk=2, tags=["gold"]
        )
    opened = await open_places(
        [parse_place(f"local:{tmp_path / w}") for w in ("east", "west")], settings_for(tmp_path)
    )
    try:
        src, dst = opened
        choice = await choose_method(src, dst)
        assert choice.method == Method.STREAM and "local store" in choice.reason
        job = await _run(ReplicateJob(src, source.id, dst))
        assert replication_status(job) == "completed", job.message
        assert job.method == Method.STREAM and job.target_id
        copy = await dst.store.get_image(job.target_id)  # type: ignore[union-attr]
        assert copy.os_hash_value == source.os_hash_value
        assert copy.properties["image_family"] == "web" and copy.properties["hw_firmware_type"] == "uefi"
        assert copy.min_disk == 2 and copy.tags == ["gold"]
        again = await _run(ReplicateJob(src, source.id, dst))
        assert replication_status(again) == "completed" and again.target_id == copy.id
        assert "already there" in (again.message or "")
        assert len(await dst.store.all_images(ImageQuery())) == 1  # type: ignore[union-attr]
    finally:
        await close_places(opened)


async def test_a_failed_replication_says_why_and_leaves_no_half_copy(tmp_path: Path) -> None:
    async with LocalStore(tmp_path / "east", "alpha") as east:
        source = await add_image(east, "web-1", 1)
        await east.deactivate(source.id)
    opened = await open_places(
        [parse_place(f"local:{tmp_path / w}") for w in ("east", "west")], settings_for(tmp_path)
    )
    try:
        job = await _run(ReplicateJob(opened[0], source.id, opened[1]))
        status = replication_status(job)
        assert status.startswith("failed (") and "only an active image" in status
        assert await opened[1].store.all_images() == []  # type: ignore[union-attr]
    finally:
        await close_places(opened)
