"""From what oslo's inspectors saw to a verdict: format, virtual size, failed checks.

Shared by the file inspection (`inspect`) and the stream inspection (`stream`), so a file
checked before an upload and the same bytes checked while a store receives them get the
same answer. What the inspector lacks is added here: stand-alone VMDK descriptors,
raw's virtual size, fixed VHDs (footer only at the end), and headers cut short.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from oslo_utils.imageutils import format_inspector as fi

from .names import fixed_vhd_size, glance_name, magic_format
from .report import Failure
from .vmdk import text_descriptor

# Each failed check is logged as a warning; with logging unconfigured Python would print
# it on stderr, over the TUI. Applications that configure logging still receive it.
logging.getLogger(fi.__name__).addHandler(logging.NullHandler())


@dataclass(frozen=True, slots=True)
class Found:
    """What the content is (Glance's name), by which inspector, how big, and what failed."""

    detected: str | None
    inspector_name: str | None
    virtual_size: int | None
    failures: tuple[Failure, ...]
    notes: tuple[str, ...] = ()


def conclude(
    matches: list[fi.FileInspector], head: bytes, tail: bytes, size: int, notes: tuple[str, ...] = ()
) -> Found:
    """The verdict on ``size`` bytes whose first bytes are ``head`` and last 512 ``tail``."""
    descriptor = text_descriptor(head)
    if descriptor is not None:
        return Found("vmdk", "vmdk", None, (Failure("descriptor", descriptor.refusal()),), notes)
    names = sorted(str(m) for m in matches)
    if names == ["gpt", "iso"]:
        matches = [m for m in matches if str(m) == "iso"]
        notes += ("hybrid ISO: it also carries a partition table so it can boot from a USB disk",)
    if len(matches) != 1:
        found = ", ".join(names) or "none"
        return Found(None, None, None, (Failure.of("multiple_formats", found),), notes)
    inspector = matches[0]
    name = str(inspector)
    failures = safety(inspector)
    virtual = virtual_size(inspector)
    if name == "raw":
        vhd_size = fixed_vhd_size(tail)
        if vhd_size is not None:
            note = "fixed VHD (footer at the end only): the image service's inspector sees raw data"
            return Found("vhd", name, vhd_size, failures, (*notes, note))
        magic = magic_format(head)
        if magic is not None:
            why = f"starts like {magic} but its header is cut short or malformed"
            return Found(magic, name, None, (Failure.of("incomplete", why),), notes)
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
        notes += (f"the ISO volume claims {virtual} bytes but the data holds {size}: it looks truncated",)
    return Found(glance_name(name), name, virtual, failures, notes)


def virtual_size(inspector: fi.FileInspector) -> int | None:
    """The inspector's virtual size; None when unknown (0) or when reading it fails.

    The VMDK inspector, for one, raises KeyError on a text-only descriptor.
    """
    try:
        return inspector.virtual_size or None
    except Exception:  # noqa: BLE001 - unknown is the honest answer
        return None


def safety(inspector: fi.FileInspector) -> tuple[Failure, ...]:
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
