"""SVG snapshots of every dialog and the transfers pane, in each theme, at 80x24 and 120x36.

Fixed data only: relative paths under a chdir'd tmp directory, image files written
byte by byte and inspected for real, transfer events that carry their own rate and ETA,
and no blinking cursors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from dialog_fixtures import (
    MEMBERS,
    SCHEMA,
    DialogHost,
    PaneHost,
    qcow2_file,
    sample_image,
    steady_cursors,
    transfer,
)
from imagedeck.dialogs import (
    CloudPickerDialog,
    ConfirmDialog,
    ConvertDialog,
    CopyDialog,
    Destination,
    DownloadDialog,
    EditImageDialog,
    FilterDialog,
    ImportUrlDialog,
    MembersDialog,
    UploadDialog,
    VisibilityDialog,
)
from imagedeck.model import ImageQuery
from imagedeck.widgets.transfers_pane import TransfersPane
from tui_support import rows_drawn, wait_for

THEMES = ["imagedeck-dark", "imagedeck-light", "imagedeck-high-contrast", "imagedeck-mono"]
Before = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def fixed_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in an empty tmp directory so every path on screen is relative and stable."""
    monkeypatch.chdir(tmp_path)
    qcow2_file(Path("jammy-server.qcow2"))
    qcow2_file(Path("backed.qcow2"), backing="/etc/hosts")
    Path("downloads").mkdir()


def shown(app: Any) -> bool:
    """The dialog (or the pane) is on top and laid out."""
    if isinstance(app, DialogHost) and app.screen is not app.dialog:
        return False
    return app.screen.is_mounted and app.screen.size.height > 0


def steady(then: Before | None = None) -> Before:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(lambda: shown(pilot.app), pilot)
        if then is not None:
            await then(pilot)
        steady_cursors(pilot.app)  # the screenshot is taken after the next refresh

    return run_before


async def edited(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    screen.query_one("#name", Input).value = "jammy-server-golden"
    screen.query_one("#min_disk", Input).value = "10"
    screen.query_one("#properties", TextArea).load_text("architecture=x86_64\nhw_firmware_type=uefi\n")
    await wait_for(lambda: "hw_firmware_type" in str(screen.query_one("#preview", Static).content), pilot)


async def store_error(pilot: Pilot[Any]) -> None:
    await edited(pilot)
    pilot.app.screen.show_error("conflict: the image was changed by someone else; reload and retry")  # type: ignore[attr-defined]


async def members_pending(pilot: Pilot[Any]) -> None:
    await pilot.press(*"omega", "enter", "tab", "down", "x")


def inspected(file_name: str) -> Before:
    async def inspect(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        screen.query_one("#path", Input).value = file_name
        await pilot.press("enter")
        await screen.workers.wait_for_complete()
        await wait_for(lambda: screen.report is not None or screen.error_text, pilot)

    return inspect


async def mismatch(pilot: Pilot[Any]) -> None:
    await inspected("jammy-server.qcow2")(pilot)
    pilot.app.screen.query_one("#disk_format", Select).value = "raw"
    await pilot.press("ctrl+s")


#: What the copy dialog lists when browsing a cloud: the local store first, then the other clouds.
COPY_DESTINATIONS = [
    Destination("local:store", "this machine's local store (cache): store"),
    Destination("cloud:beta-cloud", "cloud beta-cloud"),
    Destination("cloud:gamma-cloud", "cloud gamma-cloud"),
]


async def copy_into_itself(pilot: Pilot[Any]) -> None:
    await pilot.press(*"store", "enter")


async def filter_error(pilot: Pilot[Any]) -> None:
    pilot.app.screen.query_one("#status", Input).value = "active, sleeping"
    await pilot.press("ctrl+s")


DIALOGS: dict[str, tuple[Callable[[], Any], Before | None]] = {
    "confirm": (
        lambda: ConfirmDialog("Delete image", "Delete jammy-server (7d7b6c1e)? This cannot be undone."),
        None,
    ),
    "visibility": (lambda: VisibilityDialog("shared", ["private", "shared", "community"]), None),
    "cloud_picker": (lambda: CloudPickerDialog(["alpha-cloud", "beta-cloud"], "alpha-cloud"), None),
    "edit": (lambda: EditImageDialog(sample_image(), SCHEMA), edited),
    "edit_error": (lambda: EditImageDialog(sample_image(), SCHEMA), store_error),
    "members": (lambda: MembersDialog(sample_image(), MEMBERS), members_pending),
    "filters": (lambda: FilterDialog(ImageQuery(visibility="shared", tags=("lts",))), None),
    "filters_error": (lambda: FilterDialog(ImageQuery()), filter_error),
    "upload_pick": (lambda: UploadDialog(SCHEMA, Path(".")), None),
    "upload_safe": (lambda: UploadDialog(SCHEMA, Path(".")), inspected("jammy-server.qcow2")),
    "upload_unsafe": (lambda: UploadDialog(SCHEMA, Path(".")), inspected("backed.qcow2")),
    "upload_mismatch": (lambda: UploadDialog(SCHEMA, Path(".")), mismatch),
    "import_url": (lambda: ImportUrlDialog(SCHEMA), None),
    "download": (lambda: DownloadDialog(sample_image(), Path("downloads")), None),
    "copy_from_cloud": (lambda: CopyDialog(sample_image(), COPY_DESTINATIONS, "cloud:alpha-cloud"), None),
    "copy_path_error": (
        lambda: CopyDialog(sample_image(), [], "local:store", Path("store")),
        copy_into_itself,
    ),
    "convert": (lambda: ConvertDialog(sample_image(), ["qcow2", "raw", "vmdk"], Path("downloads")), None),
}

#: The dialogs people meet most, shown in every theme and in a wide terminal.
MAIN_DIALOGS = ["confirm", "edit", "upload_unsafe", "members"]


@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog_80x24(snap_compare: Any, name: str) -> None:
    make, before = DIALOGS[name]
    assert snap_compare(DialogHost(make), terminal_size=(80, 24), run_before=steady(before))


@pytest.mark.parametrize("theme", THEMES[1:])
@pytest.mark.parametrize("name", MAIN_DIALOGS)
def test_main_dialogs_in_each_theme(snap_compare: Any, name: str, theme: str) -> None:
    make, before = DIALOGS[name]
    assert snap_compare(DialogHost(make, theme=theme), terminal_size=(80, 24), run_before=steady(before))


@pytest.mark.parametrize("name", [*MAIN_DIALOGS, "filters", "import_url"])
def test_dialog_120x36(snap_compare: Any, name: str) -> None:
    make, before = DIALOGS[name]
    assert snap_compare(DialogHost(make), terminal_size=(120, 36), run_before=steady(before))


async def transfers(pilot: Pilot[Any]) -> None:
    pane = pilot.app.query_one(TransfersPane)
    pane.update(transfer("up-1"))
    pane.update(
        transfer(
            "down-1",
            kind="download",
            state="verifying",
            source="cloud:alpha/jammy-server",
            destination="downloads/jammy-server.qcow2",
            done=1_073_741_824,
            rate=None,
            eta=None,
            message="checking sha512",
        )
    )
    pane.update(
        transfer(
            "imp-1",
            kind="import",
            state="failed",
            source="https://h/images/focal.img",
            destination="local:focal",
            total=None,
            done=52_428_800,
            rate=None,
            eta=None,
            message="connection dropped at 50.0 MiB; R retries",
        )
    )
    pane.update(transfer("up-2", state="done", done=1_073_741_824, rate=None, eta=None))
    await wait_for(lambda: rows_drawn(pane, *pane.job_ids), pilot)


@pytest.mark.parametrize("theme", ["imagedeck-dark", "imagedeck-mono"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_transfers_pane(snap_compare: Any, theme: str, size: tuple[int, int]) -> None:
    assert snap_compare(PaneHost(theme=theme), terminal_size=size, run_before=steady(transfers))
