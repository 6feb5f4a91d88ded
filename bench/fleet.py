"""Section 7: the fleet view over three places, two Glance regions and a local store, each of N images.

The view runs in a child process (its peak memory is its own) with Textual's Pilot, headless at
120x36, on an empty store of its own; the places are bob's project in RegionOne and RegionTwo
(the listing step's records belong to alice) and a local store, each holding ``bench-00000`` …
so that every row has a cell in every place. The child first lists each place alone, as the
fleet does (default listing, then the hidden images), to warm the services and to time the
slowest single place; then it opens the fleet view and times the first rows and the whole matrix.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .common import REPO, BenchError, Imagedeck, Section, Target
from .tui_bench import PROJECT, seed_local

if TYPE_CHECKING:
    from tests.lab import Lab

FIRST_ROWS_TARGET = 1.5
FULL_OVER_SLOWEST_TARGET = 1.3
RSS_TARGET = 200 * 1024 * 1024


def measure(section: Section, lab: Lab, deck: Imagedeck, work: Path, size: int) -> None:
    """Seed the three places, run the fleet view in a child process, and remove the Glance records."""
    from . import glance_api

    names = [f"bench-{i:05d}" for i in range(size)]
    start = time.perf_counter()
    made: list[tuple[glance_api.Held, list[str]]] = []
    try:
        for cloud, url in (("lab-bob", lab.glance_url), ("lab-bob-r2", lab.glance2_url)):
            held = glance_api.sign_in(lab.cloud(cloud), url)
            made.append((held, []))
            made[-1][1].extend(glance_api.create_records(held, names))
        seed_local(work / "fleet-store", 0, size)
        section.notes.append(f"seeded 3 x {size:,} image records in {time.perf_counter() - start:.1f} s")
        places = ["cloud:lab-bob", "cloud:lab-bob-r2", f"local:{work / 'fleet-store'}"]
        child = [sys.executable, "-m", "bench.fleet", str(work / "fleet-app"), str(size), *places]
        done = subprocess.run(child, env=deck.env(), capture_output=True, text=True, timeout=900, cwd=REPO)
    finally:
        for held, ids in made:
            glance_api.delete_many(held, ids)
    if done.returncode != 0:
        raise BenchError(f"the fleet run failed: {done.stderr.strip()[-800:]}")
    _report(section, json.loads(done.stdout.strip().splitlines()[-1]), size)


def _report(section: Section, figures: dict, size: int) -> None:
    first = section.number("fleet_first_rows", figures["first"])
    full = section.number("fleet_full", figures["full"])
    slowest = section.number("fleet_slowest_place", max(figures["single"].values()))
    ratio = section.number("fleet_full_over_slowest", full / slowest)
    rss = section.number("fleet_peak_rss", figures["rss"])
    for place, seconds in figures["single"].items():
        section.rows.append([f"listing {place} alone ({size:,} images)", f"{seconds:.2f} s"])
    section.rows += [
        ["fleet view: first rows on screen", f"{first:.2f} s"],
        [f"fleet view: whole matrix ({figures['rows']:,} rows, 3 places)", f"{full:.2f} s"],
        ["whole matrix / slowest place alone", f"{ratio:.2f}x"],
        ["peak RSS of the app process", f"{rss / 2**20:.0f} MiB"],
    ]
    section.targets += [
        Target("fleet: first rows", f"{first:.2f} s", f"< {FIRST_ROWS_TARGET} s", first < FIRST_ROWS_TARGET),
        Target(
            "fleet: whole matrix / slowest place",
            f"{ratio:.2f}x",
            f"<= {FULL_OVER_SLOWEST_TARGET}x",
            ratio <= FULL_OVER_SLOWEST_TARGET,
        ),
        Target("fleet: peak RSS", f"{rss / 2**20:.0f} MiB", "< 200 MiB", rss < RSS_TARGET),
    ]


# -- the child process ------------------------------------------------------------------


async def _single(words: list[str], settings: object) -> dict[str, float]:
    """Each place opened and listed alone, as the fleet does; the second of two rounds (the first warms)."""
    from imagedeck.gallery import close_places, parse_place
    from imagedeck.gallery.matrix import list_place
    from imagedeck.gallery.places import open_place

    times: dict[str, float] = {}
    for _ in range(2):
        for word in words:
            start = time.perf_counter()  # opening counts, as it does in the view
            handle = await open_place(parse_place(word), settings)  # type: ignore[arg-type]
            try:
                listing = await list_place(handle)
                times[word] = time.perf_counter() - start
            finally:
                await close_places([handle])
            if listing.error:
                raise BenchError(f"{word}: {listing.error}")
    return times


async def _view(words: list[str], settings: object, rows: int) -> tuple[float, float, int]:
    from imagedeck.app import ImageDeckApp
    from imagedeck.gallery import parse_place
    from imagedeck.screens.fleet import FleetScreen
    from imagedeck.stores.local import LocalStore

    app = ImageDeckApp(settings, LocalStore(settings.store_path, PROJECT))  # type: ignore[arg-type, attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        screen = FleetScreen([parse_place(word) for word in words])
        start = time.perf_counter()
        await app.push_screen(screen)
        first = await _until(lambda: bool(screen.matrix.all_rows), pilot, start)
        full = await _until(lambda: not screen.reading and len(screen.matrix.all_rows) >= rows, pilot, start)
        cells = sum(1 for row in screen.matrix.all_rows for cell in row.cells.values() if cell.image_ids)
        if cells != 3 * rows:
            raise BenchError(f"the matrix holds {cells} cells with images, not {3 * rows}")
        return first, full, len(screen.matrix.all_rows)


async def _until(done: object, pilot: object, start: float, timeout: float = 600.0) -> float:
    while not done():  # type: ignore[operator]
        if time.perf_counter() - start > timeout:
            raise BenchError("the fleet view did not finish in time")
        await asyncio.sleep(0.01)
    return time.perf_counter() - start


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise BenchError("no VmHWM in /proc/self/status")


def child(argv: list[str]) -> int:
    from imagedeck.config import Settings

    work, size, words = Path(argv[0]), int(argv[1]), argv[2:]
    settings = Settings(store_path=work / "own-store", project=PROJECT, themes_dir=work / "themes")
    single = asyncio.run(_single(words, settings))
    first, full, rows = asyncio.run(_view(words, settings, size))
    figures = {"single": single, "first": first, "full": full, "rows": rows, "rss": _peak_rss()}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(child(sys.argv[1:]))
