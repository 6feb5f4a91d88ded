"""A tiny host app and fixed data for dialog, theme and transfers-pane tests.

Dialogs are pushed on a plain screen so their tests depend on nothing but the dialog.
Every value is fixed (ids, times, sizes) so snapshots are stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from tui.model import Image, Member, Schema
from tui.themes import THEME_VARIABLE_DEFAULTS, load_themes, theme_dirs
from tui.widgets.transfers_pane import TransfersPane

IMAGE_ID = "7d7b6c1e-3a0f-4c52-9a52-0c2f5f0e9a11"

SCHEMA = Schema(import_methods=("glance-direct", "web-download"))


def sample_image(**changes: Any) -> Image:
    """A queued-then-active qcow2 image owned by project alpha."""
    values: dict[str, Any] = dict(
        id=IMAGE_ID,
        name="jammy-server",
        status="active",
        disk_format="qcow2",
        container_format="bare",
        size=629_145_600,
        virtual_size=2_361_393_152,
        visibility="shared",
        owner="alpha",
        min_disk=3,
        min_ram=512,
        tags=["ubuntu", "lts"],
        created_at="2026-11-01T10:00:00Z",
        updated_at="2026-11-02T10:00:00Z",
        properties={"architecture": "x86_64", "os_distro": "ubuntu"},
    )
    values.update(changes)
    return Image(**values)


MEMBERS = [
    Member(IMAGE_ID, "beta", "accepted"),
    Member(IMAGE_ID, "gamma", "pending"),
    Member(IMAGE_ID, "delta", "rejected"),
]


@dataclass(frozen=True)
class FixedTransfer:
    """A transfer event with the attribute names of tui.transfers.TransferProgress."""

    job_id: str
    kind: str = "upload"
    state: str = "running"
    source: str = "/srv/images/jammy-server.qcow2"
    destination: str = "local:jammy-server"
    total: int | None = 1_073_741_824
    done: int = 268_435_456
    rate: float | None = 44_040_192.0
    eta: float | None = 18.0
    message: str | None = None


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


@dataclass(frozen=True)
class FixedReport:
    """A report with the attribute names of tui.formats.FormatReport, for fixed pictures."""

    detected_format: str | None = "qcow2"
    virtual_size: int | None = 10 * 1024**3
    actual_size: int = 2 * 1024**2
    safe: bool = True
    failures: list[str] = field(default_factory=list)
    mismatch: str | None = None
    suggested_min_disk_gb: int | None = 10


def fixed_inspector(report: FixedReport) -> Callable[[Path, str | None], FixedReport]:
    """An inspector that always answers ``report`` (and records what it was asked)."""

    def inspect(path: Path, declared: str | None) -> FixedReport:
        inspect.calls.append((path, declared))  # type: ignore[attr-defined]
        return report

    inspect.calls = []  # type: ignore[attr-defined]
    return inspect
