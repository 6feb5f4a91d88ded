"""The verdict on one disk image file: what it is, how big, and whether it is safe to upload."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

GIB = 1024**3


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed safety check, named as the inspector names it, with a sentence for people."""

    check: str
    reason: str

    def __str__(self) -> str:
        return f"{self.check}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FormatReport:
    """What a file really is, as the cloud's own inspector will judge it on upload."""

    path: Path
    detected_format: str | None
    virtual_size: int | None
    actual_size: int
    safe: bool
    failures: tuple[Failure, ...] = ()
    declared_format: str | None = None
    mismatch: str | None = None
    notes: tuple[str, ...] = ()
    qemu_info: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def suggested_min_disk_gb(self) -> int:
        """The smallest whole-GiB root disk that holds the virtual disk."""
        if not self.virtual_size:
            return 0
        return max(1, math.ceil(self.virtual_size / GIB))

    @property
    def verdict(self) -> str:
        """One line for a terminal: format, sizes and the safety verdict."""
        fmt = self.detected_format or "unknown"
        size = f"virtual {self.virtual_size} bytes" if self.virtual_size else "virtual size unknown"
        if self.safe and not self.mismatch:
            return f"{fmt}, {size}: safe"
        problems = [f"{f.check}: {f.reason}" for f in self.failures]
        if self.mismatch:
            problems.append(self.mismatch)
        state = "safe" if self.safe else "UNSAFE"
        return f"{fmt}, {size}: {state} — " + "; ".join(problems)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["failures"] = [asdict(f) for f in self.failures]
        data["notes"] = list(self.notes)
        data["suggested_min_disk_gb"] = self.suggested_min_disk_gb
        return data
