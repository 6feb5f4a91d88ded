"""Hostile, odd and unreadable inputs: a typed error or an unsafe verdict, never a crash or hang."""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import imagedeck.formats.inspect as inspect_module
from formats_kit import Made
from imagedeck.formats import inspect_file
from imagedeck.model.errors import Invalid, NotFound

Write = Callable[[str, bytes], Path]


def patched(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def test_missing_file_is_not_found(scratch: Path) -> None:
    with pytest.raises(NotFound, match="no-such.qcow2"):
        inspect_file(scratch / "no-such.qcow2")


def test_directory_is_invalid(scratch: Path) -> None:
    with pytest.raises(Invalid, match="is a directory"):
        inspect_file(scratch)


def test_fifo_is_refused_without_blocking(scratch: Path) -> None:
    fifo = scratch / "pipe"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _record(outcome, fifo), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "inspecting a FIFO blocked"
    assert len(outcome) == 1 and isinstance(outcome[0], Invalid)
    assert "not a regular file" in str(outcome[0])


def _record(outcome: list[BaseException], path: Path) -> None:
    try:
        inspect_file(path)
    except BaseException as exc:  # noqa: BLE001 - the test inspects whatever came out
        outcome.append(exc)


def test_unreadable_file_is_invalid_with_its_path(write_file: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file("locked.raw", b"x" * 4096)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Fault injection: the tests may run as root, which reads any file.
    monkeypatch.setattr(inspect_module, "open", refuse, raising=False)
    with pytest.raises(Invalid, match="locked.raw: permission denied"):
        inspect_file(path)


def test_an_inspector_crash_becomes_an_unsafe_verdict(
    made: dict[str, Made], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("inspector bug")

    monkeypatch.setattr(inspect_module.fi, "InspectWrapper", explode)
    report = inspect_file(made["qcow2"].path, "qcow2")
    assert not report.safe and report.detected_format is None
    assert [f.check for f in report.failures] == ["inspector_error"]
    assert "inspector bug" in str(report.failures[0])
    assert report.mismatch is None


def test_qcow2_that_is_also_an_iso_is_ambiguous(made: dict[str, Made], write_file: Write) -> None:
    iso = made["iso"].path.read_bytes()
    qcow2 = made["qcow2"].path.read_bytes()
    both = write_file("both.img", patched(qcow2, 32768, iso[32768 : 32768 + 2048]))
    report = inspect_file(both, "qcow2")
    assert not report.safe and report.detected_format is None
    assert [f.check for f in report.failures] == ["multiple_formats"]
    assert "iso" in str(report.failures[0]) and "qcow2" in str(report.failures[0])


def test_qcow2_unknown_incompatible_feature(made: dict[str, Made], write_file: Write) -> None:
    data = made["qcow2"].path.read_bytes()
    odd = write_file("features.qcow2", patched(data, 72, b"\x80"))  # a bit far above any known one
    report = inspect_file(odd)
    assert report.detected_format == "qcow2" and not report.safe
    assert [f.check for f in report.failures] == ["unknown_features"]


def test_qcow2_unsupported_version(made: dict[str, Made], write_file: Write) -> None:
    data = made["qcow2"].path.read_bytes()
    report = inspect_file(write_file("v9.qcow2", patched(data, 4, struct.pack(">I", 9))))
    assert [f.check for f in report.failures] == ["unknown_features"]
    assert "version" in str(report.failures[0]).lower()


def test_qcow2_enormous_virtual_size(made: dict[str, Made], write_file: Write) -> None:
    data = made["qcow2"].path.read_bytes()
    huge = write_file("huge.qcow2", patched(data, 24, struct.pack(">Q", 2**64 - 1)))
    report = inspect_file(huge, qemu_img=False)
    assert report.virtual_size == 2**64 - 1
    assert report.suggested_min_disk_gb == 2**34


def test_vmdk_descriptor_naming_a_host_path(write_file: Write) -> None:
    descriptor = (
        b"# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        b'createType="monolithicSparse"\nRW 2048 SPARSE "/etc/shadow"\n'
    )
    report = inspect_file(write_file("host-path.vmdk", descriptor))
    assert report.detected_format == "vmdk" and not report.safe
    assert [f.check for f in report.failures] == ["descriptor"]
    assert "extent" in str(report.failures[0]).lower()


def test_vmdk_header_claiming_a_huge_descriptor(made: dict[str, Made], write_file: Write) -> None:
    data = made["vmdk_monolithicSparse"].path.read_bytes()[:4096]
    report = inspect_file(write_file("big-desc.vmdk", patched(data, 36, struct.pack("<Q", 2**62))))
    assert report.detected_format == "vmdk" and not report.safe


def test_vhdx_with_a_damaged_region_table(made: dict[str, Made], write_file: Write) -> None:
    data = made["vhdx"].path.read_bytes()
    damaged = write_file("damaged.vhdx", patched(data, 0x30000, b"XXXX"))
    report = inspect_file(damaged)
    assert report.detected_format == "vhdx" and not report.safe
    assert report.virtual_size is None
    assert [f.check for f in report.failures] == ["format_error"]


def test_stream_vmdk_header_on_a_huge_sparse_file_reads_head_and_tail(
    made: dict[str, Made], scratch: Path
) -> None:
    path = scratch / "huge-stream.vmdk"
    head = made["vmdk_streamOptimized"].path.read_bytes()[:4096]
    # Grain directory offset "at end": the real one is in a footer at the end of the stream.
    path.write_bytes(patched(head, 56, b"\xff" * 8))
    with open(path, "r+b") as handle:
        handle.truncate(64 * 1024**3)
    report = inspect_file(path)
    assert report.detected_format == "vmdk"
    assert not report.safe and [f.check for f in report.failures] == ["footer"]
    assert any("last 1 MiB only" in note for note in report.notes)


def mbr_disk(boot_flag: int, partition_type: int) -> bytes:
    """A 4 MiB raw disk with an MBR partition table holding one entry."""
    entry = struct.pack("<B3BB3BII", boot_flag, 0, 2, 0, partition_type, 0, 0, 0, 2048, 6144)
    sector = bytes(446) + entry + bytes(48) + b"\x55\xaa"
    return sector + bytes(4 * 1024**2 - 512)


def test_partitioned_raw_disk(write_file: Write) -> None:
    report = inspect_file(write_file("mbr.raw", mbr_disk(0x80, 0x83)), "raw")
    assert (report.detected_format, report.inspector_format) == ("raw", "gpt")
    assert report.safe and report.mismatch is None
    assert report.virtual_size == 4 * 1024**2


def test_partition_table_with_a_bad_boot_flag(write_file: Write) -> None:
    report = inspect_file(write_file("bad-mbr.raw", mbr_disk(0x42, 0x83)))
    assert report.detected_format == "raw" and not report.safe
    assert [f.check for f in report.failures] == ["mbr"]
    assert "boot flag" in str(report.failures[0])
