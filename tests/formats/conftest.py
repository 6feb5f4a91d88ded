"""Real disk images made once per run by qemu-img and xorriso, the tools clouds use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from formats_kit import MIB, Made, run


def _qemu(directory: Path, name: str, fmt: str, size: int, *options: str) -> Path:
    path = directory / name
    run("qemu-img", "create", "-q", "-f", fmt, *options, path, str(size))
    return path


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Made]:
    """Every kind of image the inspector tests look at, keyed by a short name."""
    d = tmp_path_factory.mktemp("images")
    images: dict[str, Made] = {}

    def add(key: str, path: Path, fmt: str, asked: int | None) -> None:
        images[key] = Made(path, fmt, asked)

    raw = d / "disk.raw"
    raw.write_bytes(bytes(range(256)) * (3 * MIB // 256))
    add("raw", raw, "raw", 3 * MIB)
    add("qcow2", _qemu(d, "disk.qcow2", "qcow2", 64 * MIB), "qcow2", 64 * MIB)
    add("qcow2_v2", _qemu(d, "v2.qcow2", "qcow2", 32 * MIB, "-o", "compat=0.10"), "qcow2", 32 * MIB)
    backing = _qemu(d, "child.qcow2", "qcow2", 64 * MIB, "-b", str(d / "disk.qcow2"), "-F", "qcow2")
    add("qcow2_backing", backing, "qcow2", 64 * MIB)
    external = _qemu(d, "external.qcow2", "qcow2", 16 * MIB, "-o", f"data_file={d / 'external.data'}")
    add("qcow2_data_file", external, "qcow2", 16 * MIB)
    for sub in ("monolithicSparse", "streamOptimized"):
        vmdk = _qemu(d, f"{sub}.vmdk", "vmdk", 64 * MIB, "-o", f"subformat={sub}")
        add(f"vmdk_{sub}", vmdk, "vmdk", 64 * MIB)
    flat = _qemu(d, "flat.vmdk", "vmdk", 8 * MIB, "-o", "subformat=monolithicFlat")
    add("vmdk_monolithicFlat", flat, "vmdk", 8 * MIB)
    for sub, size in (("fixed", 8 * MIB), ("dynamic", 64 * MIB)):
        add(f"vhd_{sub}", _qemu(d, f"{sub}.vhd", "vpc", size, "-o", f"subformat={sub}"), "vhd", size)
    add("vhdx", _qemu(d, "disk.vhdx", "vhdx", 64 * MIB), "vhdx", 64 * MIB)
    add("vdi", _qemu(d, "disk.vdi", "vdi", 64 * MIB), "vdi", 64 * MIB)

    tree = d / "iso-tree"
    tree.mkdir()
    (tree / "README.TXT").write_text("imagedeck test volume\n")
    iso = d / "disk.iso"
    run("xorriso", "-as", "mkisofs", "-quiet", "-V", "IMAGEDECK", "-o", iso, tree)
    add("iso", iso, "iso", None)
    hybrid = d / "hybrid.iso"
    run("xorriso", "-as", "mkisofs", "-quiet", "--protective-msdos-label", "-o", hybrid, tree)
    add("iso_hybrid", hybrid, "iso", None)
    return images


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for files tests build from the made images."""
    return tmp_path_factory.mktemp("scratch")


@pytest.fixture(scope="session")
def write_file(scratch: Path) -> Callable[[str, bytes], Path]:
    """``write_file(name, data)``: a file under ``scratch`` holding ``data``."""

    def write(name: str, data: bytes) -> Path:
        path = scratch / name
        path.write_bytes(data)
        return path

    return write
