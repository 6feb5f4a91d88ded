"""Helpers shared by the format tests: running the image tools and what was made."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

MIB = 1024**2


def run(*command: str | Path) -> str:
    """Run a tool; its stderr shows in the failure if it refuses."""
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{command[0]} failed: {done.stderr}"
    return done.stdout


def qemu_info(path: Path, driver: str | None = None) -> dict:
    """What qemu-img itself says about a file (optionally with an explicit driver)."""
    forced = ("-f", driver) if driver else ()
    return json.loads(run("qemu-img", "info", "--output=json", "-U", *forced, path))


@dataclass(frozen=True)
class Made:
    """One generated image and what was asked for when making it."""

    path: Path
    fmt: str
    #: The virtual size requested from qemu-img (None: not a qemu-img size).
    asked: int | None
