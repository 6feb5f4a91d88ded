"""Where a download may write: names from images made safe, existing files and odd file
types left alone, a ``.part`` that is a link never written through, and empty images."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from imagedeck.cli.transfer_commands import render_progress
from imagedeck.model import Image, cell_width
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import (
    DownloadJob,
    TransferKind,
    TransferProgress,
    TransferState,
    UploadJob,
    part_path,
)
from imagedeck.transfers.local_files import NAME_BYTES, safe_file_name
from tests.cli_kit import Result, isolate, run
from transfer_support import MIB, Recorder

HOSTILE_NAMES = [
    "../../escape",
    "..",
    "~/.ssh/authorized_keys",
    "a\nb\x1b]52;c;aGk=\x07c",
    "-rf",
    ".hidden",
    "\u202eexe.txt",
    "bad\udcffbytes",
    "\\..\\windows",
    "é" * 300,
    "",
    None,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_becomes_one_plain_base_name(name: str | None) -> None:
    safe = safe_file_name(name, "3f1c-id")
    assert safe and safe not in (".", "..") and ".." not in safe
    assert "/" not in safe and "\\" not in safe and os.sep not in safe
    assert not safe.startswith((".", "-", "~", " "))
    assert safe.isprintable() and all(not 0xD800 <= ord(c) <= 0xDFFF for c in safe)
    assert len(safe.encode()) <= NAME_BYTES
    assert Path(safe).name == safe


def test_safe_names_keep_plain_names_and_fall_back_to_the_id() -> None:
    assert safe_file_name("web-golden 2024.qcow2", "id") == "web-golden 2024.qcow2"
    assert safe_file_name("../..", "3f1c-id") == "3f1c-id"
    assert safe_file_name("jammy", "id", "qcow2") == "jammy.qcow2"
    assert safe_file_name("jammy.qcow2", "id", "qcow2") == "jammy.qcow2"
    long = safe_file_name("é" * 300, "id", "qcow2")
    assert long.endswith(".qcow2") and len(long.encode()) <= NAME_BYTES


def test_the_download_dialog_prefills_a_safe_name(tmp_path: Path) -> None:
    from imagedeck.dialogs.download import default_file_name
    from tests.tui.dialog_fixtures import sample_image

    name = default_file_name(sample_image(name="../../../home/me/.bashrc\n\x1b[2J", disk_format="qcow2"))
    assert "/" not in name and name.endswith(".qcow2") and name.isprintable()
    assert (tmp_path / name).parent == tmp_path


async def test_the_download_dialog_says_replace_only_after_a_second_enter(tmp_path: Path) -> None:
    from textual.widgets import Input

    from imagedeck.dialogs.download import DownloadDialog
    from tests.tui.dialog_fixtures import DialogHost, sample_image

    for existing in (False, True):
        target = tmp_path / f"target-{existing}.qcow2"
        if existing:
            target.write_bytes(b"old")
        app = DialogHost(lambda: DownloadDialog(sample_image(), tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            dialog = app.screen
            assert isinstance(dialog, DownloadDialog)
            dialog.query_one("#path", Input).value = str(target)
            await pilot.press("enter")
            if existing:
                assert app.results == [] and not dialog.replace
                await pilot.press("enter")
        assert app.results == [target] and dialog.replace is existing


# -- the command line -----------------------------------------------------------------


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated environment whose current directory is ``tmp/home/work``, HOME ``tmp/home``."""
    isolate(tmp_path, monkeypatch)
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "work")
    return home / "work"


def imagedeck(capsys: pytest.CaptureFixture[str], store: Path, project: str, *argv: str) -> Result:
    return run(capsys, ["--store", str(store), "--project", project, *argv])


def files_under(root: Path) -> set[Path]:
    """Files below ``root``, leaving out the store's and the isolated XDG directories."""
    skip = [root / name for name in ("store", "xdg-config", "xdg-data", "xdg-cache")]
    return {
        path
        for path in root.rglob("*")
        if not path.is_dir() and not any(path.is_relative_to(s) for s in skip)
    }


def test_hostile_shared_names_never_leave_the_target_directory(
    capsys, work: Path, tmp_path: Path, image_file
) -> None:
    store = tmp_path / "store"
    src = image_file("raw", mib=1)
    outside = tmp_path / "outside" / "abs"
    names = ["../../escape", str(outside), "~/.ssh/authorized_keys", "evil\n\x1b[31mred"]
    for name in names:
        up = imagedeck(
            capsys, store, "beta", "upload", str(src), "--name", name, "--disk-format", "raw", "--json"
        )
        assert up.code == 0, up.err
        image_id = up.json()["image"]["id"]
        assert imagedeck(capsys, store, "beta", "share", image_id, "alpha").code == 0
        assert imagedeck(capsys, store, "alpha", "accept", image_id).code == 0
        before = files_under(tmp_path)
        down = imagedeck(capsys, store, "alpha", "download", image_id, "--json")
        assert down.code == 0, down.err
        written = files_under(tmp_path) - before
        assert len(written) == 1 and next(iter(written)).parent == work, (name, written)
        assert Path(down.json()["path"]).name == next(iter(written)).name
    out = work / "out"
    out.mkdir()
    into_dir = imagedeck(capsys, store, "alpha", "download", "../../escape", "-o", "out/")
    assert into_dir.code == 0, into_dir.err
    assert [p.name for p in out.iterdir()] == ["escape"]
    assert not outside.exists() and not (work.parent / ".ssh").exists()
    assert not (tmp_path / "escape").exists() and not (work.parent / "escape").exists()


def test_an_existing_target_is_refused_unless_forced(capsys, work: Path, tmp_path: Path, image_file) -> None:
    store = tmp_path / "store"
    src = image_file("raw", mib=1)
    assert imagedeck(capsys, store, "alpha", "upload", str(src), "--name", "disk").code == 0
    target = work / "mine.raw"
    target.write_bytes(b"keep me")
    refused = imagedeck(capsys, store, "alpha", "download", "disk", "-o", str(target))
    assert refused.code == 1 and len(refused.err.strip().splitlines()) == 1
    assert "already exists" in refused.err and "--force" in refused.err
    assert target.read_bytes() == b"keep me" and not part_path(target).exists()
    forced = imagedeck(capsys, store, "alpha", "download", "disk", "-o", str(target), "--force")
    assert forced.code == 0, forced.err
    assert target.read_bytes() == src.read_bytes() and not part_path(target).exists()


def special_files(work: Path) -> dict[str, Path]:
    """A fifo, a symbolic link to a precious file, and (as root) a character device."""
    made = {"fifo": work / "fifo"}
    os.mkfifo(made["fifo"])
    precious = work / "precious"
    precious.write_bytes(b"precious")
    made["link"] = work / "link"
    made["link"].symlink_to(precious)
    if os.geteuid() == 0:
        made["device"] = work / "null-device"
        os.mknod(made["device"], stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return made


def test_force_never_replaces_a_device_fifo_or_link(capsys, work: Path, tmp_path: Path, image_file) -> None:
    store = tmp_path / "store"
    src = image_file("raw", mib=1)
    assert imagedeck(capsys, store, "alpha", "upload", str(src), "--name", "disk").code == 0
    for kind, target in special_files(work).items():
        mode = os.lstat(target).st_mode
        result = imagedeck(capsys, store, "alpha", "download", "disk", "-o", str(target), "--force")
        assert result.code == 1, kind
        assert "only a regular file is ever replaced" in result.err
        assert os.lstat(target).st_mode == mode, kind
        assert not part_path(target).exists()
    assert (work / "precious").read_bytes() == b"precious"


def test_the_progress_line_shows_names_visibly_within_its_cells() -> None:
    event = TransferProgress(
        job_id="t1",
        kind=TransferKind.DOWNLOAD,
        state=TransferState.RUNNING,
        source="s",
        destination="d",
        total=4 * MIB,
        done=MIB,
        rate=None,
        eta=None,
        message="checking 日本語の名前\x1b]0;pwned\x07" * 4,
    )
    for width in (40, 79, 120):
        line = render_progress(event, width)
        assert "\x1b" not in line and "\x07" not in line and "\\x1b" in render_progress(event, 400)
        assert cell_width(line) <= width


# -- the job ----------------------------------------------------------------------------


@pytest.fixture
async def image_id(store: LocalStore, rec: Recorder, image_file) -> str:
    job = await rec.run(UploadJob(store, image_file("raw", mib=2), {"name": "disk"}))
    assert job.state == TransferState.DONE, job.message
    return job.result.id


@pytest.mark.parametrize("prefix", [0, MIB])
async def test_a_symlinked_part_is_never_written_through(store, rec, image_id, tmp_path, prefix) -> None:
    victim = tmp_path / "authorized_keys"
    victim.write_bytes(b"ssh-ed25519 AAAA me\n" + b"\0" * prefix)
    before = victim.read_bytes()
    dest = tmp_path / "out.raw"
    part_path(dest).symlink_to(victim)
    job = await rec.run(DownloadJob(store, image_id, dest))
    assert job.state == TransferState.FAILED
    assert "symbolic link" in job.message and "left as it is" in job.message
    assert victim.read_bytes() == before
    assert part_path(dest).is_symlink() and not dest.exists()


async def test_a_hard_linked_part_is_refused(store, rec, image_id, tmp_path) -> None:
    victim = tmp_path / "other-file"
    victim.write_bytes(b"someone else's bytes")
    dest = tmp_path / "out.raw"
    os.link(victim, part_path(dest))
    job = await rec.run(DownloadJob(store, image_id, dest, keep_partial=False))
    assert job.state == TransferState.FAILED and "hard links" in job.message
    assert victim.read_bytes() == b"someone else's bytes" and part_path(dest).exists()


async def test_the_job_refuses_an_existing_file_unless_asked_to(store, rec, image_id, tmp_path) -> None:
    dest = tmp_path / "there.raw"
    dest.write_bytes(b"mine")
    job = await rec.run(DownloadJob(store, image_id, dest))
    assert job.state == TransferState.FAILED and "already exists" in job.message
    assert dest.read_bytes() == b"mine" and not part_path(dest).exists()
    replaced = await rec.run(DownloadJob(store, image_id, dest, replace=True))
    assert replaced.state == TransferState.DONE, replaced.message
    assert dest.stat().st_size == 2 * MIB


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


async def test_an_empty_image_downloads_to_an_empty_verified_file(store, rec, tmp_path) -> None:
    image = await store.create_image({"name": "empty", "disk_format": "raw", "container_format": "bare"})
    uploaded: Image = await store.upload(image.id, _nothing(), 0)
    assert uploaded.size == 0 and uploaded.os_hash_value
    dest = tmp_path / "empty.raw"
    job = await rec.run(DownloadJob(store, image.id, dest))
    assert job.state == TransferState.DONE, job.message
    assert dest.read_bytes() == b"" and not part_path(dest).exists()
    assert "sha512 verified" in job.message


# -- the real Glance --------------------------------------------------------------------


@pytest.mark.lab
def test_hostile_names_of_a_glance_share_stay_in_the_directory(
    capsys, work: Path, tmp_path: Path, monkeypatch, lab
) -> None:
    import asyncio

    from imagedeck.stores.glance import GlanceStore
    from tests.lab.plugin import lab_cloud

    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    tag = f"names-{uuid.uuid4().hex[:8]}"
    outside = tmp_path / "outside" / "abs"
    names = ["../../x", str(outside), "~/.ssh/authorized_keys", "a\nb\x1b[31mc"]
    data = os.urandom(64 * 1024)

    async def one_chunk() -> AsyncIterator[bytes]:
        yield data

    async def share() -> list[str]:
        ids = []
        async with (
            GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as alice,
            GlanceStore(lab_cloud(lab, "lab-bob"), token_cache=False) as bob,
        ):
            beta = lab.project_ids["beta"]
            for name in names:
                fields = {"name": name, "disk_format": "raw", "container_format": "bare", "tags": [tag]}
                image = await alice.create_image(fields)
                ids.append(image.id)
                await alice.upload(image.id, one_chunk(), len(data))
                await alice.add_member(image.id, beta)
                await bob.set_member_status(image.id, beta, "accepted")
        return ids

    async def remove(ids: list[str]) -> None:
        async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as alice:
            for image_id in ids:
                await alice.delete_image(image_id)

    ids = asyncio.run(share())
    try:
        for image_id in ids:
            before = files_under(tmp_path)
            down = run(capsys, ["--cloud", "lab-bob", "download", image_id])
            assert down.code == 0, down.err
            written = files_under(tmp_path) - before
            assert len(written) == 1, written
            (path,) = written
            assert path.parent == work and path.read_bytes() == data and path.name.isprintable()
            again = run(capsys, ["--cloud", "lab-bob", "download", image_id])
            assert again.code == 1 and "already exists" in again.err
            assert len(again.err.strip().splitlines()) == 1 and "\x1b" not in again.err
        assert not outside.exists() and not (work.parent / ".ssh").exists() and not (tmp_path / "x").exists()
    finally:
        asyncio.run(remove(ids))
