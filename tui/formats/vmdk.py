"""VMDK text descriptors, read the way qemu reads them.

A text descriptor (monolithicFlat, twoGbMaxExtentFlat, vmfs...) holds no disk data: its
extent lines name other files, which qemu opens on the host that runs the VM. oslo's
inspector knows only the descriptors embedded in sparse VMDKs; a stand-alone one that
is padded with binary bytes, or spells ``createType`` differently, it takes for raw
data or a cut-short header, while qemu, told the image is a VMDK, still follows its
extents. Reading the descriptor here, like qemu does (text up to the first NUL, one
extent per line), gives the honest verdict: a descriptor pointing at host files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.safe_text import fit, visible

#: qemu reads at most this much of a descriptor file.
DESCRIPTOR_LIMIT = 1024 * 1024
#: Extents named in a verdict; the rest are counted.
NAMED_EXTENTS = 4
NAME_CELLS = 80

# qemu's sscanf("%10s %" SCNd64 " %10s \"%511[^\n\r\"]\" ..."), tried at each line's start: access,
# sectors (a sign allowed), type, "file". A blank in a scanf format matches any run of white space,
# newlines included and none at all, so the sectors may touch the type and one extent may span lines.
_EXTENT = re.compile(
    rb'(?:^|(?<=[\r\n]))[ \t\v\f]*(rw|rdonly|noaccess)\s+[-+]?\d+\s*[A-Za-z_]\w*\s+"([^"\r\n]*)"',
    re.IGNORECASE,
)
_CREATE_TYPE = re.compile(rb'createType\s*=\s*"?([A-Za-z0-9_]{1,64})', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Descriptor:
    """What a text descriptor declares: its create type and the files its extents name."""

    create_type: str | None
    extents: tuple[str, ...]

    def refusal(self) -> str:
        """The one-line reason a person reads: what it is, what it points at, why refused."""
        kind = visible(self.create_type or "unknown type")
        names = ", ".join(f'"{fit(visible(name), NAME_CELLS)}"' for name in self.extents[:NAMED_EXTENTS])
        more = len(self.extents) - NAMED_EXTENTS
        if more > 0:
            names += f" and {more} more"
        return (
            f"vmdk descriptor ({kind}) whose extents name files on the host: {names}; refused: "
            "a VM started from it would read those files of the host instead of the image's data"
        )


def text_descriptor(head: bytes) -> Descriptor | None:
    """The descriptor at the start of ``head`` when it is one whose extents name files.

    ``head`` is the first bytes of the data (up to `DESCRIPTOR_LIMIT`). A sparse VMDK
    (``KDMV``) is not a text descriptor: its data is its own, and oslo checks the
    descriptor it embeds.
    """
    if head.startswith(b"KDMV"):
        return None
    text = head[:DESCRIPTOR_LIMIT].split(b"\x00", 1)[0]
    extents = tuple(match.group(2).decode("utf-8", "surrogateescape") for match in _EXTENT.finditer(text))
    if not extents:
        return None
    found = _CREATE_TYPE.search(text)
    create_type = found.group(1).decode("ascii") if found else None
    return Descriptor(create_type, extents)
