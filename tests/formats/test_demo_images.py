"""The demo's generated images are real: our inspector, qemu-img and xorriso all agree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from formats_kit import MIB, qemu_info, run
from imagedeck.demo.images import GENERATORS, image_bytes, write_image
from imagedeck.formats import inspect_file

#: (format, virtual size asked for): small and multi-table sizes for the sparse formats.
CASES = [
    ("raw", 3 * MIB),
    ("qcow2", 3 * MIB),
    ("qcow2", 10 * 1024**3 + 5 * MIB),
    ("vmdk", 3 * MIB),
    ("vmdk", 100 * MIB),
    ("vhd", 3 * MIB),
    ("vhd", 20 * MIB),
    ("vdi", 3 * MIB),
    ("vdi", 2 * 1024**3),
    ("iso", 0),
]


@pytest.mark.parametrize(("fmt", "asked"), CASES)
def test_generated_image_is_what_it_claims(scratch: Path, fmt: str, asked: int) -> None:
    path = write_image(scratch / f"demo-{asked}.{fmt}", fmt, asked)
    report = inspect_file(path, fmt)
    assert report.detected_format == fmt
    assert report.safe and report.failures == ()
    assert report.mismatch is None
    if fmt == "vhd":
        # Rounded up to whole cylinders, like qemu-img's own fixed VHDs.
        assert asked <= report.virtual_size < asked * 1.04
        assert path.stat().st_size == report.virtual_size + 512
    elif fmt == "iso":
        assert report.virtual_size == path.stat().st_size
    else:
        assert report.virtual_size == asked

    # qemu-img recognises it on its own (a fixed VHD only with the driver named: its
    # footer is at the end, and qemu's probe looks at the start).
    driver = "vpc" if fmt == "vhd" else None
    info = qemu_info(path, driver)
    assert info["format"] == {"iso": "raw", "vhd": "vpc"}.get(fmt, fmt)
    assert info["virtual-size"] == report.virtual_size
    assert report.qemu_info is not None and report.qemu_info["virtual-size"] == report.virtual_size


@pytest.mark.parametrize("fmt", ["qcow2", "vmdk", "vdi"])
def test_qemu_img_check_finds_no_errors(scratch: Path, fmt: str) -> None:
    path = write_image(scratch / f"checked.{fmt}", fmt, 70 * MIB)
    assert "No errors were found on the image" in run("qemu-img", "check", "-f", fmt, path)


@pytest.mark.parametrize("fmt", ["qcow2", "vmdk", "vhd", "vdi"])
def test_sparse_formats_read_back_as_zeros(scratch: Path, fmt: str) -> None:
    path = write_image(scratch / f"zeros.{fmt}", fmt, 2 * MIB)
    out = scratch / f"zeros-{fmt}.raw"
    run("qemu-img", "convert", "-f", {"vhd": "vpc"}.get(fmt, fmt), "-O", "raw", path, out)
    assert out.stat().st_size >= 2 * MIB
    with open(out, "rb") as handle:
        assert not any(handle.read())


def test_raw_sectors_name_themselves() -> None:
    data = image_bytes("raw", 1 * MIB)
    assert len(data) == 1 * MIB
    assert data[5 * 512 : 6 * 512].startswith(b"imagedeck demo raw disk, sector 00000005.")


def test_iso_volume_lists_its_file(scratch: Path) -> None:
    path = write_image(scratch / "listed.iso", "iso")
    # xorriso reports the volume id on stderr, which run() does not keep.
    done = subprocess.run(
        ["xorriso", "-indev", str(path), "-ls", "/"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "README.TXT" in done.stdout and "IMAGEDECK_DEMO" in done.stderr


def test_every_generator_is_covered_and_unknown_formats_are_refused() -> None:
    assert {fmt for fmt, _ in CASES} == set(GENERATORS)
    with pytest.raises(ValueError, match="no demo generator for 'ploop'"):
        image_bytes("ploop")
