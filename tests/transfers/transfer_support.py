"""What transfer tests share besides fixtures: sizes, a recording manager, image makers.

Kept out of conftest.py so test modules import it by a name no other test directory uses.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from imagedeck.transfers import Transfer, TransferManager, TransferProgress

MIB = 1024 * 1024
#: Formats whose files the fixtures can make, with qemu-img's name for each.
FORMATS = {"raw": "raw", "qcow2": "qcow2", "vmdk": "vmdk", "vdi": "vdi", "vhdx": "vhdx", "vhd": "vpc"}


class Recorder:
    """A manager plus every event it published."""

    def __init__(self) -> None:
        self.events: list[TransferProgress] = []
        self.manager = TransferManager(max_running=3, on_event=self.events.append)

    async def run(self, job: Transfer) -> Transfer:
        job_id = self.manager.submit(job)
        return await self.manager.wait(job_id)

    async def run_again(self, job: Transfer) -> Transfer:
        self.manager.retry(job.id)
        return await self.manager.wait(job.id)

    def of(self, job: Transfer) -> list[TransferProgress]:
        return [e for e in self.events if e.job_id == job.id]


def make_raw(path: Path, size: int, seed: int = 1) -> Path:
    """A raw disk of ``size`` bytes: pseudo-random content, so any flipped byte shows."""
    block = (seed.to_bytes(4, "big") + os.urandom(60)) * 1024  # 64 KiB pattern
    with open(path, "wb") as f:
        written = 0
        while written < size:
            piece = block[: size - written]
            f.write(piece)
            written += len(piece)
    return path


def qcow2_backed_by(base: Path) -> Path:
    """An unsafe image: ``child.qcow2`` beside ``base``, with ``base`` (raw) as its backing file."""
    child = base.with_name("child.qcow2")
    subprocess.run(
        ["qemu-img", "create", "-f", "qcow2", "-F", "raw", "-b", str(base), str(child)],
        check=True,
        capture_output=True,
    )
    return child
