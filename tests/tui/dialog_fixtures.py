"""A tiny host app and fixed data for dialog, theme and transfers-pane tests.

Dialogs are pushed on a plain screen so their tests depend on nothing but the dialog.
Every value is fixed (ids, times, sizes) so snapshots are stable.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from imagedeck.model import Image, Member, Schema
from imagedeck.themes import THEME_VARIABLE_DEFAULTS, load_themes, theme_dirs
from imagedeck.transfers import TransferKind, TransferProgress, TransferState
from imagedeck.widgets.transfers_pane import TransfersPane

IMAGE_ID = "7d7b6c1e-3a0f-4c52-9a52-0c2f5f0e9a11"

SCHEMA = Schema(import_methods=("glance-direct", "web-download"))


def sample_image(**changes: Any) -> Image:
    """A queued-then-active qcow2 image owned by project alpha."""
    values: dict[str, Any] = {
        "id": IMAGE_ID,
        "name": "jammy-server",
        "status": "active",
        "disk_format": "qcow2",
        "container_format": "bare",
        "size": 629_145_600,
        "virtual_size": 2_361_393_152,
        "visibility": "shared",
        "owner": "alpha",
        "min_disk": 3,
        "min_ram": 512,
        "tags": ["ubuntu", "lts"],
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-02T10:00:00Z",
        "properties": {"architecture": "x86_64", "os_distro": "ubuntu"},
    }
    values.update(changes)
    return Image(**values)


MEMBERS = [
    Member(IMAGE_ID, "beta", "accepted"),
    Member(IMAGE_ID, "gamma", "pending"),
    Member(IMAGE_ID, "delta", "rejected"),
]


def transfer(job_id: str, **changes: Any) -> TransferProgress:
    """A progress event of the transfers engine: a running 1 GiB upload, a quarter done.

    ``kind`` and ``state`` may be given as plain strings.
    """
    values: dict[str, Any] = {
        "job_id": job_id,
        "kind": "upload",
        "state": "running",
        "source": "/srv/images/jammy-server.qcow2",
        "destination": "local:jammy-server",
        "total": 1_073_741_824,
        "done": 268_435_456,
        "rate": 44_040_192.0,
        "eta": 18.0,
        "message": None,
    }
    values.update(changes)
    values["kind"] = TransferKind(values["kind"])
    values["state"] = TransferState(values["state"])
    return TransferProgress(**values)


class Backdrop(Screen[None]):
    """Something under the modal, so the dimmed background shows in snapshots."""

    def compose(self) -> ComposeResult:
        yield Static("imagedeck\n\n" + "\n".join(f"  image-{n:03}  active  qcow2" for n in range(30)))


class DialogHost(App[None]):
    """Registers imagedeck's themes, shows a backdrop, pushes one dialog, records results."""

    def __init__(self, make_dialog: Callable[[], Screen[Any]], theme: str = "imagedeck-dark") -> None:
        super().__init__()
        self.make_dialog = make_dialog
        self.theme_name = theme
        self.results: list[Any] = []
        self.dialog: Screen[Any] | None = None

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        themes, errors = load_themes(theme_dirs(None))
        assert not errors, errors
        for theme in themes:
            self.register_theme(theme)
        self.theme = self.theme_name
        self.push_screen(Backdrop())
        self.dialog = self.make_dialog()
        self.push_screen(self.dialog, callback=self.results.append)


class PaneHost(App[None]):
    """The transfers pane alone, focused, in a registered theme."""

    def __init__(self, theme: str = "imagedeck-dark") -> None:
        super().__init__()
        self.theme_name = theme
        self.messages: list[Any] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        yield Static("transfers", id="title")
        yield TransfersPane(id="transfers")

    def on_mount(self) -> None:
        for theme in load_themes(theme_dirs(None))[0]:
            self.register_theme(theme)
        self.theme = self.theme_name
        self.query_one(TransfersPane).focus()

    def on_transfers_pane_cancel_requested(self, message: TransfersPane.CancelRequested) -> None:
        self.messages.append(message)

    def on_transfers_pane_retry_requested(self, message: TransfersPane.RetryRequested) -> None:
        self.messages.append(message)


def steady_cursors(app: App[Any]) -> None:
    """Stop cursor blinking on every field so a snapshot never catches a blink phase."""
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, (Input, TextArea))
        widget.cursor_blink = False


def qcow2_file(path: Path, virtual_size: int = 10 * 1024**3, backing: str | None = None) -> Path:
    """Write a small qcow2 v3 image byte by byte (same bytes on every machine, unlike
    qemu-img's output, whose size varies between versions); ``backing`` names a backing
    file in the header, which the format inspector must flag as unsafe."""
    backing_offset = 512 if backing else 0
    backing_size = len(backing.encode()) if backing else 0
    l1_size = -(-virtual_size // (0x10000 * 0x2000))  # one L1 entry maps 8192 clusters of 64 KiB
    header = b"QFI\xfb" + struct.pack(
        ">IQIIQIIQQIIQQQQII",
        3,
        backing_offset,
        backing_size,
        16,
        virtual_size,
        0,
        l1_size,
        0x20000,
        0x10000,
        1,
        0,
        0,
        0,
        0,
        0,
        4,
        104,
    )
    data = bytearray(header.ljust(0x30000, b"\0"))
    if backing:
        data[512 : 512 + backing_size] = backing.encode()
    path.write_bytes(bytes(data))
    return path
