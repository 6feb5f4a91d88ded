"""Inspect a disk image file with the inspector Glance, Nova and Cinder run.

``oslo_utils.imageutils.format_inspector`` does the parsing and the safety checks; this
module only turns its answers (and its exceptions) into a `FormatReport`, adds what it
lacks (the virtual size of raw data, hybrid ISO handling, a declared-format mismatch
warning) and, when qemu-img is installed, its second opinion.
"""

from __future__ import annotations

import errno
import json
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

from oslo_utils.imageutils import format_inspector as fi

from ..model.errors import Invalid, NotFound
from .report import Failure, FormatReport

#: The inspector's names that differ from Glance's disk_format names.
_GLANCE_NAMES = {"gpt": "raw"}

#: qemu-img's driver names where they differ from Glance's.
_QEMU_NAMES = {"vhd": "vpc", "iso": "raw"}

#: Human sentences for the inspector's safety-check names.
_CHECK_TEXT = {
    "backing_file": "qcow2 image refers to a backing file on the host (could read host files)",
    "data_file": "qcow2 image stores its data in an external file on the host",
    "unknown_features": "qcow2 image uses incompatible features the inspector does not know",
    "descriptor": "vmdk descriptor is missing, malformed or names a forbidden extent type",
    "footer": "vmdk footer is inconsistent with its header",
    "mbr": "partition table is malformed",
    "banned": "this format is not allowed by image services",
    "version": "unsupported LUKS version",
}

_QEMU_TIMEOUT_S = 10
_VHD_FOOTER = 512
_VHD_CURRENT_SIZE = 48  # offset of the 8-byte big-endian "current size" in the footer

# The inspector logs every failed check as a warning; the report carries them instead.
logging.getLogger(fi.__name__).setLevel(logging.CRITICAL)


def inspect_file(path: str | Path, declared_format: str | None = None) -> FormatReport:
    """Inspect ``path`` and judge it as an upload declared as ``declared_format``.

    Reads only headers (fast on huge sparse files). Raises NotFound / Invalid for a
    missing or unreadable path; any content, however broken, gives a report.
    """
    path = Path(path)
    actual_size = _file_size(path)
    detected, inspector, failures, notes = _detect(path)
    if inspector is not None and not failures:
        failures = _safety_failures(inspector)
    if detected == "raw":
        detected, notes = _fixed_vhd(path, actual_size) or (detected, notes)
    if actual_size == 0:
        failures.append(Failure("empty", "the file is empty: there is no disk to boot"))
    virtual = _virtual_size(inspector, detected, actual_size, path)
    safe = not failures
    return FormatReport(
        path=path,
        detected_format=detected,
        virtual_size=virtual,
        actual_size=actual_size,
        safe=safe,
        failures=tuple(failures),
        declared_format=declared_format,
        mismatch=_mismatch(declared_format, detected),
        notes=tuple(notes),
        # qemu-img would follow a hostile image's references: ask it about safe ones only.
        qemu_info=_qemu_info(path, detected) if safe and detected else None,
    )


def _file_size(path: Path) -> int:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except OSError as exc:
        raise Invalid(f"{path}: cannot read it ({exc.strerror})") from None
    if not path.is_file():
        raise Invalid(f"{path} is not a regular file")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        reason = "permission denied" if exc.errno == errno.EACCES else exc.strerror
        raise Invalid(f"{path}: cannot read it ({reason})") from None
    return stat.st_size


def _detect(path: Path) -> tuple[str | None, Any, list[Failure], list[str]]:
    """The detected Glance format and its inspector, or the failure that stopped detection."""
    try:
        inspector = fi.detect_file_format(str(path))
    except fi.ImageFormatError as exc:
        return _ambiguous(path, str(exc))
    except Exception as exc:  # the inspector must never take the app down
        return None, None, [Failure("inspection", f"the inspector could not parse it: {exc}")], []
    if inspector is None:
        return None, None, [Failure("inspection", "the format could not be determined")], []
    name = str(inspector)
    notes = ["GPT partition table on raw data"] if name == "gpt" else []
    return _GLANCE_NAMES.get(name, name), inspector, [], notes


def _ambiguous(path: Path, message: str) -> tuple[str | None, Any, list[Failure], list[str]]:
    """Several formats matched: a hybrid ISO (ISO + partition table) is fine, the rest is not."""
    if "Multiple formats" in message:
        names = set(message.rpartition(":")[2].strip().split(","))
        if names == {"iso", "gpt"}:
            inspector = fi.ISOInspector.from_file(str(path))
            return "iso", inspector, [], ["hybrid ISO: also carries a partition table"]
        return (
            None,
            None,
            [Failure("multiple_formats", f"content matches several formats ({', '.join(sorted(names))}), "
                     "a sign of one header hidden in another")],
            [],
        )
    return None, None, [Failure("inspection", message)], []


def _safety_failures(inspector: Any) -> list[Failure]:
    try:
        inspector.safety_check()
    except fi.SafetyCheckFailed as exc:
        return [
            Failure(name, _CHECK_TEXT.get(name.removeprefix("inner_"), str(err) or name))
            for name, err in exc.failures.items()
        ]
    except fi.ImageFormatError as exc:
        return [Failure("format", str(exc))]
    except Exception as exc:
        return [Failure("inspection", f"the safety check could not run: {exc}")]
    return []


def _fixed_vhd(path: Path, actual_size: int) -> tuple[str, list[str]] | None:
    """A fixed VHD is raw data plus a 512-byte footer, which the inspector does not look for."""
    if actual_size < _VHD_FOOTER:
        return None
    with path.open("rb") as handle:
        handle.seek(actual_size - _VHD_FOOTER)
        footer = handle.read(_VHD_FOOTER)
    if not footer.startswith(b"conectix"):
        return None
    return "vhd", ["fixed VHD: raw data followed by a VHD footer"]


def _virtual_size(inspector: Any, detected: str | None, actual_size: int, path: Path) -> int | None:
    """Raw data is as big as the file; a fixed VHD says so in its footer; others in headers."""
    if detected == "raw":
        return actual_size
    if detected == "vhd" and (inspector is None or str(inspector) == "raw"):
        with path.open("rb") as handle:
            handle.seek(actual_size - _VHD_FOOTER + _VHD_CURRENT_SIZE)
            return int.from_bytes(handle.read(8), "big") or None
    if inspector is None:
        return None
    try:
        size = int(inspector.virtual_size)
    except Exception:
        return None
    return size or None


def _mismatch(declared: str | None, detected: str | None) -> str | None:
    if not declared or not detected or declared == detected:
        return None
    if declared == "raw" and detected == "qcow2":
        return (
            "the file is qcow2 but declared raw: the image service accepts it silently and "
            "the VM then boots the qcow2 header as a raw disk"
        )
    if declared in ("ami", "ari", "aki") and detected == "raw":
        return None  # Amazon-style kernel, ramdisk and machine images are raw data
    return f"the file is {detected} but declared {declared}: it would be stored and booted as {declared}"


def _qemu_info(path: Path, detected: str) -> dict[str, Any] | None:
    """qemu-img's opinion when it is installed; never required, never fatal."""
    qemu_img = shutil.which("qemu-img")
    if not qemu_img:
        return None
    try:
        done = subprocess.run(
            [qemu_img, "info", "--output=json", "-f", _QEMU_NAMES.get(detected, detected), "--", str(path)],
            capture_output=True,
            timeout=_QEMU_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            return None
        info = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return info if isinstance(info, dict) else None
