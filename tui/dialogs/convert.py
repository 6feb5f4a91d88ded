"""Convert an image with qemu-img into a file, or back into the store as a new image."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from humanize import naturalsize
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from ..actions import bindings
from ..model import Image, visible
from ..widgets.plain import PlainInput, plain
from .base import FileDialog, labelled
from .download import default_file_name
from .paths import PathSuggester

#: The output choices of the dialog.
TO_FILE = "file"
TO_STORE = "store"


@dataclass(frozen=True, slots=True)
class ConvertRequest:
    """The format to produce, and a file to write (``path``) or, when None, a new image ``name``."""

    out_format: str
    path: Path | None = None
    name: str | None = None


def converted_file_name(image: Image, out_format: str) -> str:
    """``NAME.FORMAT`` for the converted file, named like a download of the image."""
    return default_file_name(dataclasses.replace(image, disk_format=out_format))


def converted_image_name(image: Image, out_format: str) -> str:
    return f"{image.name or image.id}-{out_format}"


def output_path(text: str, image: Image, out_format: str, default_dir: Path) -> Path:
    """The file a conversion writes: ``text`` (a directory gets the default name), or the
    default name in ``default_dir`` when empty; ValueError when the parent is missing."""
    path = Path(text).expanduser() if text.strip() else default_dir
    if path.is_dir():
        path = path / converted_file_name(image, out_format)
    if not path.parent.is_dir():
        raise ValueError(f"directory {path.parent} does not exist")
    return path


class ConvertDialog(FileDialog[ConvertRequest]):
    """``ConvertDialog(image, formats, default_dir, into_store=True) -> ConvertRequest | None``.

    The format starts on the first of ``formats`` the image is not already in; the file
    name follows the format until it is edited. ``into_store=False`` (read-only mode)
    offers files only. An existing file needs a second enter to be replaced.
    """

    BINDINGS = bindings("convert")

    AUTO_FOCUS = "#format"

    DEFAULT_CSS = """
    ConvertDialog #facts {
        margin-bottom: 1;
    }
    ConvertDialog .-hidden {
        display: none;
    }
    """

    def __init__(
        self, image: Image, formats: Sequence[str], default_dir: Path, *, into_store: bool = True
    ) -> None:
        super().__init__()
        self.image = image
        self.formats = list(formats)
        self.default_dir = default_dir
        self.into_store = into_store
        self._format = next((f for f in self.formats if f != image.disk_format), self.formats[0])

    def compose(self) -> ComposeResult:
        size = naturalsize(self.image.size, binary=True) if self.image.size else "size unknown"
        outputs = [("a file", TO_FILE)]
        if self.into_store:
            outputs.append(("this store, as a new image", TO_STORE))
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(f"Convert {self.image.label}")
            yield Static(plain(f"{self.image.disk_format or 'unknown format'}, {size}"), id="facts")
            yield labelled(
                "Format",
                Select(
                    [(f, f) for f in self.formats],
                    value=self._format,
                    allow_blank=False,
                    id="format",
                    compact=True,
                ),
            )
            yield labelled(
                "Output", Select(outputs, value=TO_FILE, allow_blank=False, id="output", compact=True)
            )
            yield labelled(
                "Save to",
                PlainInput(
                    self._default_path(self._format),
                    id="path",
                    suggester=PathSuggester(),
                    select_on_focus=False,
                    compact=True,
                ),
            )
            default_name = visible(converted_image_name(self.image, self._format))
            yield labelled("Image name", PlainInput(default_name, id="name", compact=True)).set_class(
                True, "-hidden"
            )
            hint = "ctrl+s: qemu-img converts a temporary download of the image"
            if not self.into_store:
                hint += "; read-only mode: files only"
            yield Static(hint, classes="hint")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    "Convert", id="convert", variant="primary", action="screen.convert", compact=True
                )

    def _default_path(self, out_format: str) -> str:
        """The file offered for ``out_format``, as the field shows it (the image's name made visible)."""
        return visible(str(self.default_dir / converted_file_name(self.image, out_format)))

    def _image_name(self, typed: str) -> str:
        """The new image's name: the default itself while the field still shows its visible form."""
        default = converted_image_name(self.image, self._format)
        return default if typed == visible(default) else typed.strip()

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        """Names still at their default follow the new format."""
        old, new = self._format, str(event.value)
        self._format = new
        path = self.query_one("#path", Input)
        if path.value == self._default_path(old):
            path.value = self._default_path(new)
        name = self.query_one("#name", Input)
        if name.value == visible(converted_image_name(self.image, old)):
            name.value = visible(converted_image_name(self.image, new))

    @on(Select.Changed, "#output")
    def _output_changed(self, event: Select.Changed) -> None:
        to_store = event.value == TO_STORE
        self.query_one("#path", Input).parent.set_class(to_store, "-hidden")  # type: ignore[union-attr]
        self.query_one("#name", Input).parent.set_class(not to_store, "-hidden")  # type: ignore[union-attr]
        self.clear_error()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_convert()

    def action_convert(self) -> None:
        if self.query_one("#output", Select).value == TO_STORE:
            name = self._image_name(self.query_one("#name", Input).value)
            if not name:
                self.show_error("type a name for the new image")
                return
            self.dismiss(ConvertRequest(self._format, name=name))
            return
        try:
            path = output_path(
                self.query_one("#path", Input).value, self.image, self._format, self.default_dir
            )
        except ValueError as exc:
            self.show_error(str(exc))
            return
        if self.may_write(path):
            self.dismiss(ConvertRequest(self._format, path=path))
