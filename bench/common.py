"""Shared plumbing: how to start imagedeck and the baselines, time them, and record results."""

from __future__ import annotations

import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass
class Timed:
    """One finished child process: wall seconds, peak RSS (bytes), exit code, output."""

    wall: float
    peak_rss: int
    returncode: int
    stdout: str
    stderr: str


def run_timed(
    argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path = REPO, check: bool = True
) -> Timed:
    """Run a child to completion; its own peak RSS comes from wait4's rusage (ru_maxrss, KiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            list(argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        timed = Timed(
            wall,
            usage.ru_maxrss * 1024,
            child.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )
    if check and timed.returncode != 0:
        raise BenchError(f"{' '.join(argv[:6])}... exited {timed.returncode}: {timed.stderr.strip()[-800:]}")
    return timed


class BenchError(RuntimeError):
    """A measurement could not be taken; the message says which and why."""


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass
class Imagedeck:
    """How to start imagedeck as a user would, with its caches kept inside the bench's work dir."""

    work: Path
    clouds_yaml: Path | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["XDG_CACHE_HOME"] = str(self.work / "cache")
        env["XDG_CONFIG_HOME"] = str(self.work / "config")
        env["XDG_DATA_HOME"] = str(self.work / "data")
        for name in [k for k in env if k.startswith("OS_")]:
            del env[name]
        if self.clouds_yaml is not None:
            env["OS_CLIENT_CONFIG_FILE"] = str(self.clouds_yaml)
        env.pop("NO_COLOR", None)
        # An installed imagedeck starts from compiled bytecode: measure that, not a compile per start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tui", *args]


@dataclass
class Section:
    """One results table: rows of cells, plus the targets it checks."""

    title: str
    how: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def number(self, name: str, value: float) -> float:
        """Record a measured figure under a name (smoke mode checks every one is a number)."""
        self.numbers[name] = value
        return value


@dataclass
class Target:
    what: str
    measured: str
    limit: str
    met: bool


def finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def own_peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write_pattern_file(path: Path, size: int) -> None:
    """``size`` bytes that are not zeros and not one repeated block: random MiB blocks, each numbered."""
    block = bytearray(os.urandom(MIB))
    with open(path, "wb") as out:
        for i in range(size // MIB):
            block[:8] = i.to_bytes(8, "little")
            out.write(block)
        out.write(os.urandom(size % MIB))


def mb_s(size: int, seconds: float) -> float:
    return size / seconds / 1e6
