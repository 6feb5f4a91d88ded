"""The transfer commands end to end through the real ``imagedeck`` entry point, in-process."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from imagedeck.cli import main
from imagedeck.cli.transfer_commands import ProgressBar, render_progress
from imagedeck.transfers import TransferKind, TransferProgress, TransferState
from tests.cli_kit import Cli, Result, isolate, run
from transfer_support import MIB, qcow2_backed_by


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Cli:
    """``cli("upload", FILE)`` runs ``imagedeck --store tmp/store --project alpha upload FILE``."""

    def imagedeck(*argv: str, store: Path | None = None) -> Result:
        return run(capsys, ["--store", str(store or tmp_path / "store"), "--project", "alpha", *argv])

    return imagedeck


def test_upload_then_download(cli, image_file, tmp_path: Path) -> None:
    src = image_file("qcow2", mib=3)
    up = cli(
        "upload",
        str(src),
        "--name",
        "cli-disk",
        "--property",
        "os_distro=debian",
        "--tag",
        "gold",
        "--min-disk",
        "1",
        "--json",
    )
    assert up.code == 0, up.err
    data = up.json()
    image = data["image"]
    assert (image["name"], image["disk_format"], image["container_format"]) == ("cli-disk", "qcow2", "bare")
    assert image["os_distro"] == "debian" and image["tags"] == ["gold"] and image["min_disk"] == 1
    assert data["state"] == "done" and data["bytes"] == src.stat().st_size
    assert "\r" not in up.err  # no progress bar when stderr is not a terminal

    out = tmp_path / "back.qcow2"
    down = cli("download", "cli-disk", "-o", str(out), "--json")
    assert down.code == 0, down.err
    assert down.json()["path"] == str(out)
    assert out.read_bytes() == src.read_bytes()

    text = cli("download", image["id"], "-o", str(tmp_path))
    assert text.code == 0 and "sha512 verified" in text.out
    assert (tmp_path / "cli-disk").read_bytes() == src.read_bytes()


def test_upload_refuses_unsafe_and_mismatched_files(cli, image_file, tmp_path: Path) -> None:
    child = qcow2_backed_by(image_file("raw", mib=1))
    unsafe = cli("upload", str(child))
    assert unsafe.code == 1
    assert unsafe.err.startswith("imagedeck: unsafe image: ") and "backing file" in unsafe.err
    assert len(unsafe.err.strip().splitlines()) == 1

    src = image_file("qcow2", mib=3)
    mismatch = cli("upload", str(src), "--disk-format", "raw")
    assert mismatch.code == 1 and mismatch.err.startswith("imagedeck: format mismatch: ")
    assert cli("ls", "--json").json() == []

    forced = cli("upload", str(src), "--disk-format", "raw", "--force-format", "--json")
    assert forced.code == 0 and forced.json()["image"]["disk_format"] == "raw"
    allowed = cli("upload", str(child), "--allow-unsafe", "--json")
    assert allowed.code == 0 and allowed.json()["image"]["status"] == "active"


def test_copy_to_another_local_store(cli, image_file, tmp_path: Path) -> None:
    src = image_file("qcow2", mib=3)
    assert cli("upload", str(src), "--name", "to-copy", "--property", "os_type=linux").code == 0
    other = tmp_path / "other-store"
    done = cli("copy", "to-copy", "--to", str(other), "--json")
    assert done.code == 0, done.err
    copied = done.json()["image"]
    listed = cli("ls", "--json", store=other).json()
    assert [i["id"] for i in listed] == [copied["id"]]
    assert listed[0]["name"] == "to-copy" and listed[0]["os_type"] == "linux"


def test_convert_file_and_store_image(cli, image_file, tmp_path: Path) -> None:
    src = image_file("qcow2", mib=3)
    out = tmp_path / "disk.vmdk"
    done = cli("convert", str(src), "--to-format", "vmdk", "-o", str(out))
    assert done.code == 0, done.err
    assert "wrote disk.vmdk" in done.out
    assert subprocess.run(["qemu-img", "compare", str(src), str(out)]).returncode == 0

    assert cli("upload", str(src), "--name", "stored").code == 0
    out2 = tmp_path / "stored.vdi"
    assert cli("convert", "stored", "--to-format", "vdi", "-o", str(out2)).code == 0
    assert subprocess.run(["qemu-img", "compare", str(src), str(out2)]).returncode == 0

    missing = cli("convert", "no-such-thing", "--to-format", "vdi", "-o", str(out2))
    assert missing.code == 1 and "neither a file nor an image" in missing.err


def test_download_of_unknown_image_is_one_line(cli, tmp_path: Path) -> None:
    result = cli("download", "nothing-here", "-o", str(tmp_path / "x"))
    assert result.code == 1 and result.err.startswith("imagedeck: not found: ")
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.part").exists()


def event(**changes: Any) -> TransferProgress:
    base = {
        "job_id": "t1",
        "kind": TransferKind.DOWNLOAD,
        "state": TransferState.RUNNING,
        "source": "s",
        "destination": "d",
        "total": 4 * MIB,
        "done": MIB,
        "rate": 2 * MIB,
        "eta": 1.5,
        "message": "downloading",
    }
    return TransferProgress(**{**base, **changes})


def test_progress_line_shows_bar_bytes_rate_and_eta() -> None:
    line = render_progress(event())
    assert line.startswith("[######..................]")
    assert " 25%" in line and "1.0 MiB / 4.0 MiB" in line and "2.0 MiB/s" in line and "ETA 0:01" in line
    assert "?%" in render_progress(event(total=None, eta=None))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_redraws_in_place_and_ends_the_line() -> None:
    screen = Terminal()
    bar = ProgressBar(screen)
    bar.update(event())
    bar.update(event(state=TransferState.DONE, done=4 * MIB, message="saved"))
    text = screen.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and "100%" in text


@pytest.mark.lab
def test_copy_to_a_cloud_and_download_from_it(cli, image_file, tmp_path: Path, monkeypatch, lab) -> None:
    import asyncio

    from imagedeck.stores.glance import GlanceStore
    from tests.lab.plugin import lab_cloud

    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    src = image_file("qcow2", mib=3)
    name = f"cli-copy-{tmp_path.name}"
    assert cli("upload", str(src), "--name", name, "--property", "os_distro=alpine").code == 0
    done = cli("copy", name, "--to", "cloud:lab-alice", "--json")
    assert done.code == 0, done.err
    image = done.json()["image"]
    try:
        assert image["name"] == name and image["os_distro"] == "alpine" and image["status"] == "active"
        out = tmp_path / "from-cloud.qcow2"
        code = main(["--cloud", "lab-alice", "download", image["id"], "-o", str(out)])
        assert code == 0 and out.read_bytes() == src.read_bytes()
    finally:

        async def remove() -> None:
            async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as store:
                await store.delete_image(image["id"])

        asyncio.run(remove())


def test_copy_refuses_what_upload_refuses_unless_told(cli, image_file, tmp_path: Path) -> None:
    child = qcow2_backed_by(image_file("raw", mib=1))
    assert cli("upload", str(child), "--name", "backed", "--allow-unsafe").code == 0
    other = tmp_path / "other-store"

    refused = cli("copy", "backed", "--to", f"local:{other}")
    assert refused.code == 1 and "backing file" in refused.err
    assert cli("ls", "--json", store=other).json() == []

    allowed = cli("copy", "backed", "--to", f"local:{other}", "--allow-unsafe", "--json")
    assert allowed.code == 0, allowed.err
    assert [image["name"] for image in cli("ls", "--json", store=other).json()] == ["backed"]
