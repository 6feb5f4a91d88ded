"""Format names as Glance, oslo's inspector and qemu-img each spell them, and magic numbers.

The magic table lets a report say "this starts like a qcow2 but is cut short" where the
inspector, which needs a complete header, only sees unrecognised (raw) data.
"""

from __future__ import annotations

import struct

#: oslo inspector NAME -> Glance disk_format. GPT/MBR-partitioned disks are raw to Glance.
GLANCE_NAME = {"gpt": "raw", "vpc": "vhd"}

#: Glance disk_format -> qemu-img driver name (qemu has no iso driver: an ISO is raw to it).
QEMU_DRIVER = {
    "raw": "raw",
    "qcow2": "qcow2",
    "vmdk": "vmdk",
    "vhd": "vpc",
    "vhdx": "vhdx",
    "vdi": "vdi",
    "iso": "raw",
    "qed": "qed",
}

#: Declared formats that are raw bytes in Glance's eyes (Amazon kernel/ramdisk/machine).
RAW_LIKE = frozenset({"raw", "ami", "ari", "aki"})

#: Bytes to read from the start of a file to test every magic below.
HEAD_BYTES = 32 * 1024 + 6

VHD_FOOTER = 512


def glance_name(inspector_name: str) -> str:
    """The Glance disk_format for an inspector (or qemu) format name."""
    return GLANCE_NAME.get(inspector_name, inspector_name)


def normalize_declared(declared: str | None) -> str | None:
    """Lower-case, qemu spellings mapped to Glance's; empty means not declared."""
    if not declared:
        return None
    return glance_name(declared.strip().lower()) or None


def magic_format(head: bytes) -> str | None:
    """The format whose magic opens ``head`` (the first bytes of a file), if any."""
    signatures = (
        (0, b"QFI\xfb", "qcow2"),  # qcow2 header magic
        (0, b"KDMV", "vmdk"),  # VMDK hosted sparse extent header
        (0, b"# Disk DescriptorFile", "vmdk"),  # VMDK text descriptor
        (0, b"conectix", "vhd"),  # VHD footer copy at the start of a dynamic disk
        (0, b"vhdxfile", "vhdx"),  # VHDX file type identifier
        (0x40, b"\x7f\x10\xda\xbe", "vdi"),  # VDI signature 0xbeda107f, little-endian
        (0, b"QED\x00", "qed"),
        (0, b"LUKS\xba\xbe", "luks"),
        (32 * 1024 + 1, b"CD001", "iso"),  # ISO 9660 volume descriptor at sector 16
    )
    for offset, magic, name in signatures:
        if head[offset : offset + len(magic)] == magic:
            return name
    return None


def fixed_vhd_size(footer: bytes) -> int | None:
    """Disk size from a valid fixed-VHD footer (the last 512 bytes), else None.

    Layout (big-endian): cookie "conectix" at 0, current size u64 at 48, disk type u32
    at 60 (2 = fixed), checksum u32 at 64 = ones' complement of the sum of all other bytes.
    """
    if len(footer) != VHD_FOOTER or not footer.startswith(b"conectix"):
        return None
    size: int = struct.unpack_from(">Q", footer, 48)[0]
    (disk_type, checksum) = struct.unpack_from(">II", footer, 60)
    expected = ~(sum(footer[:64]) + sum(footer[68:])) & 0xFFFFFFFF
    if disk_type != 2 or checksum != expected:
        return None
    return size


#: Formats ``qemu-img convert`` writes that Glance also takes, in the order they are offered.
OUTPUT_FORMATS = ("qcow2", "raw", "vmdk", "vdi", "vhdx", "vhd")
