"""Section 5: the worst lateness of a 10 ms asyncio timer while four transfers run and the user scrolls.

Measured in-process with Textual's Pilot: the probe timer runs on the app's own event loop, so
any stall of that loop (hashing, file I/O, rendering, message handling) shows up as lateness.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import FINISHED_STATES

from .common import BenchError, Section, Target, write_pattern_file
from .tui_bench import PROJECT, seed_local

PERIOD = 0.010
KEYS = ["pagedown", "j", "j", "pagedown", "k", "pageup", "j", "G", "g"]


async def _probe(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(PERIOD)
        lateness.append(time.perf_counter() - start - PERIOD)


async def _run(
    store_path: Path,
    work: Path,
    sources: list[Path],
    images: int,
    timeout: float,
    transfers: bool = True,
    press: bool = True,
    duration: float = 3.0,
) -> tuple[list[float], int, float]:
    """One probe run: with the four transfers (until they finish) and/or keys (else for ``duration``)."""
    settings = Settings(
        store_path=store_path, project=PROJECT, max_transfers=4, themes_dir=work / "themes", token_cache=False
    )
    store = LocalStore(store_path, PROJECT)
    app = ImageDeckApp(settings, store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        deadline = time.monotonic() + 60
        while len(screen.image_list.images) < images:
            if time.monotonic() > deadline:
                raise BenchError("the list did not load for the responsiveness run")
            await pilot.pause(0.05)
        listed = screen.image_list.images
        with_data = [image for image in listed if image.size]
        for index, source in enumerate(sources[:2] if transfers else []):
            app.jobs.start_upload(
                SimpleNamespace(
                    path=source,
                    allow_unsafe=False,
                    force_format=False,
                    fields={"name": f"bench-up-{index}", "disk_format": "raw", "container_format": "bare"},
                )
            )
        for index, image in enumerate(with_data[:2] if transfers else []):
            app.jobs.start_download(image, work / f"responsive-{index}.raw")
        lateness: list[float] = []
        stop = asyncio.Event()
        probe = asyncio.create_task(_probe(lateness, stop))
        keys = 0
        start = time.perf_counter()
        while True:
            jobs = app.transfers.jobs() if app.transfers is not None else []
            if transfers and len(jobs) == 4 and all(job.state in FINISHED_STATES for job in jobs):
                break
            if not transfers and time.perf_counter() - start > duration:
                break
            if time.perf_counter() - start > timeout:
                raise BenchError("the four transfers did not finish in time")
            if press:
                app.simulate_key(KEYS[keys % len(KEYS)])  # a user pressing keys at 20 Hz, not waiting
                keys += 1
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - start
        stop.set()
        await probe
        failed = [job for job in (app.transfers.jobs() if app.transfers else []) if job.state.value != "done"]
        if failed:
            raise BenchError(f"transfers failed during the responsiveness run: {[j.message for j in failed]}")
    return lateness, keys, elapsed


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 100 else max(values)


def _clean(work: Path, store: Path) -> None:
    """Drop what a probe run made (downloaded files, uploaded images) before the next one."""
    for path in work.glob("responsive-[0-9]*.raw"):
        path.unlink()

    async def drop() -> None:
        local = LocalStore(store, PROJECT)
        await local.open()
        try:
            async for page in local.list_images():
                for image in page:
                    if image.name and image.name.startswith("bench-up-"):
                        await local.delete_image(image.id)
        finally:
            await local.close()

    asyncio.run(drop())


def measure(section: Section, work: Path, size: int, images: int, duration: float = 3.0) -> None:
    store = work / "responsive-store"
    seed_local(store, 0, images)
    sources = []
    for index in range(2):
        path = work / f"responsive-src-{index}.raw"
        write_pattern_file(path, size)
        sources.append(path)
    # two images with data for the downloads
    import asyncio as _asyncio

    async def add_data() -> None:
        local = LocalStore(store, PROJECT)
        await local.open()
        try:
            for index in range(2):
                image = await local.create_image(
                    {"name": f"bench-data-{index}", "disk_format": "raw", "container_format": "bare"}
                )

                async def chunks(path: Path = sources[index]):  # type: ignore[no-untyped-def]
                    with open(path, "rb") as data:
                        while chunk := data.read(1 << 20):
                            yield chunk

                await local.upload(image.id, chunks(), size)
        finally:
            await local.close()

    _asyncio.run(add_data())
    # the same run without keys, then keys without transfers, to tell where stalls come from
    for transfers, press, what in (
        (False, True, "keys only, no transfers"),
        (True, False, "transfers only, no keys"),
    ):
        lateness, keys, elapsed = asyncio.run(
            _run(
                store,
                work,
                sources,
                images + 2,
                timeout=600,
                transfers=transfers,
                press=press,
                duration=duration,
            )
        )
        _clean(work, store)
        section.rows.append(
            [
                f"{what}: {keys} keys over {elapsed:.1f} s, {len(lateness)} ticks",
                f"{max(lateness) * 1000:.0f} ms",
                f"{_p99(lateness) * 1000:.1f} ms",
            ]
        )
    lateness, keys, elapsed = asyncio.run(_run(store, work, sources, images + 2, timeout=600))
    for path in sources + list(work.glob("responsive-*.raw")):
        path.unlink(missing_ok=True)
    if not lateness:
        raise BenchError("the probe timer never ran")
    worst = section.number("worst_stall_ms", max(lateness) * 1000)
    p99 = section.number("p99_stall_ms", _p99(lateness) * 1000)
    section.rows.insert(
        0,
        [
            f"2 uploads + 2 verified downloads of {size >> 20} MiB (local store), "
            f"{keys} keys sent over {elapsed:.1f} s, {len(lateness)} timer ticks",
            f"{worst:.0f} ms",
            f"{p99:.1f} ms",
        ],
    )
    section.targets.append(
        Target("worst event-loop stall during transfers", f"{worst:.0f} ms", "<= 50 ms", worst <= 50)
    )
