"""What an inspection found, in a shape the CLI prints and the upload dialog shows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from humanize import naturalsize

from .names import RAW_LIKE

GIB = 1024**3

#: Check name -> what it means for a person deciding whether to upload.
CHECK_TEXT = {
    "backing_file": "qcow2 backing file: the image points at another file the host would read",
    "data_file": "qcow2 external data file: the disk's data lives in a file named in the header",
    "unknown_features": "qcow2 unknown features or version: the header asks for what cannot be checked",
    "descriptor": "vmdk descriptor",
    "footer": "vmdk stream footer",
    "banned": "format not allowed in a cloud",
    "mbr": "partition table",
    "version": "LUKS version",
    "passphrase": "LUKS payload cannot be checked without its passphrase",
    "multiple_formats": "ambiguous content: it matches several formats at once",
    "incomplete": "incomplete header",
    "format_error": "malformed header",
    "inspector_error": "inspection failed",
}


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed safety check: the inspector's check name and a sentence for a person."""

    check: str
    message: str

    @classmethod
    def of(cls, check: str, detail: str = "") -> Failure:
        """A failure whose text is the check's meaning plus the inspector's own detail."""
        base = CHECK_TEXT.get(check, check.replace("_", " "))
        detail = detail.strip()
        if detail and detail.lower() not in base.lower():
            return cls(check, f"{base} ({detail})")
        return cls(check, base)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class FormatReport:
    """The verdict on one file: what it is, how big the disk is, and whether it is safe."""

    path: Path
    #: Glance disk_format name of the content, None when it cannot be told.
    detected_format: str | None
    #: Disk size a VM sees, in bytes; None when unknown.
    virtual_size: int | None
    #: Bytes in the file (what an upload sends).
    actual_size: int
    #: Bytes the file occupies on disk (less than actual_size when sparse).
    allocated_size: int
    safe: bool
    failures: tuple[Failure, ...] = ()
    declared_format: str | None = None
    mismatch: str | None = None
    #: The inspector's own name for the content (e.g. 'gpt' for a partitioned raw disk).
    inspector_format: str | None = None
    #: Facts from ``qemu-img info --output=json`` when qemu-img is available.
    qemu_info: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()
    #: Smallest Glance ``min_disk`` (GiB) that fits the virtual disk; derived, not passed.
    suggested_min_disk_gb: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.virtual_size is not None:
            object.__setattr__(self, "suggested_min_disk_gb", math.ceil(self.virtual_size / GIB))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, failures as {check, message}."""
        return {
            "path": str(self.path),
            "detected_format": self.detected_format,
            "declared_format": self.declared_format,
            "virtual_size": self.virtual_size,
            "actual_size": self.actual_size,
            "allocated_size": self.allocated_size,
            "safe": self.safe,
            "failures": [{"check": f.check, "message": f.message} for f in self.failures],
            "mismatch": self.mismatch,
            "suggested_min_disk_gb": self.suggested_min_disk_gb,
            "inspector_format": self.inspector_format,
            "qemu_info": self.qemu_info,
            "notes": list(self.notes),
        }

    def verdict(self) -> str:
        """One line a CLI prints: format, sizes, then safe/UNSAFE and any mismatch."""
        virtual = "unknown" if self.virtual_size is None else naturalsize(self.virtual_size, binary=True)
        line = (
            f"{self.path.name}: {self.detected_format or 'unknown format'}, virtual {virtual}, "
            f"file {naturalsize(self.actual_size, binary=True)}: "
        )
        line += "safe" if self.safe else "UNSAFE: " + "; ".join(map(str, self.failures))
        if self.mismatch:
            line += f" | {self.mismatch}"
        return line


def mismatch_warning(
    declared: str | None, detected: str | None, *, raw_to_glance: bool = False
) -> str | None:
    """A warning when the declared disk format is not what the content is.

    ``raw_to_glance`` marks content the image service's inspector takes for raw (a fixed
    VHD): declaring it raw is then harmless.
    """
    if declared is None or detected is None or declared == detected:
        return None
    if declared in RAW_LIKE and (detected == "raw" or raw_to_glance):
        return None
    if declared in RAW_LIKE and detected == "qcow2":
        return (
            f"DANGER: qcow2 content declared {declared}: the image service accepts it silently, "
            "and a VM booted from it reads the qcow2 header and tables as its disk and does not "
            "boot; declare qcow2"
        )
    if declared in RAW_LIKE:
        return (
            f"{detected} content declared {declared}: the image service may accept it, but a VM "
            f"would see the {detected} container bytes instead of the disk; declare {detected}"
        )
    if detected == "raw":
        return (
            f"declared {declared} but the content is not {declared} (unrecognised, raw data): "
            "the image service refuses the upload"
        )
    return f"declared {declared} but the content is {detected}: the image service refuses the upload"
