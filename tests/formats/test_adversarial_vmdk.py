"""Extent lines spelled the ways qemu's scanf still reads them are found all the same: a
signed sector count, a count touching the type, an extent spread over lines, CR line ends."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imagedeck.formats import StreamInspection, inspect_file
from imagedeck.formats.vmdk import text_descriptor

HEAD = b'version=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\n'

SPELLINGS = {
    "signed-sectors": b'RW +2048 FLAT "/etc/passwd" 0\n',
    "sectors-touch-type": b'RW 2048FLAT "/etc/passwd" 0\n',
    "spread-over-lines": b'RW\n2048\nFLAT\n"/etc/passwd" 0\n',
    "crlf-and-tabs": b'\r\n\t RW\t2048 \tFLAT\t"/etc/passwd"\t0\r\n',
    "cr-only": b'# x\rRW 2048 FLAT "/etc/passwd" 0\r',
}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_spelling_qemu_reads_is_refused_as_a_descriptor(tmp_path: Path, spelling: str) -> None:
    data = HEAD + SPELLINGS[spelling] + b"\0" * 4096  # padded: oslo takes it for raw data
    path = tmp_path / "d.vmdk"
    path.write_bytes(data)
    for declared in ("vmdk", "raw"):
        report = inspect_file(path, declared, qemu_img=False)
        assert not report.safe and '"/etc/passwd"' in str(report.failures[0])
        inspection = StreamInspection(declared)
        inspection.feed([data])
        verdict = inspection.finish()
        refusal = verdict.refusal()
        assert not verdict.safe and refusal is not None and refusal.unsafe


def test_text_that_only_looks_like_an_extent_mid_line_is_not_one() -> None:
    assert text_descriptor(HEAD + b'xRW 2048 FLAT "/etc/passwd" 0\n') is None
    assert text_descriptor(HEAD + b'RW 2048 FLAT"/etc/passwd" 0\n') is None  # qemu reads FLAT"/etc/ as type


@pytest.mark.parametrize("filler", [b"\r", b"\n", b" ", b"RW\n", b"RW \n"])
def test_a_megabyte_of_hostile_filler_is_read_in_linear_time(filler: bytes) -> None:
    data = filler * ((1 << 20) // len(filler))
    started = time.monotonic()
    assert text_descriptor(data) is None
    assert time.monotonic() - started < 2.0
