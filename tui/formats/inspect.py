"""Run oslo.utils' format inspector (the one Glance runs on upload) over a local file.

The inspector is stream-based: it reads a file front to back and stops once every
format has made up its mind, which for all but one case happens within the first few
MiB. The exception is a streamOptimized VMDK, whose footer is the last bytes of the
stream; since a local file can seek, the tail is read directly after a bounded head, so a
huge (or hugely sparse) file costs milliseconds. The verdict itself is reached in
`conclude`, which the stream inspection shares.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from oslo_utils.imageutils import format_inspector as fi

from ..model.errors import Invalid, NotFound
from .conclude import Found, conclude
from .names import HEAD_BYTES, VHD_FOOTER, normalize_declared
from .qemu import qemu_img_info
from .report import Failure, FormatReport, mismatch_warning
from .vmdk import DESCRIPTOR_LIMIT

CHUNK = 64 * 1024
HEAD_LIMIT = 16 * 1024 * 1024
TAIL = 1024 * 1024


def inspect_file(
    path: str | os.PathLike[str], declared_format: str | None = None, *, qemu_img: bool = True
) -> FormatReport:
    """Inspect ``path`` (blocking; run it in a thread). Raises only NotFound or Invalid.

    Any failure inside the inspector becomes an unsafe verdict naming the reason.
    ``qemu_img=False`` skips the optional ``qemu-img info`` facts.
    """
    path = Path(path)
    declared = normalize_declared(declared_format)
    st = _regular_file(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - the inspector's wrapper closes it
    except OSError as exc:
        raise _unreadable(path, exc, "check the file's owner and mode") from None
    try:
        found = _inspect(handle, st.st_size)
    except Exception as exc:  # noqa: BLE001 - a hostile file must never take the caller down
        found = Found(None, None, None, (Failure.of("inspector_error", f"{type(exc).__name__}: {exc}"),))
    finally:
        handle.close()
    safe = not found.failures and found.detected is not None
    info, trouble = (None, None)
    if safe and qemu_img and found.detected:
        info, trouble = qemu_img_info(path, found.detected)
    return FormatReport(
        path=path,
        detected_format=found.detected,
        virtual_size=found.virtual_size,
        actual_size=st.st_size,
        allocated_size=st.st_blocks * 512,
        safe=safe,
        failures=found.failures,
        declared_format=declared,
        mismatch=mismatch_warning(declared, found.detected, raw_to_glance=found.inspector_name == "raw"),
        inspector_format=found.inspector_name,
        qemu_info=info,
        notes=found.notes + ((trouble,) if trouble else ()),
    )


def _regular_file(path: Path) -> os.stat_result:
    """Stat first: a directory, FIFO or device would fail or block the read loop."""
    try:
        st = path.stat()
    except OSError as exc:
        raise _unreadable(path, exc, "check the directory's permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise Invalid(f"{path} is a directory; give an image file")
    if not stat.S_ISREG(st.st_mode):
        raise Invalid(f"{path} is not a regular file; copy the image to a file first")
    return st


def _unreadable(path: Path, exc: OSError, permission_hint: str) -> NotFound | Invalid:
    """The typed error for a file that cannot be statted or opened."""
    if isinstance(exc, FileNotFoundError):
        return NotFound(f"{path}: no such file")
    if isinstance(exc, PermissionError):
        return Invalid(f"{path}: permission denied; {permission_hint}")
    return Invalid(f"{path}: cannot be read ({exc.strerror or exc})")


def _inspect(handle: BinaryIO, size: int) -> Found:
    head = handle.read(max(HEAD_BYTES, DESCRIPTOR_LIMIT))
    tail = b""
    if size >= 2 * VHD_FOOTER:
        handle.seek(size - VHD_FOOTER)
        tail = handle.read(VHD_FOOTER)
    handle.seek(0)
    matches, skipped = _run_inspectors(handle, size)
    notes = (f"read the first {HEAD_LIMIT >> 20} MiB and the last {TAIL >> 20} MiB only",) if skipped else ()
    return conclude(matches, head, tail, size, notes)


def _run_inspectors(handle: BinaryIO, size: int) -> tuple[list[fi.FileInspector], bool]:
    """Feed the file to every inspector at once until they decide; True if the middle was skipped."""
    wrapper = fi.InspectWrapper(handle)
    skipped = False
    try:
        while wrapper.formats is None:
            position = handle.tell()
            if position >= HEAD_LIMIT and size - position > TAIL:
                # Only end-of-stream regions can still be pending this far in; positions
                # of complete regions no longer matter to the inspectors.
                handle.seek(size - TAIL)
                skipped = True
            if not wrapper.read(CHUNK if position < HEAD_LIMIT else TAIL):
                break
    finally:
        wrapper.close()
    return list(wrapper.formats or []), skipped
