"""Property tests: whatever the bytes, inspect_file returns a coherent report, quickly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from formats_kit import Made
from imagedeck.formats import FormatReport, inspect_file

#: Each example must finish well inside this; a hang or a pathological read fails it.
PER_EXAMPLE = settings(
    deadline=1000,
    max_examples=200,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

#: (offset, xor mask) pairs flipped into a file; masks are never 0 so every flip changes a byte.
flips = st.lists(st.tuples(st.integers(0, 4095), st.integers(1, 255)), min_size=1, max_size=24)


def coherent(report: FormatReport, data: bytes, path: Path) -> None:
    """What every report promises, whatever the input."""
    assert isinstance(report, FormatReport)
    assert report.path == path
    assert report.actual_size == len(data)
    assert report.safe == (not report.failures and report.detected_format is not None)
    if report.virtual_size is not None:
        assert report.virtual_size >= 0
        assert report.suggested_min_disk_gb == -(-report.virtual_size // 1024**3)
    assert all(f.check and str(f) for f in report.failures)
    event(f"{report.detected_format}: {','.join(f.check for f in report.failures) or 'safe'}")
    report.verdict()
    report.to_dict()


def mutate(data: bytes, changes: list[tuple[int, int]], base: int = 0) -> bytes:
    buffer = bytearray(data)
    for offset, mask in changes:
        if base + offset < len(buffer):
            buffer[base + offset] ^= mask
    return bytes(buffer)


@pytest.fixture
def sample(scratch: Path) -> Path:
    return scratch / "sample.img"


@pytest.fixture(scope="module")
def bases(made: dict[str, Made]) -> dict[str, bytes]:
    """Each made image's bytes; the VHDX cut to the 4 MiB its headers and metadata live in."""
    return {key: image.path.read_bytes()[: 4 * 1024**2] for key, image in made.items()}


@PER_EXAMPLE
@given(data=st.binary(max_size=70_000))
def test_random_bytes(sample: Path, data: bytes) -> None:
    sample.write_bytes(data)
    coherent(inspect_file(sample, "qcow2", qemu_img=False), data, sample)


@PER_EXAMPLE
@given(
    key=st.sampled_from(
        ["qcow2", "vmdk_monolithicSparse", "vmdk_streamOptimized", "vhdx", "vhd_dynamic", "vdi"]
    ),
    changes=flips,
    cut=st.none() | st.integers(0, 300_000),
)
def test_mutated_headers(
    made: dict[str, Made],
    bases: dict[str, bytes],
    sample: Path,
    key: str,
    changes: list[tuple[int, int]],
    cut: int | None,
) -> None:
    data = mutate(bases[key], changes)[:cut]
    sample.write_bytes(data)
    report = inspect_file(sample, made[key].fmt, qemu_img=False)
    coherent(report, data, sample)


@PER_EXAMPLE
@given(changes=flips)
def test_mutated_vhdx_region_table(
    bases: dict[str, bytes], sample: Path, changes: list[tuple[int, int]]
) -> None:
    data = mutate(bases["vhdx"], changes, base=0x30000)
    sample.write_bytes(data)
    coherent(inspect_file(sample, "vhdx", qemu_img=False), data, sample)


# Each example runs qemu-img as well: 10 s still catches a hang on a busy two-core machine.
@settings(deadline=10_000, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["qcow2", "vmdk_monolithicSparse", "vdi", "vhd_dynamic"]), changes=flips)
def test_mutated_images_that_pass_are_opened_by_qemu_img(
    made: dict[str, Made], bases: dict[str, bytes], sample: Path, key: str, changes: list[tuple[int, int]]
) -> None:
    """The optional qemu-img step also survives damaged input (and only runs on safe files)."""
    data = mutate(bases[key], changes)
    sample.write_bytes(data)
    report = inspect_file(sample, made[key].fmt)
    coherent(report, data, sample)
    if not report.safe:
        assert report.qemu_info is None
