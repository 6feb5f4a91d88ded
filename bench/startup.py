"""Section 8: what starting imagedeck costs, and what one key costs the app.

Start-up: whole processes, median of several runs each, side by side in the same minutes:
``python -c pass`` (the interpreter alone, in the same virtualenv), ``imagedeck --version``
(the parser alone) and ``imagedeck ls`` of 1,000 local records (settings, the store, the
listing and its output). The per-key rows come from `keys`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import keys
from .common import Imagedeck, Section, Target, median, run_timed
from .tui_bench import PROJECT, seed_local


def _median_wall(argv: list[str], env: dict[str, str], runs: int) -> float:
    return median([run_timed(argv, env).wall for _ in range(runs)])


def measure(
    section: Section,
    deck: Imagedeck,
    work: Path,
    runs: int,
    local_images: int,
    key_images: int,
    key_repeats: int,
) -> None:
    env = deck.env()
    store = work / "startup-store"
    seed_local(store, 0, local_images)
    local = ["--store", str(store), "--project", PROJECT]
    run_timed(deck.argv(*local, "ls"), env)  # warm the page cache once, as after any first use
    bare, version, ls = [], [], []
    for _ in range(runs):  # interleaved, so a busy moment of the machine falls on all three
        bare.append(run_timed([sys.executable, "-c", "pass"], env).wall)
        version.append(run_timed(deck.argv("--version"), env).wall)
        ls.append(run_timed(deck.argv(*local, "--json", "ls"), env).wall)
    bare_s = section.number("python_pass_s", median(bare))
    version_s = section.number("version_s", median(version))
    ls_s = section.number("ls_local_s", median(ls))
    section.rows += [
        [f"python -c pass (median of {runs})", f"{bare_s * 1000:.0f} ms", "1.0x"],
        ["imagedeck --version", f"{version_s * 1000:.0f} ms", f"{version_s / bare_s:.1f}x"],
        [
            f"imagedeck --json ls, {local_images:,} local records",
            f"{ls_s * 1000:.0f} ms",
            f"{ls_s / bare_s:.1f}x",
        ],
    ]
    ratio = version_s / bare_s
    section.targets.append(
        Target("imagedeck --version vs python -c pass", f"{ratio:.1f}x", "<= 3x", ratio <= 3)
    )
    keys.measure(section, work, key_images, key_repeats)
