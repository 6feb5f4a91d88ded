"""A VMDK text descriptor names host files in its extents: the verdict says so, whatever
padding or spelling hides it from oslo's inspector, for a file and for a stream alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from formats_kit import Made, run
from imagedeck.formats import StreamInspection, inspect_file

Write = Callable[[str, bytes], Path]

PASSWD = (
    b"# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
    b'createType="monolithicFlat"\n\n# Extent description\nRW 2048 FLAT "/etc/passwd" 0\n\n'
    b'# The Disk Data Base\n#DDB\nddb.adapterType = "ide"\n'
)

VARIANTS = {
    "plain": PASSWD,
    "nul-padded": PASSWD + b"\0" * (64 * 1024 - len(PASSWD)),
    "no-comment-header": PASSWD.split(b"\n", 1)[1] + b"\0" * 2048,
    "binary-after": PASSWD + bytes(range(256)) * 8,
    "spaced-create-type": PASSWD.replace(b'createType="', b'createType = "'),
}


def streamed(data: bytes, declared: str | None, piece: int = 4096):  # type: ignore[no-untyped-def]
    inspection = StreamInspection(declared)
    for start in range(0, len(data), piece):
        inspection.feed([data[start : start + piece]])
    return inspection.finish()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_descriptor_naming_a_host_file_is_refused_by_name(write_file: Write, variant: str) -> None:
    data = VARIANTS[variant]
    report = inspect_file(write_file(f"{variant}.vmdk", data), "vmdk", qemu_img=False)
    assert report.detected_format == "vmdk" and not report.safe
    message = str(report.failures[0])
    assert "monolithicflat" in message.lower() and '"/etc/passwd"' in message
    assert "files on the host" in message and "incomplete" not in message
    verdict = streamed(data, "vmdk")
    assert verdict.detected_format == "vmdk" and not verdict.safe
    assert '"/etc/passwd"' in str(verdict.refusal())


def test_qemu_made_flat_vmdk_names_its_extent(tmp_path: Path) -> None:
    flat = tmp_path / "flat.vmdk"
    run("qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=monolithicFlat", flat, "8M")
    report = inspect_file(flat, "vmdk")
    assert report.detected_format == "vmdk" and not report.safe
    message = str(report.failures[0])
    assert "(monolithicFlat)" in message and '"flat-flat.vmdk"' in message
    assert "files on the host" in message


def test_extent_names_are_shown_visibly(write_file: Write) -> None:
    data = PASSWD.replace(b"/etc/passwd", b"\x1b]52;c;aGk=\x07/etc/shadow")
    message = str(inspect_file(write_file("esc.vmdk", data), qemu_img=False).failures[0])
    assert "\x1b" not in message and "\\x1b" in message and "/etc/shadow" in message


def test_sparse_vmdk_stays_safe(made: dict[str, Made]) -> None:
    report = inspect_file(made["vmdk_monolithicSparse"].path, "vmdk")
    assert report.safe and report.failures == ()


@pytest.mark.parametrize(
    "key",
    [
        "raw",
        "qcow2",
        "qcow2_backing",
        "qcow2_data_file",
        "vmdk_monolithicSparse",
        "vmdk_streamOptimized",
        "vmdk_monolithicFlat",
        "vhd_fixed",
        "vhd_dynamic",
        "vhdx",
        "vdi",
        "iso",
        "iso_hybrid",
    ],
)
def test_a_stream_gets_the_verdict_of_the_file(made: dict[str, Made], key: str) -> None:
    path = made[key].path
    report = inspect_file(path, made[key].fmt, qemu_img=False)
    verdict = streamed(path.read_bytes(), made[key].fmt, piece=1 << 20)
    assert (verdict.detected_format, verdict.safe) == (report.detected_format, report.safe)
    assert verdict.virtual_size == report.virtual_size
    assert [f.check for f in verdict.found.failures] == [f.check for f in report.failures]
