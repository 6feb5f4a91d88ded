"""Quotas, the image cache and stalled imports on the real Keystone + Glance.

In RegionTwo, project gamma (carol) may keep two images and 4 MiB and the others have
generous limits; RegionOne has none. The admin manages RegionOne's image cache.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from imagedeck.model import ImageQuery, QuotaExceeded, Unavailable
from imagedeck.stores.glance import GlanceStore
from imagedeck.stores.operator import MIB, CacheNotAvailable, quota
from imagedeck.transfers import ImportJob, Transfer, TransferState, UploadJob
from tests.lab import GAMMA_LIMITS
from tests.lab.listener import StallingSource

RAW = {"disk_format": "raw", "container_format": "bare"}


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "condition not met before the deadline"
        await asyncio.sleep(0.1)


async def empty_project(store: GlanceStore) -> None:
    for image in await store.all_images():
        await store.delete_image(image.id)


async def test_gamma_hits_its_count_and_size_quota_with_one_message_before_any_byte(
    lab_store, run_job, tmp_path: Path
) -> None:
    carol = await lab_store("lab-carol")
    await empty_project(carol)
    small = tmp_path / "small.raw"
    small.write_bytes(b"\1" * 4096)
    try:
        uses = await carol.usage()
        count = quota(uses, "image_count_total")
        assert count is not None and (count.used, count.limit) == (0, GAMMA_LIMITS["image_count_total"])
        big = tmp_path / "big.raw"
        big.write_bytes(b"\2" * (5 * MIB))
        too_big = await run_job(UploadJob(carol, big, {**RAW, "name": "big"}))
        assert too_big.state == TransferState.FAILED and isinstance(too_big.error, QuotaExceeded)
        assert "5 MiB more on top of 0 MiB would pass its 4 MiB" in too_big.message
        assert await carol.all_images() == []  # refused before the image was even created

        for n in range(2):
            done = await run_job(UploadJob(carol, small, {**RAW, "name": f"small-{n}"}))
            assert done.state == TransferState.DONE, done.message
        count = quota(await carol.usage(), "image_count_total")
        assert count is not None and count.used == 2
        third = await run_job(UploadJob(carol, small, {**RAW, "name": "third"}))
        assert third.state == TransferState.FAILED and isinstance(third.error, QuotaExceeded)
        assert "would exceed this project's quota: it already has 2 of its 2 images" in third.message
        assert len(await carol.all_images()) == 2
        # Glance itself refuses the same with 413, its reason kept in the typed error
        with pytest.raises(QuotaExceeded, match="image_count_total"):
            await carol.create_image({**RAW, "name": "over"})
    finally:
        await empty_project(carol)


async def test_the_size_is_always_sent_so_glance_checks_it_before_storing(lab_store) -> None:
    """A chunked upload would slip past Glance's size quota; a sized one is refused at once.

    Glance answers 413 before reading the body and drops the connection, so the refusal may
    reach the client as a broken link rather than as the 413.
    """
    carol = await lab_store("lab-carol")
    await empty_project(carol)
    try:
        image = await carol.create_image({**RAW, "name": "sized"})
        data = b"\3" * (5 * MIB)
        with pytest.raises((QuotaExceeded, Unavailable)):
            await carol.upload(image.id, chunks(data), len(data))
        after = await carol.get_image(image.id)
        assert after.status == "queued" and after.size in (None, 0)
        size = quota(await carol.usage(), "image_size_total")
        assert size is not None and size.used == 0
    finally:
        await empty_project(carol)


async def test_usage_has_numbers_where_limits_are_set_and_is_empty_where_not(lab_store) -> None:
    alice = await lab_store("lab-alice-r2")
    resources = {use.resource: use for use in await alice.usage()}
    assert resources["image_count_total"].limit == 100_000
    assert resources["image_size_total"].limit == 1_000_000
    assert await (await lab_store("lab-alice")).usage() == ()


async def test_the_admin_queues_lists_removes_and_clears_cached_images(lab_store) -> None:
    admin = await lab_store("lab-admin")
    cache = admin.image_cache()
    assert cache is not None
    image = await admin.create_image({**RAW, "name": "cache-me"})
    try:
        await admin.upload(image.id, chunks(b"\4" * 65536), 65536)

        async def cached() -> bool:
            return image.id in {e.image_id for e in (await cache.listing()).cached}

        await cache.queue(image.id)
        await wait_until(cached)
        entry = next(e for e in (await cache.listing()).cached if e.image_id == image.id)
        assert entry.size == 65536 and entry.state == "cached"
        await cache.remove(image.id)
        assert not await cached()
        await cache.queue(image.id)
        await wait_until(cached)
        await cache.clear("cache")
        assert not await cached()
        pruned = await cache.prune()
        assert pruned.files >= 0
        await cache.clean()
    finally:
        await admin.delete_image(image.id)


async def test_a_member_is_told_the_cache_is_for_admins(lab_store) -> None:
    cache = (await lab_store("lab-alice")).image_cache()
    assert cache is not None
    with pytest.raises(CacheNotAvailable, match="admins only"):
        await cache.listing()
    with pytest.raises(CacheNotAvailable, match="admins only"):
        await cache.clear()


async def test_a_stalled_web_download_is_reported_within_the_stall_time(lab_store, run_job) -> None:
    alice = await lab_store("lab-alice")
    with StallingSource(size=4 * MIB, sent=2 * MIB) as source:
        loop = asyncio.get_running_loop()
        started = loop.time()
        job = ImportJob(alice, source.url, {**RAW, "name": "stalls", "tags": ["stall-test"]}, stall_after=3)
        done = await run_job(job)
        took = loop.time() - started
    assert done.state == TransferState.FAILED, done.message
    assert re.search(r"made no progress for [3-9] s \(image importing, task processing\)", done.message)
    assert "fetch the URL on this machine and upload it instead" in done.message
    assert took < 30
    assert await alice.all_images(ImageQuery(tags=("stall-test",))) == []  # the half-made image is gone


async def test_a_source_closing_short_makes_the_import_fail_with_the_task_message(lab_store, run_job) -> None:
    alice = await lab_store("lab-alice")
    with StallingSource(size=2 * MIB, sent=MIB + 4096, close_short=True) as source:
        job: Transfer = ImportJob(alice, source.url, {**RAW, "name": "short", "tags": ["short-test"]})
        done = await run_job(job)
    assert done.state == TransferState.FAILED, done.message
    assert "the cloud could not import" in done.message
    assert "Internal Error" in done.message or "failed" in done.message
    assert await alice.all_images(ImageQuery(tags=("short-test",))) == []
