"""Sections 2, 4 (TUI part) and 6: the TUI in a real terminal (tmux) on local and Glance stores."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from imagedeck.stores.local import LocalStore

from .common import MIB, Imagedeck, Section, Target, median
from .terminal import Tmux

PROJECT = "bench"


async def _seed(path: Path, start: int, stop: int, data: bytes | None = None) -> None:
    store = LocalStore(path, PROJECT)
    await store.open()
    try:
        batch = 2000
        for first in range(start, stop, batch):
            images = await asyncio.gather(
                *(
                    store.create_image(
                        {"name": f"bench-{i:05d}", "disk_format": "raw", "container_format": "bare"}
                    )
                    for i in range(first, min(stop, first + batch))
                )
            )
            if data is not None:
                for image in images:

                    async def chunks(payload: bytes = data):  # type: ignore[no-untyped-def]
                        yield payload

                    await store.upload(image.id, chunks(), len(data))
    finally:
        await store.close()


def seed_local(path: Path, start: int, stop: int, data: bytes | None = None) -> None:
    """Images ``bench-START`` .. ``bench-STOP-1`` in a local store (records only unless ``data``)."""
    asyncio.run(_seed(path, start, stop, data))


def start_to_rows(deck: Imagedeck, args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        with Tmux(deck.argv(*args), deck.env()) as term:
            times.append(term.wait_rows())
    return median(times)


def measure_startup(
    section: Section,
    deck: Imagedeck,
    store: Path,
    sizes: list[int],
    runs: int,
    glance_size: int | None,
    keys_runs: int,
    memory: Section,
) -> None:
    """Start-to-rows per local catalog size; keys and memory at the largest one; Glance start."""
    seeded = 0
    local = ["--store", str(store), "--project", PROJECT]
    for size in sizes:
        start = time.perf_counter()
        seed_local(store, seeded, size)
        section.notes.append(
            f"seeded {size - seeded:,} local image records in {time.perf_counter() - start:.1f} s"
        )
        seeded = size
        first = section.number(f"start_local_{size}", start_to_rows(deck, local, runs))
        section.rows.append([f"start to first rows, local store, {size:,} images", f"{first * 1000:.0f} ms"])
        section.targets.append(
            Target(f"first rows, local {size:,}", f"{first * 1000:.0f} ms", "< 1000 ms", first < 1.0)
        )
    if glance_size is not None:
        first = section.number(
            f"start_glance_{glance_size}", start_to_rows(deck, ["--cloud", "lab-alice"], runs)
        )
        section.rows.append(
            [f"start to first rows, Glance, {glance_size:,} images", f"{first * 1000:.0f} ms"]
        )
        section.targets.append(
            Target(f"first rows, Glance {glance_size:,}", f"{first * 1000:.0f} ms", "< 1000 ms", first < 1.0)
        )
    size = sizes[-1]
    with Tmux(deck.argv(*local), deck.env()) as term:
        term.wait_rows()
        start = time.perf_counter()
        # the oldest image is last: once the cursor (and so the detail pane) reaches it, all are loaded
        term.wait_for("bench-00000", poke="G")
        section.notes.append(
            f"all {size:,} rows loaded {time.perf_counter() - start:.1f} s after the first ones"
        )
        term.keys("g")
        term.wait_for(f"bench-{size - 1:05d}")
        term.keys("PageDown")  # the cursor to the last row on screen: each page-down now scrolls a page
        time.sleep(0.5)
        pages = [term.time_key("PageDown") for _ in range(keys_runs)]
        term.keys("/")
        term.wait_for("Clear filter", timeout=30)  # the filter line is open and focused
        time.sleep(0.3)
        typed = []
        for _ in range(keys_runs):
            typed.append(term.time_key("z", lambda before, now: not now))  # no image matches
            typed.append(term.time_key("BSpace", lambda before, now: bool(now)))  # all rows back
        page = section.number(f"pagedown_{size}", median(pages))
        key = section.number(f"filter_key_{size}", median(typed))
        section.rows.append(
            [
                f"page-down at {size:,} images (median of {len(pages)}, worst {max(pages) * 1000:.0f} ms)",
                f"{page * 1000:.0f} ms",
            ]
        )
        section.rows.append(
            [
                f"filter keystroke at {size:,} images "
                f"(median of {len(typed)}, worst {max(typed) * 1000:.0f} ms)",
                f"{key * 1000:.0f} ms",
            ]
        )
        section.targets.append(
            Target(f"page-down at {size:,}", f"{page * 1000:.0f} ms", "< 100 ms", page < 0.1)
        )
        section.targets.append(
            Target(f"filter keystroke at {size:,}", f"{key * 1000:.0f} ms", "< 100 ms", key < 0.1)
        )
        rss = term.peak_rss()
    mib = memory.number(f"rss_tui_{size}", rss / MIB)
    memory.rows.append([f"TUI with {size:,} images listed (scrolled, filtered)", f"{mib:.0f} MiB"])
    memory.targets.append(
        Target(f"peak RSS, TUI with {size:,} images", f"{mib:.0f} MiB", "< 150 MB", rss < 150e6)
    )


def measure_traffic(section: Section, deck: Imagedeck, store: Path, images: int, idle_s: float) -> None:
    """Bytes written to the terminal while idle and for one page-down, through tmux pipe-pane."""
    seed_local(store, 0, images, data=b"imagedeck-bench " * 256)
    with Tmux(deck.argv("--store", str(store), "--project", PROJECT), deck.env()) as term:
        term.wait_rows()
        time.sleep(2)  # let the first full paint and the detail pane settle
        log = store.parent / "terminal.log"
        log.write_bytes(b"")
        term.pipe_to(log)
        time.sleep(idle_s)
        idle = log.stat().st_size
        term.keys("PageDown")
        time.sleep(1)
        page = log.stat().st_size - idle
        term.pipe_to(None)
    section.number("idle_bytes", idle)
    section.number("pagedown_bytes", page)
    section.rows.append([f"idle for {idle_s:.0f} s ({images} active images on screen)", f"{idle:,} bytes"])
    section.rows.append(["one page-down (list and detail pane)", f"{page:,} bytes"])
    section.targets.append(
        Target(
            f"terminal bytes while idle {idle_s:.0f} s", f"{idle:,} bytes", "near zero (< 1 KiB)", idle < 1024
        )
    )
