"""Convert with qemu-img: progress from its output, results in files or stores, cleanup on cancel."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from imagedeck.formats import inspect_file
from imagedeck.model import Invalid
from imagedeck.transfers import (
    ConvertJob,
    ToolMissing,
    TransferKind,
    TransferState,
    UnsafeImage,
    UploadJob,
    part_path,
)
from transfer_support import MIB, qcow2_backed_by


def same_disk(a: Path, b: Path) -> bool:
    """qemu-img's own comparison of the guest-visible contents."""
    return subprocess.run(["qemu-img", "compare", str(a), str(b)], capture_output=True).returncode == 0


async def test_qcow2_to_vmdk_with_progress(rec, image_file, tmp_path) -> None:
    src = image_file("qcow2", mib=16)
    out = tmp_path / "disk.vmdk"
    job = await rec.run(ConvertJob(src, "vmdk", out))
    assert job.state == TransferState.DONE, job.message
    assert job.result == out and not part_path(out).exists()
    assert inspect_file(out).detected_format == "vmdk"
    assert same_disk(src, out)
    progress = [e for e in rec.of(job) if e.state == TransferState.RUNNING and e.total]
    assert all(e.kind == TransferKind.CONVERT for e in rec.of(job))
    assert progress and progress[-1].done == progress[-1].total == src.stat().st_size
    assert [e.done for e in progress] == sorted(e.done for e in progress)


async def test_store_image_converted_into_another_store(store, cache, rec, image_file, tmp_path) -> None:
    src = image_file("qcow2")
    up = await rec.run(UploadJob(store, src, {"name": "base"}))
    job = await rec.run(ConvertJob((store, up.result.id), "vdi", cache, fields={"name": "base-vdi"}))
    assert job.state == TransferState.DONE, job.message
    image = job.result
    assert (image.name, image.disk_format, image.status) == ("base-vdi", "vdi", "active")
    back = tmp_path / "back.vdi"
    async with cache.download(image.id) as data:
        back.write_bytes(b"".join([c async for c in data.chunks]))
    assert same_disk(src, back)


async def test_missing_qemu_img_names_the_package(rec, image_file, tmp_path) -> None:
    job = await rec.run(
        ConvertJob(image_file("raw", mib=1), "qcow2", tmp_path / "o.qcow2", program="qemu-img-not-installed")
    )
    assert job.state == TransferState.FAILED and isinstance(job.error, ToolMissing)
    assert "qemu-utils" in job.message


async def test_unsafe_source_is_refused(rec, image_file, tmp_path) -> None:
    child = qcow2_backed_by(image_file("raw", mib=1))
    out = tmp_path / "o.raw"
    job = await rec.run(ConvertJob(child, "raw", out))
    assert job.state == TransferState.FAILED and isinstance(job.error, UnsafeImage)
    assert "backing file" in job.message
    assert not out.exists() and not part_path(out).exists()


async def test_cancel_kills_qemu_img_and_removes_the_partial_output(rec, image_file, tmp_path) -> None:
    # A stand-in for a slow qemu-img: it writes part of the output, reports 30 % and waits.
    fake = tmp_path / "slow-qemu-img"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        "open(sys.argv[-1], 'wb').write(b'partial')\n"
        "print('    (30.00/100%)', end='\\r', flush=True)\n"
        "time.sleep(600)\n"
    )
    fake.chmod(0o755)
    src = image_file("raw", mib=4)
    out = tmp_path / "o.qcow2"
    job = ConvertJob(src, "qcow2", out, program=str(fake))
    rec.manager.submit(job)
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while job.done == 0:
        assert loop.time() < end, "no progress parsed from the fake qemu-img"
        await asyncio.sleep(0.01)
    assert job.done == int(4 * MIB * 0.3)
    assert part_path(out).exists()
    rec.manager.cancel(job.id)
    await rec.manager.wait(job.id)
    assert job.state == TransferState.CANCELLED and "partial output deleted" in job.message
    assert not part_path(out).exists() and not out.exists()


def test_unknown_output_format_is_refused(tmp_path) -> None:
    with pytest.raises(Invalid, match="cannot convert to 'iso'"):
        ConvertJob(tmp_path / "x", "iso", tmp_path / "y")
