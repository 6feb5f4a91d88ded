"""Section 1: a full listing with imagedeck vs the openstack command vs the raw API."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx

from . import glance_api
from .common import BenchError, Imagedeck, Section, Target, median, run_timed


def _count(text: str) -> int:
    data = json.loads(text)
    return len(data["images"] if isinstance(data, dict) else data)


def measure(
    section: Section,
    held: glance_api.Held,
    deck: Imagedeck,
    openstack: Path,
    sizes: list[int],
    runs: int,
    created: list[str],
) -> None:
    """``created`` collects the ids of the records made, so a shared lab can be cleaned."""
    with httpx.Client(timeout=120) as client:
        before = glance_api.list_all(held, client)  # a shared lab may hold other images already
    if before:
        section.notes.append(f"{before} images were already visible to alice; counts include them")
    already = 0
    for size in sizes:
        names = [f"bench-{i:05d}" for i in range(already, size)]
        start = time.perf_counter()
        created += glance_api.create_records(held, names)
        section.notes.append(
            f"created {len(names)} image records in {time.perf_counter() - start:.1f} s (8 at a time)"
        )
        already = size
        env = deck.env()
        ours = [deck.argv("--cloud", "lab-alice", "--json", "ls")]
        theirs = [str(openstack), "--os-cloud", "lab-alice", "image", "list", "-f", "json", "--long"]
        run_timed(ours[0], env)  # first run fills imagedeck's token cache, as any user's first call does
        floor = [sys.executable, "-c", "import httpx, json"]
        t_ours, t_theirs, t_raw, t_floor = [], [], [], []
        counts: set[int] = set()
        for _ in range(runs):
            done = run_timed(ours[0], env)
            t_ours.append(done.wall)
            counts.add(_count(done.stdout))
            done = run_timed(theirs, env)
            t_theirs.append(done.wall)
            counts.add(_count(done.stdout))
            t_floor.append(run_timed(floor, env).wall)
            with httpx.Client(timeout=120) as client:
                start = time.perf_counter()
                counts.add(glance_api.list_all(held, client))
                t_raw.append(time.perf_counter() - start)
        if counts != {before + size}:
            raise BenchError(
                f"listings disagree on the number of images: {sorted(counts)} (expected {before + size})"
            )
        ours_s = section.number(f"ls_{size}", median(t_ours))
        theirs_s = section.number(f"openstack_{size}", median(t_theirs))
        raw_s = section.number(f"raw_{size}", median(t_raw))
        floor_s = section.number(f"python_start_{size}", median(t_floor))
        speedup = section.number(f"speedup_{size}", theirs_s / ours_s)
        over_raw = section.number(f"over_raw_{size}", ours_s / raw_s)
        section.rows.append(
            [
                f"{size:,}",
                f"{ours_s:.2f}",
                f"{theirs_s:.2f}",
                f"{raw_s:.2f}",
                f"{floor_s:.2f}",
                f"{speedup:.1f}x",
                f"{over_raw:.2f}x",
            ]
        )
        section.targets.append(
            Target(
                f"listing {size:,}: at least 5x faster than openstack",
                f"{speedup:.1f}x",
                ">= 5x",
                speedup >= 5,
            )
        )
        limit = 1.3 if size <= 1000 else 1.5  # a small listing is mostly start-up: held tighter
        section.targets.append(
            Target(
                f"listing {size:,}: within {limit}x of the raw API",
                f"{over_raw:.2f}x",
                f"<= {limit}x",
                over_raw <= limit,
            )
        )
