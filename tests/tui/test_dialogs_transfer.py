"""Upload, import from URL and download dialogs: typed requests, verdicts before sending."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from dialog_fixtures import SCHEMA, DialogHost, sample_image
from imagedeck.dialogs import (
    DownloadDialog,
    ImportRequest,
    ImportUrlDialog,
    UploadDialog,
    UploadRequest,
)
from imagedeck.dialogs.import_url import name_from_url
from imagedeck.dialogs.paths import complete_path
from imagedeck.model import Schema
from tui_support import wait_for


def qemu_img(*args: str) -> None:
    subprocess.run(["qemu-img", *args], check=True, capture_output=True)


def _qcow2(tmp_path: Path, name: str = "jammy-server.qcow2", backing: bool = False) -> Path:
    path = tmp_path / name
    if backing:
        qemu_img("create", "-q", "-f", "raw", str(tmp_path / "base.raw"), "1M")
        qemu_img("create", "-q", "-f", "qcow2", "-b", str(tmp_path / "base.raw"), "-F", "raw", str(path))
    else:
        qemu_img("create", "-q", "-f", "qcow2", str(path), "10G")
    return path


async def _inspect(app: DialogHost, pilot, path: Path) -> UploadDialog:  # type: ignore[no-untyped-def]
    dialog = app.screen
    assert isinstance(dialog, UploadDialog)
    dialog.query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await dialog.workers.wait_for_complete()
    await wait_for(lambda: dialog.report is not None or dialog.error_text, pilot)
    return dialog


async def test_upload_inspects_in_a_worker_and_prefills_the_form(tmp_path: Path) -> None:
    image = _qcow2(tmp_path)
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "path"
        assert app.screen.query_one("#upload", Button).disabled
        dialog = await _inspect(app, pilot, image)
        verdict = str(dialog.query_one("#verdict", Static).content)
        assert "jammy-server.qcow2: qcow2, virtual 10.0 GiB, file " in verdict and "✓ safe" in verdict
        assert dialog.query_one("#name", Input).value == "jammy-server"
        assert dialog.query_one("#disk_format", Select).value == "qcow2"
        assert dialog.query_one("#container_format", Select).value == "bare"
        assert dialog.query_one("#visibility", Select).value == "shared"
        assert dialog.query_one("#min_disk", Input).value == "10"
        assert app.focused is dialog.query_one("#name", Input)
        dialog.query_one("#tags", Input).value = "ubuntu"
        dialog.query_one("#properties", TextArea).load_text("os_distro=ubuntu\n")
        await pilot.press("enter")
    assert app.results == [
        UploadRequest(
            image,
            {
                "name": "jammy-server",
                "disk_format": "qcow2",
                "container_format": "bare",
                "visibility": "shared",
                "min_disk": 10,
                "min_ram": 0,
                "protected": False,
                "tags": ["ubuntu"],
                "os_distro": "ubuntu",
            },
        )
    ]


async def test_unsafe_file_needs_an_explicit_choice(tmp_path: Path) -> None:
    image = _qcow2(tmp_path, backing=True)
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _inspect(app, pilot, image)
        verdict = str(dialog.query_one("#verdict", Static).content)
        assert "✗ UNSAFE: qcow2 backing file" in verdict
        override = dialog.query_one("#allow_unsafe", Checkbox)
        assert override.has_class("-shown")
        await pilot.press("ctrl+s")
        assert "failed the safety checks" in dialog.error_text
        assert app.results == []
        override.value = True
        await pilot.press("ctrl+s")
    assert len(app.results) == 1 and app.results[0].allow_unsafe and not app.results[0].force_format


async def test_qcow2_declared_raw_is_warned_and_refused(tmp_path: Path) -> None:
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _inspect(app, pilot, _qcow2(tmp_path))
        mismatch = dialog.query_one("#mismatch", Static)
        assert not mismatch.has_class("-shown")
        dialog.query_one("#disk_format", Select).value = "raw"
        await wait_for(lambda: mismatch.has_class("-shown"), pilot)
        assert "DANGER: qcow2 content declared raw" in str(mismatch.content)
        await pilot.press("ctrl+s")
        assert "choose qcow2 as disk format" in dialog.error_text
        dialog.query_one("#force_format", Checkbox).value = True
        await pilot.press("ctrl+s")
    request = app.results[0]
    assert request.force_format and request.fields["disk_format"] == "raw"


async def test_raw_data_declared_raw_is_fine_and_an_iso_is_not_raw(tmp_path: Path) -> None:
    raw = tmp_path / "disk.img"
    raw.write_bytes(bytes(range(256)) * 4096)
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _inspect(app, pilot, raw)
        assert dialog.query_one("#disk_format", Select).value == "raw"
        assert dialog.query_one("#min_disk", Input).value == "1"
        assert dialog.mismatch is None
        dialog.query_one("#disk_format", Select).value = "iso"
        await wait_for(lambda: dialog.mismatch is not None, pilot)
        assert "declared iso" in dialog.mismatch


async def test_path_errors_and_inspection_failure_are_shown_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, UploadDialog)
        await pilot.press("enter")  # the start directory itself
        assert "is a directory" in dialog.error_text
        await _inspect(app, pilot, tmp_path / "absent.img")
        assert "absent.img: no such file" in dialog.error_text
        await _inspect(app, pilot, fifo)
        assert "is not a regular file" in dialog.error_text
        assert dialog.query_one("#upload", Button).disabled
        await pilot.press("ctrl+s")
        assert "inspect it first" in dialog.error_text
        await pilot.press("escape")
    assert app.results == [None]


async def test_changing_the_path_forgets_the_inspection(tmp_path: Path) -> None:
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _inspect(app, pilot, _qcow2(tmp_path))
        assert dialog.has_class("-inspected")
        dialog.query_one("#path", Input).value = str(tmp_path / "other.img")
        await wait_for(lambda: not dialog.has_class("-inspected"), pilot)
        assert dialog.report is None


def test_path_completion(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "jammy.qcow2").write_bytes(b"")
    (tmp_path / ".hidden").mkdir()
    assert complete_path(f"{tmp_path}/im") == f"{tmp_path}/images/"
    assert complete_path(f"{tmp_path}/images/j") == f"{tmp_path}/images/jammy.qcow2"
    assert complete_path(f"{tmp_path}/") == f"{tmp_path}/images/"
    assert complete_path(f"{tmp_path}/.h") == f"{tmp_path}/.hidden/"
    assert complete_path(f"{tmp_path}/nothing") is None


async def test_path_input_suggests_completion(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    app = DialogHost(lambda: UploadDialog(SCHEMA, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        path = app.screen.query_one("#path", Input)
        for _ in range(100):  # right takes the suggestion once it has arrived, and does nothing before
            await pilot.press("right")
            if path.value != f"{tmp_path}/i":
                break
            await pilot.pause(0.02)
        assert path.value == f"{tmp_path}/images/"


async def test_import_from_url_returns_url_and_fields() -> None:
    app = DialogHost(lambda: ImportUrlDialog(SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "url"
        await pilot.press(*"https://h/jammy-server.img", "enter")
        dialog = app.screen
        assert isinstance(dialog, ImportUrlDialog)
        assert "disk format: choose one" in dialog.error_text
        dialog.query_one("#disk_format", Select).value = "qcow2"
        await pilot.press("enter")
    assert app.results == [
        ImportRequest(
            "https://h/jammy-server.img",
            {
                "name": "jammy-server",
                "disk_format": "qcow2",
                "container_format": "bare",
                "visibility": "shared",
                "min_disk": 0,
                "min_ram": 0,
                "protected": False,
            },
        )
    ]


async def test_import_rejects_bad_urls_and_unsupported_stores() -> None:
    app = DialogHost(lambda: ImportUrlDialog(SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"ftp://h/x", "enter")
        assert "http:// or https://" in app.screen.error_text  # type: ignore[attr-defined]
    app = DialogHost(lambda: ImportUrlDialog(Schema(import_methods=("glance-direct",))))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.query_one("#import", Button).disabled
        await pilot.press("enter")
        assert "does not offer web-download" in app.screen.error_text  # type: ignore[attr-defined]
        await pilot.press("escape")
    assert app.results == [None]


def test_name_from_url() -> None:
    assert name_from_url("https://h/a/jammy-server.img") == "jammy-server"
    assert name_from_url("https://h/a/my%20disk.qcow2?x=1") == "my disk"
    assert name_from_url("https://h/") == ""


async def test_download_prefills_and_returns_the_path(tmp_path: Path) -> None:
    app = DialogHost(lambda: DownloadDialog(sample_image(), tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "path"
        assert app.screen.query_one("#path", Input).value == str(tmp_path / "jammy-server.qcow2")
        await pilot.press("enter")
    assert app.results == [tmp_path / "jammy-server.qcow2"]


async def test_download_into_a_directory_missing_parent_and_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "jammy-server.qcow2"
    existing.write_bytes(b"old")
    app = DialogHost(lambda: DownloadDialog(sample_image(), tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, DownloadDialog)
        dialog.query_one("#path", Input).value = str(tmp_path / "absent" / "x.img")
        await pilot.press("enter")
        assert "does not exist" in dialog.error_text
        dialog.query_one("#path", Input).value = str(tmp_path)  # a directory: default name added
        await pilot.press("enter")
        assert "exists; press enter again" in dialog.error_text
        assert app.results == []
        await pilot.press("enter")
    assert app.results == [existing]
