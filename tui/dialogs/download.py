"""Choose where a downloaded image lands."""

from __future__ import annotations

from pathlib import Path

from humanize import naturalsize
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from ..model import Image
from ..transfers.local_files import safe_file_name
from ..widgets.plain import plain
from .base import FileDialog, labelled
from .paths import PathSuggester


def default_file_name(image: Image) -> str:
    """``NAME.FORMAT`` as one safe base name: the name is another project's choice for a share."""
    return safe_file_name(image.name, image.id, image.disk_format or "img")


class DownloadDialog(FileDialog[Path]):
    """``DownloadDialog(image, default_dir) -> Path | None``.

    The path is prefilled with ``default_dir/NAME.FORMAT``. A directory gets the
    default file name appended; a missing parent directory is an error; an existing
    file needs a second enter to be replaced, and only then is `replace` True, which the
    download job needs before it renames over an existing file.
    """

    AUTO_FOCUS = "#path"

    DEFAULT_CSS = """
    DownloadDialog #facts {
        margin-bottom: 1;
    }
    """

    def __init__(self, image: Image, default_dir: Path) -> None:
        super().__init__()
        self.image = image
        self.default_dir = default_dir
        #: Whether the person confirmed replacing the existing file the result names.
        self.replace = False

    def compose(self) -> ComposeResult:
        size = naturalsize(self.image.size, binary=True) if self.image.size else "size unknown"
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(f"Download {self.image.label}")
            yield Static(plain(f"{self.image.disk_format or 'unknown format'}, {size}"), id="facts")
            yield labelled(
                "Save to",
                Input(
                    str(self.default_dir / default_file_name(self.image)),
                    id="path",
                    suggester=PathSuggester(),
                    select_on_focus=False,
                    compact=True,
                ),
            )
            yield Static("→ completes; written as NAME.part until verified", classes="hint")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    "Download", id="download", variant="primary", action="screen.download", compact=True
                )

    def target(self) -> Path:
        """The file to write, or a ValueError saying why the input cannot be used."""
        text = self.query_one("#path", Input).value.strip()
        if not text:
            raise ValueError("type a file path to save the image to")
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / default_file_name(self.image)
        if not path.parent.is_dir():
            raise ValueError(f"directory {path.parent} does not exist")
        return path

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_download()

    def action_download(self) -> None:
        try:
            path = self.target()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        if self.may_write(path):
            self.replace = path.exists()  # may_write let an existing file through: confirmed
            self.dismiss(path)
