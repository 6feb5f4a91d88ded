"""Section 5: the worst lateness of a 10 ms asyncio timer while four transfers run and the user scrolls.

Measured in-process with Textual's Pilot: the probe timer runs on the app's own event loop, so
any stall of that loop (hashing, file I/O, rendering, message handling) shows up as lateness.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import FINISHED_STATES

from .common import BenchError, Section, Target, write_pattern_file
from .service_bench import running_service
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
    service: bool = False,
) -> tuple[list[float], int, float]:
    """One probe run: with the four transfers (until they finish) and/or keys (else for ``duration``);
    with ``service`` the app hands its jobs to the transfer service running now."""
    settings = Settings(
        store_path=store_path,
        project=PROJECT,
        max_transfers=4,
        themes_dir=work / "themes",
        token_cache=False,
        transfer_service=service,
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
            app.jobs.start_download(image, (work / f"responsive-{index}.raw").absolute())
        lateness: list[float] = []
        stop = asyncio.Event()
        probe = asyncio.create_task(_probe(lateness, stop))
        keys = 0
        start = time.perf_counter()
        while True:
            jobs = app.jobs.snapshots()
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
        # keys still queued must be handled before the app shuts its screens down
        await pilot.pause()
        failed = [job for job in app.jobs.snapshots() if job.state.value != "done"]
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
    runs = [
        # (the service's nice value, None for in-process; transfers; keys; what): the target's case
        # through the service, then in-process, then keys alone and transfers alone
        (0, True, True, "through the service: 2 uploads + 2 verified downloads"),
        (10, True, True, "through the service at nice 10 (set by the bench on all its threads)"),
        (None, True, True, "in-process (TransferManager): 2 uploads + 2 verified downloads"),
        (None, False, True, "keys only, no transfers"),
        (0, True, False, "through the service, transfers only, no keys"),
        (None, True, False, "in-process, transfers only, no keys"),
    ]
    for nice, transfers, press, what in runs:
        service = nice is not None
        with running_service(work, nice=nice or 0) if service else contextlib.nullcontext():
            lateness, keys, elapsed = asyncio.run(
                _run(store, work, sources, images + 2, 600, transfers, press, duration, service)
            )
        _clean(work, store)
        if not lateness:
            raise BenchError("the probe timer never ran")
        sized = f" of {size >> 20} MiB (local store)" if transfers and press else ""
        section.rows.append(
            [
                f"{what}{sized}: {keys} keys over {elapsed:.1f} s, {len(lateness)} ticks",
                f"{max(lateness) * 1000:.0f} ms",
                f"{_p99(lateness) * 1000:.1f} ms",
            ]
        )
        if transfers and press:
            where = "in_process" if nice is None else f"service_nice{nice}"
            worst = section.number(f"worst_stall_{where}_ms", max(lateness) * 1000)
            p99 = section.number(f"p99_stall_{where}_ms", _p99(lateness) * 1000)
            if nice == 0:
                section.targets += [
                    Target(
                        "worst event-loop stall, transfers through the service",
                        f"{worst:.0f} ms",
                        "<= 50 ms",
                        worst <= 50,
                    ),
                    Target(
                        "p99 event-loop stall, transfers through the service",
                        f"{p99:.1f} ms",
                        "<= 30 ms",
                        p99 <= 30,
                    ),
                ]
    for path in sources:
        path.unlink(missing_ok=True)
