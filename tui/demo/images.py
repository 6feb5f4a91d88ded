"""Small, real disk images of several formats, built in pure Python for the demo.

No qemu-img at run time: the demo must work on a machine without it. Every image is
valid for qemu-img and for the format inspector, with all clusters or grains
unallocated (so they read as zeros) except raw, which carries a visible pattern.
Multi-byte fields are big-endian in qcow2 and VHD, little-endian in VMDK and VDI,
both-endian (LE then BE) in ISO 9660.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from pathlib import Path

SECTOR = 512
MIB = 1024 * 1024


def raw_image(size: int = 4 * MIB) -> bytes:
    """A raw disk whose every sector names itself, so a hex dump shows what it is."""
    sectors = (f"imagedeck demo raw disk, sector {n:08d}. ".encode() * 13 for n in range(size // SECTOR))
    return b"".join(s[:SECTOR] for s in sectors)


def qcow2_image(virtual_size: int) -> bytes:
    """qcow2 v3, 64 KiB clusters: header, refcount table, one refcount block, L1 table."""
    cluster = 1 << 16
    l1_size = math.ceil(virtual_size / (cluster * (cluster // 8)))  # an L2 table maps 8192 clusters
    l1_clusters = max(1, math.ceil(l1_size * 8 / cluster))
    used = 3 + l1_clusters  # header, refcount table, refcount block, L1
    header = struct.pack(
        ">4sIQIIQIIQQIIQQQQII",
        b"QFI\xfb",
        3,  # magic, version
        0,
        0,  # backing file offset and length: none
        16,
        virtual_size,  # cluster_bits, size
        0,
        l1_size,
        3 * cluster,  # no encryption, L1 entries and offset
        1 * cluster,
        1,  # refcount table offset and clusters
        0,
        0,  # no snapshots
        0,
        0,
        0,  # incompatible, compatible, autoclear feature bits: none
        4,
        104,  # refcount_order (16-bit refcounts), header length
    )
    image = bytearray(used * cluster)
    image[: len(header)] = header  # followed by 8 zero bytes: the end-of-extensions marker
    struct.pack_into(">Q", image, cluster, 2 * cluster)  # refcount table -> refcount block
    for index in range(used):
        struct.pack_into(">H", image, 2 * cluster + 2 * index, 1)  # each used cluster once
    return bytes(image)


def vmdk_image(virtual_size: int, name: str = "demo.vmdk") -> bytes:
    """monolithicSparse VMDK: header, embedded descriptor, grain directory and tables."""
    grain, per_table = 128, 512  # 64 KiB grains, 512 entries per grain table
    capacity = math.ceil(virtual_size / SECTOR)
    tables = math.ceil(capacity / (grain * per_table))
    desc_sectors, gd_at = 20, 21
    gt_at = gd_at + math.ceil(tables * 4 / SECTOR)
    overhead = math.ceil((gt_at + tables * per_table * 4 // SECTOR) / grain) * grain
    descriptor = (
        "# Disk DescriptorFile\nversion=1\nCID=7e57da7a\nparentCID=ffffffff\n"
        f'createType="monolithicSparse"\n\n# Extent description\nRW {capacity} SPARSE "{name}"\n\n'
        '# The Disk Data Base\n#DDB\n\nddb.virtualHWVersion = "4"\nddb.adapterType = "ide"\n'
    ).encode()
    header = struct.pack(
        "<4sIIQQQQIQQQB4sH",
        b"KDMV",
        1,
        1,  # magic, version, flags (bit 0: newline-detection chars are valid)
        capacity,
        grain,
        1,
        desc_sectors,  # sizes in sectors; the descriptor starts at sector 1
        per_table,
        0,
        gd_at,
        overhead,  # no redundant grain directory
        0,
        b"\n \r\n",
        0,  # clean shutdown, newline-detection characters, no compression
    )
    image = bytearray(overhead * SECTOR)
    image[: len(header)] = header
    image[SECTOR : SECTOR + len(descriptor)] = descriptor
    for index in range(tables):  # directory entries point at the (empty) grain tables
        struct.pack_into("<I", image, gd_at * SECTOR + 4 * index, gt_at + index * per_table * 4 // SECTOR)
    return bytes(image)


def _chs(sectors: int) -> tuple[int, int, int]:
    """Cylinders, heads, sectors per track for a VHD footer, as the VHD specification computes them."""
    sectors = min(sectors, 65535 * 16 * 255)
    if sectors >= 65535 * 16 * 63:
        spt, heads = 255, 16
    else:
        spt = 17
        cth = sectors // spt
        heads = max((cth + 1023) // 1024, 4)
        if cth >= heads * 1024 or heads > 16:
            spt, heads = 31, 16
            cth = sectors // spt
        if cth >= heads * 1024:
            spt, heads = 63, 16
    return sectors // spt // heads, heads, spt


def vhd_image(virtual_size: int) -> bytes:
    """Fixed VHD: the disk's bytes, then a 512-byte footer ("conectix") with its checksum.

    The size is rounded up to whole cylinders, as qemu-img does, because readers such as
    Virtual PC and qemu take the size from the geometry rather than the size field.
    """
    cylinders, heads, spt = _chs(math.ceil(virtual_size / SECTOR))
    if cylinders * heads * spt * SECTOR < virtual_size:
        cylinders += 1
    size = cylinders * heads * spt * SECTOR
    footer = bytearray(
        struct.pack(
            ">8sIIQI4sI4sQQHBBII16sB",
            b"conectix",
            2,
            0x00010000,  # cookie, features (reserved bit), version 1.0
            0xFFFFFFFFFFFFFFFF,
            0,  # no dynamic header (fixed disk); timestamp
            b"idck",
            0x00010000,
            b"Wi2k",  # creator application, its version, host OS
            size,
            size,
            cylinders,
            heads,
            spt,  # original and current size, geometry
            2,
            0,
            b"imagedeck-demo!!",
            0,  # disk type 2 = fixed, checksum (below), id, state
        )
    )
    footer += bytes(SECTOR - len(footer))
    struct.pack_into(">I", footer, 64, ~sum(footer) & 0xFFFFFFFF)  # ones' complement of the byte sum
    return bytes(size) + bytes(footer)


def vdi_image(virtual_size: int) -> bytes:
    """Dynamic VDI: 512-byte header, then a block map with every 1 MiB block unallocated."""
    blocks = math.ceil(virtual_size / MIB)
    data_at = SECTOR + math.ceil(blocks * 4 / SECTOR) * SECTOR
    header = struct.pack(
        "<64sIIIII256sIIIIIIIQIIII",
        b"<<< Oracle VM VirtualBox Disk Image >>>\n",
        0xBEDA107F,
        0x00010001,  # text, magic, v1.1
        0x190,
        1,
        0,
        b"imagedeck demo disk",  # header size, type 1 = dynamic, flags, description
        SECTOR,
        data_at,
        0,
        0,
        0,
        SECTOR,
        0,  # block map and data offsets, legacy geometry
        virtual_size,
        MIB,
        0,
        blocks,
        0,  # disk size, block size, extra, blocks, allocated
    )
    uuid = bytes.fromhex("7e57da7a0000400080000000000000de")  # image id; snapshot/link/parent stay nil
    header += uuid + bytes(SECTOR - len(header) - len(uuid))
    block_map = b"\xff\xff\xff\xff" * blocks  # 0xffffffff = block not allocated (reads zero)
    return header + block_map + bytes(data_at - SECTOR - len(block_map))


def _both(fmt: str, value: int) -> bytes:
    """An ISO 9660 both-endian field: little-endian copy, then big-endian."""
    return struct.pack("<" + fmt, value) + struct.pack(">" + fmt, value)


def _dir_record(extent: int, length: int, name: bytes, is_dir: bool) -> bytes:
    """A directory record: length byte, then extent, size, date, flags, name (padded to even)."""
    body = (
        b"\x00"
        + _both("I", extent)
        + _both("I", length)
        + bytes([126, 1, 1, 0, 0, 0, 0])  # recorded 2026-01-01 00:00:00 UTC
        + bytes([2 if is_dir else 0, 0, 0])
        + _both("H", 1)
        + bytes([len(name)])
        + name
    )
    body += bytes(1 - len(name) % 2)
    return bytes([len(body) + 1]) + body


def iso_image(label: str = "IMAGEDECK_DEMO", text: bytes = b"imagedeck demo volume\n") -> bytes:
    """ISO 9660 with one file: 16 system sectors, primary volume descriptor, terminator,
    path tables, root directory, README.TXT."""
    block = 2048
    pvd_at, l_path, m_path, root, file_at, total = 16, 18, 19, 20, 21, 22
    root_record = _dir_record(root, block, b"\x00", True)
    stamp = b"2026010100000000\x00"
    pvd = (
        b"\x01CD001\x01\x00"
        + b"LINUX".ljust(32)
        + label.upper().encode()[:32].ljust(32)
        + bytes(8)
        + _both("I", total)
        + bytes(32)
        + _both("H", 1)
        + _both("H", 1)
        + _both("H", block)
        + _both("I", 10)
        + struct.pack("<II", l_path, 0)
        + struct.pack(">II", m_path, 0)
        + root_record
        + b" " * 128 * 4
        + b" " * 37 * 3
        + stamp * 2
        + b"0" * 16
        + b"\x00"
        + stamp
        + b"\x01"
    )
    sectors = {
        pvd_at: pvd,
        pvd_at + 1: b"\xffCD001\x01",  # volume descriptor set terminator
        l_path: struct.pack("<BBIH", 1, 0, root, 1) + b"\x00\x00",
        m_path: struct.pack(">BBIH", 1, 0, root, 1) + b"\x00\x00",
        root: root_record
        + _dir_record(root, block, b"\x01", True)
        + _dir_record(file_at, len(text), b"README.TXT;1", False),
        file_at: text,
    }
    image = bytearray(total * block)
    for index, content in sectors.items():
        image[index * block : index * block + len(content)] = content
    return bytes(image)


#: Glance disk_format -> generator taking the virtual size (iso ignores it: its size is its content).
GENERATORS: dict[str, Callable[[int], bytes]] = {
    "raw": raw_image,
    "qcow2": qcow2_image,
    "vmdk": vmdk_image,
    "vhd": vhd_image,
    "vdi": vdi_image,
    "iso": lambda _size: iso_image(),
}


def image_bytes(disk_format: str, virtual_size: int = 4 * MIB) -> bytes:
    """A valid image of ``disk_format`` with (about) ``virtual_size`` bytes of disk."""
    try:
        return GENERATORS[disk_format](virtual_size)
    except KeyError:
        raise ValueError(f"no demo generator for {disk_format!r}; have {', '.join(GENERATORS)}") from None


def write_image(path: Path, disk_format: str, virtual_size: int = 4 * MIB) -> Path:
    """Write a demo image to ``path`` and return the path."""
    path.write_bytes(image_bytes(disk_format, virtual_size))
    return path
