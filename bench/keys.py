"""Section 2 (per-key part): what one key costs the app's event loop, measured in-process with Pilot.

The list holds tens of thousands of records; the newest images, where the cursor moves, each
carry dozens of properties and a sha512, so every move lays out a full detail pane. A key's
cost is the CPU time of the process from the key press until the app is idle again with the
detail pane showing the image under the cursor (its 60 ms rest timer is waited for, not
counted: CPU time does not run while the loop sleeps).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.stores.local import LocalStore

from .common import BenchError, Section, Target, median
from .tui_bench import PROJECT, seed_local

#: Images with a full detail pane (the newest, so the list starts on them).
HEAVY = 120
PROPERTIES = 40
KEYS = ("j", "k", "pagedown", "pageup")


async def _seed_heavy(path: Path, count: int) -> None:
    store = LocalStore(path, PROJECT)
    await store.open()
    try:
        for index in range(count):
            properties = {
                f"property_{n:02d}": f"value {n} of image {index} " * (1 + n % 6) for n in range(PROPERTIES)
            }
            image = await store.create_image(
                {
                    "name": f"bench-heavy-{index:03d}",
                    "disk_format": "raw",
                    "container_format": "bare",
                    **properties,
                }
            )

            async def data(payload: bytes = index.to_bytes(4, "big") * 1024):  # type: ignore[no-untyped-def]
                yield payload

            await store.upload(image.id, data(), 4096)
    finally:
        await store.close()


async def _key_costs(store_path: Path, work: Path, images: int, repeats: int) -> dict[str, list[float]]:
    settings = Settings(store_path=store_path, project=PROJECT, themes_dir=work / "themes", token_cache=False)
    app = ImageDeckApp(settings, LocalStore(store_path, PROJECT))
    costs: dict[str, list[float]] = {key: [] for key in KEYS}
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        deadline = time.monotonic() + 120
        while len(screen.image_list.images) < images or screen.detail.image is None:
            if time.monotonic() > deadline:
                raise BenchError("the list did not load for the per-key run")
            await pilot.pause(0.05)
        for key in KEYS:
            for _ in range(repeats):
                start = time.process_time()
                await pilot.press(key)
                while screen._detail_timer is not None:
                    await pilot.pause(0.005)
                await pilot.pause()
                costs[key].append(time.process_time() - start)
    return costs


def measure(section: Section, work: Path, images: int, repeats: int) -> None:
    store = work / "keys-store"
    heavy = min(HEAVY, images // 2)
    seed_local(store, 0, images - heavy)
    asyncio.run(_seed_heavy(store, heavy))
    costs = asyncio.run(_key_costs(store, work, images, repeats))
    worst = 0.0
    for key, values in costs.items():
        cost = median(values) * 1000
        worst = max(worst, cost)
        section.number(f"key_cpu_{key}_ms", cost)
        section.rows.append(
            [
                f"CPU per key, {key} at {images:,} images with a {PROPERTIES}-property detail pane "
                f"(median of {len(values)}, worst {max(values) * 1000:.0f} ms)",
                f"{cost:.1f} ms",
                "",
            ]
        )
    section.targets.append(Target("CPU per key (j/k/page), median", f"{worst:.1f} ms", "< 10 ms", worst < 10))
