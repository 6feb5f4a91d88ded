"""inspect_file on real images of every format, made by qemu-img and xorriso."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from formats_kit import MIB, Made, qemu_info
from imagedeck.formats import FormatReport, inspect_file

Write = Callable[[str, bytes], Path]

SAFE = [
    "raw",
    "qcow2",
    "qcow2_v2",
    "vmdk_monolithicSparse",
    "vmdk_streamOptimized",
    "vhd_fixed",
    "vhd_dynamic",
    "vhdx",
    "vdi",
    "iso",
    "iso_hybrid",
]

UNSAFE = {
    "qcow2_backing": "backing_file",
    "qcow2_data_file": "data_file",
    "vmdk_monolithicFlat": "descriptor",
}


@pytest.mark.parametrize("key", SAFE)
def test_safe_image_format_and_virtual_size(made: dict[str, Made], key: str) -> None:
    image = made[key]
    report = inspect_file(image.path)
    assert report.detected_format == image.fmt
    assert report.safe and report.failures == ()
    assert report.actual_size == image.path.stat().st_size
    assert report.mismatch is None
    driver = {"vhd": "vpc", "iso": "raw"}.get(image.fmt, image.fmt)
    assert report.virtual_size == qemu_info(image.path, driver)["virtual-size"]
    if image.fmt == "vhd":
        # VHD sizes are rounded up to a cylinder/head/sector geometry.
        assert image.asked is not None and image.asked <= report.virtual_size < image.asked + MIB
    elif image.fmt == "iso":
        assert report.virtual_size == image.path.stat().st_size
    else:
        assert report.virtual_size == image.asked
    assert report.suggested_min_disk_gb == 1


@pytest.mark.parametrize("key", [k for k in SAFE if k != "vhd_fixed"])
def test_qemu_img_facts_are_attached_and_agree(made: dict[str, Made], key: str) -> None:
    report = inspect_file(made[key].path)
    assert report.qemu_info is not None
    assert report.qemu_info["virtual-size"] == report.virtual_size
    assert inspect_file(made[key].path, qemu_img=False).qemu_info is None


def test_fixed_vhd_is_found_from_its_footer_although_the_inspector_sees_raw(made: dict[str, Made]) -> None:
    report = inspect_file(made["vhd_fixed"].path)
    assert (report.detected_format, report.inspector_format) == ("vhd", "raw")
    assert report.qemu_info is not None and report.qemu_info["format"] == "vpc"
    assert any("fixed VHD" in note for note in report.notes)
    assert inspect_file(made["vhd_fixed"].path, "raw").mismatch is None


def test_hybrid_iso_counts_as_iso(made: dict[str, Made]) -> None:
    report = inspect_file(made["iso_hybrid"].path)
    assert report.detected_format == "iso" and report.safe
    assert any("hybrid" in note for note in report.notes)


@pytest.mark.parametrize("key", sorted(UNSAFE))
def test_unsafe_image_names_the_failed_check(made: dict[str, Made], key: str) -> None:
    report = inspect_file(made[key].path)
    assert report.detected_format == made[key].fmt
    assert not report.safe
    assert [f.check for f in report.failures] == [UNSAFE[key]]
    assert report.qemu_info is None, "qemu-img must not open an unsafe image"
    assert UNSAFE[key].split("_")[0] in report.verdict()


def test_unsafe_qcow2_texts_say_what_is_wrong(made: dict[str, Made]) -> None:
    backing = inspect_file(made["qcow2_backing"].path).failures[0]
    data_file = inspect_file(made["qcow2_data_file"].path).failures[0]
    assert "backing file" in str(backing)
    assert "external data file" in str(data_file)
    flat = inspect_file(made["vmdk_monolithicFlat"].path)
    assert "vmdk descriptor" in str(flat.failures[0]) and flat.virtual_size is None


def test_qcow2_declared_raw_is_the_loud_mismatch(made: dict[str, Made]) -> None:
    report = inspect_file(made["qcow2"].path, "raw")
    assert report.declared_format == "raw"
    assert report.mismatch is not None
    assert report.mismatch.startswith("DANGER") and "silently" in report.mismatch
    assert "DANGER" in report.verdict()


@pytest.mark.parametrize(
    ("key", "declared", "expected"),
    [
        ("vdi", "raw", "declare vdi"),
        ("raw", "qcow2", "refuses"),
        ("vhdx", "QCOW2", "content is vhdx"),
        ("vhd_dynamic", "vpc", None),
        ("raw", "ami", None),
        ("qcow2", "qcow2", None),
    ],
)
def test_mismatch_wording(made: dict[str, Made], key: str, declared: str, expected: str | None) -> None:
    mismatch = inspect_file(made[key].path, declared, qemu_img=False).mismatch
    if expected is None:
        assert mismatch is None
    else:
        assert mismatch is not None and expected in mismatch


def test_report_serialises_to_json(made: dict[str, Made]) -> None:
    report = inspect_file(made["qcow2_backing"].path, "qcow2")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["detected_format"] == "qcow2"
    assert data["safe"] is False
    assert data["failures"][0]["check"] == "backing_file"
    assert data["virtual_size"] == 64 * MIB
    assert data["suggested_min_disk_gb"] == 1


# -- truncated, empty, random -------------------------------------------------------

#: (image, bytes kept): each cut lands inside the header the inspector needs.
CUTS = [
    ("qcow2", 64),
    ("qcow2", 300),
    ("vmdk_monolithicSparse", 300),
    ("vmdk_monolithicSparse", 2000),
    ("vmdk_streamOptimized", 2000),
    ("vhd_dynamic", 100),
    ("vhdx", 100),
    ("vhdx", 200_000),
    ("vhdx", 1_000_000),
    ("vdi", 500),
    ("iso", 33_000),
]


@pytest.mark.parametrize(("key", "keep"), CUTS)
def test_truncated_header_is_unsafe_and_named(
    made: dict[str, Made], write_file: Write, key: str, keep: int
) -> None:
    cut = write_file(f"cut-{key}-{keep}", made[key].path.read_bytes()[:keep])
    report = inspect_file(cut)
    assert report.detected_format == made[key].fmt
    assert not report.safe
    assert [f.check for f in report.failures] == ["incomplete"]
    assert report.virtual_size is None


def test_data_cut_after_a_complete_header_is_flagged_by_qemu_img(
    made: dict[str, Made], write_file: Write
) -> None:
    cut = write_file("cut-stream.vmdk", made["vmdk_streamOptimized"].path.read_bytes()[:-4096])
    report = inspect_file(cut)
    assert report.detected_format == "vmdk"
    assert any("qemu-img could not open it" in note for note in report.notes)


def test_truncated_iso_volume_is_noted(made: dict[str, Made], write_file: Write) -> None:
    cut = write_file("cut.iso", made["iso"].path.read_bytes()[:40_000])
    report = inspect_file(cut, qemu_img=False)
    assert report.detected_format == "iso"
    assert any("looks truncated" in note for note in report.notes)


def test_empty_file(write_file: Write) -> None:
    report = inspect_file(write_file("empty", b""))
    assert (report.detected_format, report.virtual_size, report.actual_size) == ("raw", 0, 0)
    assert report.suggested_min_disk_gb == 0


def test_random_bytes_are_raw_and_refused_when_declared_qcow2(write_file: Write) -> None:
    data = bytes((i * 7919 + 13) % 251 for i in range(300_000))
    path = write_file("random.bin", data)
    report = inspect_file(path, "qcow2")
    assert report.detected_format == "raw" and report.safe
    assert report.virtual_size == len(data)
    assert report.mismatch is not None and "refuses" in report.mismatch
    assert inspect_file(path, "raw").mismatch is None


def test_sparse_gibibyte_raw(scratch: Path) -> None:
    path = scratch / "sparse.raw"
    with open(path, "wb") as handle:
        handle.truncate(1024**3)
    report = inspect_file(path)
    assert isinstance(report, FormatReport)
    assert (report.detected_format, report.virtual_size) == ("raw", 1024**3)
    assert report.allocated_size < report.actual_size
    assert report.suggested_min_disk_gb == 1
