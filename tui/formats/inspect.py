"""Run oslo.utils' format inspector (the one Glance runs on upload) over a local file.

The inspector is stream-based: it reads a file front to back and stops once every
format has made up its mind, which for all but one case happens within the first few
MiB. The exception is a streamOptimized VMDK, whose footer is the last bytes of the
stream; since a local file can seek, the tail is read directly after a bounded head, so a
huge (or hugely sparse) file costs milliseconds. What the inspector lacks is added here:
raw's virtual size, fixed VHDs (footer only at the end), and headers cut short.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from oslo_utils.imageutils import format_inspector as fi

from ..model.errors import Invalid, NotFound
from .names import HEAD_BYTES, VHD_FOOTER, fixed_vhd_size, glance_name, magic_format, normalize_declared
from .qemu import qemu_img_info
from .report import Failure, FormatReport, mismatch_warning

# Each failed check is logged as a warning; with logging unconfigured Python would print
# it on stderr, over the TUI. Applications that configure logging still receive it.
logging.getLogger(fi.__name__).addHandler(logging.NullHandler())

CHUNK = 64 * 1024
HEAD_LIMIT = 16 * 1024 * 1024
TAIL = 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Found:
    detected: str | None
    inspector_name: str | None
    virtual_size: int | None
    failures: tuple[Failure, ...]
    notes: tuple[str, ...] = ()


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
    except Exception as exc:  # a hostile file must never take the caller down
        found = _Found(None, None, None, (Failure.of("inspector_error", f"{type(exc).__name__}: {exc}"),))
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
        mismatch=mismatch_warning(
            declared, found.detected, raw_to_glance=found.inspector_name == "raw"
        ),
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


def _inspect(handle: BinaryIO, size: int) -> _Found:
    head = handle.read(HEAD_BYTES)
    tail = b""
    if size >= 2 * VHD_FOOTER:
        handle.seek(size - VHD_FOOTER)
        tail = handle.read(VHD_FOOTER)
    handle.seek(0)
    matches, skipped = _run_inspectors(handle, size)
    notes = (f"read the first {HEAD_LIMIT >> 20} MiB and the last {TAIL >> 20} MiB only",) if skipped else ()
    names = sorted(str(m) for m in matches)
    if names == ["gpt", "iso"]:
        matches = [m for m in matches if str(m) == "iso"]
        notes += ("hybrid ISO: it also carries a partition table so it can boot from a USB disk",)
    if len(matches) != 1:
        found = ", ".join(names) or "none"
        return _Found(None, None, None, (Failure.of("multiple_formats", found),), notes)
    inspector = matches[0]
    name = str(inspector)
    failures = _safety(inspector)
    virtual = _virtual_size(inspector)
    if name == "raw":
        vhd_size = fixed_vhd_size(tail)
        if vhd_size is not None:
            note = "fixed VHD (footer at the end only): the image service's inspector sees raw data"
            return _Found("vhd", name, vhd_size, failures, notes + (note,))
        magic = magic_format(head)
        if magic is not None:
            why = f"starts like {magic} but its header is cut short or malformed"
            return _Found(magic, name, None, (Failure.of("incomplete", why),), notes)
        virtual = size
    elif name == "gpt":
        virtual = size  # a partitioned raw disk; the inspector counts only what it read
    elif name == "qed":
        virtual = None  # banned, and its size is not parsed
    elif name == "iso" and virtual is None:
        virtual = size
    if name == "vhdx" and virtual is None and not failures:
        # The inspector gives up quietly on a damaged region table or metadata.
        failures = (Failure.of("format_error", "vhdx metadata unreadable: no virtual size found"),)
    if name == "iso" and virtual is not None and virtual > size:
        notes += (f"the ISO volume claims {virtual} bytes but the file holds {size}: it looks truncated",)
    return _Found(glance_name(name), name, virtual, failures, notes)


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


def _virtual_size(inspector: fi.FileInspector) -> int | None:
    """The inspector's virtual size; None when unknown (0) or when reading it fails.

    The VMDK inspector, for one, raises KeyError on a text-only descriptor.
    """
    try:
        return inspector.virtual_size or None
    except Exception:  # noqa: BLE001 - unknown is the honest answer
        return None


def _safety(inspector: fi.FileInspector) -> tuple[Failure, ...]:
    """Each failed check of the inspector, named; an incomplete header is a failure too."""
    if not inspector.complete:
        return (Failure.of("incomplete", f"the {inspector} header is cut short"),)
    try:
        inspector.safety_check()
    except fi.SafetyCheckFailed as exc:
        return tuple(Failure.of(check, str(error)) for check, error in exc.failures.items())
    except fi.ImageFormatError as exc:
        return (Failure.of("format_error", str(exc)),)
    return ()
