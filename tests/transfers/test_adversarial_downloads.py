"""Downloads against a hostile neighbour: an image named like another download's partial
file, and a ``.part`` swapped for a link or another file after its bytes were verified."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imagedeck.stores.local import LocalStore
from imagedeck.transfers import DownloadJob, TransferState, UploadJob, part_path
from imagedeck.transfers.download import DownloadJob as Job
from imagedeck.transfers.local_files import safe_file_name
from transfer_support import MIB, Recorder, make_raw


async def _upload(store: LocalStore, rec: Recorder, tmp_path: Path, name: str, seed: int) -> str:
    source = make_raw(tmp_path / f"src-{seed}.raw", 2 * MIB, seed=seed)
    job = await rec.run(UploadJob(store, source, {"name": name, "disk_format": "raw"}))
    assert job.state == TransferState.DONE, job.message
    return job.result.id


@pytest.mark.parametrize("name", ["disk.part", "disk.PART", "disk.Part."])
def test_no_safe_name_reads_as_a_partial_download(name: str) -> None:
    safe = safe_file_name(name, "id")
    assert not safe.casefold().endswith(".part") and safe.startswith("disk")


async def test_an_image_named_like_a_part_file_never_feeds_or_loses_another_download(
    store: LocalStore, rec: Recorder, tmp_path: Path
) -> None:
    shared = await _upload(store, rec, tmp_path, "disk.part", seed=1)
    own = await _upload(store, rec, tmp_path, "disk", seed=2)
    out = tmp_path / "out"
    out.mkdir()
    first = out / safe_file_name("disk.part", shared)
    assert (await rec.run(DownloadJob(store, shared, first))).state == TransferState.DONE
    kept = first.read_bytes()
    second = await rec.run(DownloadJob(store, own, out / safe_file_name("disk", own)))
    assert second.state == TransferState.DONE, second.message
    assert first.read_bytes() == kept  # the earlier download is neither resumed from nor deleted


@pytest.fixture
def swap_after_verify(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """After verification, the ``.part`` becomes a symbolic link to a victim file."""
    victim = tmp_path / "victim"
    victim.write_bytes(b"not an image")
    verify = Job._verify

    async def swapped(self: Job, image, hasher) -> None:  # type: ignore[no-untyped-def]
        await verify(self, image, hasher)
        os.unlink(self.part)
        os.symlink(victim, self.part)

    monkeypatch.setattr(Job, "_verify", swapped)
    return victim


@pytest.mark.parametrize("replace", [False, True])
async def test_a_part_swapped_for_a_link_after_verification_never_gets_the_final_name(
    store: LocalStore, rec: Recorder, tmp_path: Path, swap_after_verify: Path, replace: bool
) -> None:
    image_id = await _upload(store, rec, tmp_path, "disk", seed=3)
    dest = tmp_path / "disk.raw"
    if replace:
        dest.write_bytes(b"the old copy")
    job = await rec.run(DownloadJob(store, image_id, dest, replace=replace))
    assert job.state == TransferState.FAILED and "replaced" in job.message
    assert not dest.is_symlink()
    assert dest.read_bytes() == b"the old copy" if replace else not dest.exists()
    assert part_path(dest).is_symlink() and swap_after_verify.read_bytes() == b"not an image"


def test_cli_messages_about_odd_paths_are_one_visible_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli_kit import isolate, run

    isolate(tmp_path, monkeypatch)
    store = ["--store", str(tmp_path / "store"), "--project", "p"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = run(capsys, [*store, "upload", str(fifo), "--name", "x", "--disk-format", "raw"])
    assert refused.code != 0 and "not a regular file" in refused.err and "no such file" not in refused.err
    source = make_raw(tmp_path / "disk.raw", MIB)
    assert run(capsys, [*store, "upload", str(source), "--name", "x", "--disk-format", "raw"]).code == 0
    missing = run(capsys, [*store, "download", "x", "-o", str(tmp_path / "no\x1b[2Jdir" / "out")])
    assert missing.code != 0 and "\x1b" not in missing.err and "\\x1b[2Jdir" in missing.err
