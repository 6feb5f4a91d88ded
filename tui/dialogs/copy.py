"""Copy an image into another store: a cloud of clouds.yaml, the local store, or a store path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from humanize import naturalsize
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..actions import bindings
from ..model import Image, visible
from ..stores.targets import local_target
from ..widgets.plain import PlainInput, plain
from .base import Dialog, labelled
from .paths import PathSuggester


@dataclass(frozen=True, slots=True)
class Destination:
    """A store a copy can go to: the word `open_target` reads, and what a person reads."""

    target: str
    label: str


@dataclass(frozen=True, slots=True)
class CopyRequest:
    """Where the copy goes and its name (None keeps the source's name)."""

    destination: Destination
    name: str | None


class CopyDialog(Dialog[CopyRequest]):
    """``CopyDialog(image, destinations, source_label, current_path) -> CopyRequest | None``.

    The first destination is highlighted, so enter right away copies there (the local
    store, when browsing a cloud). A path typed under the list wins over the list;
    ``current_path`` is the local store being browsed, refused as a destination.
    """

    BINDINGS = bindings("copy")

    AUTO_FOCUS = "#destinations, #path"

    DEFAULT_CSS = """
    CopyDialog #facts {
        margin-bottom: 1;
    }
    CopyDialog #destinations {
        height: auto;
        max-height: 8;
        margin-bottom: 1;
    }
    """

    def __init__(
        self,
        image: Image,
        destinations: Sequence[Destination],
        source_label: str,
        current_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.image = image
        self.destinations = list(destinations)
        self.source_label = source_label
        self.current_path = current_path

    def compose(self) -> ComposeResult:
        size = naturalsize(self.image.size, binary=True) if self.image.size else "size unknown"
        options = [Option(plain(d.label), id=str(i)) for i, d in enumerate(self.destinations)]
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(f"Copy {self.image.label}")
            facts = f"{self.image.disk_format or 'unknown format'}, {size}, from {self.source_label}"
            yield Static(plain(facts), id="facts")
            if options:
                yield OptionList(*options, id="destinations")
            else:
                yield Static("no other cloud in clouds.yaml: type a local store path", classes="hint")
            yield labelled(
                "Or store path",
                PlainInput(
                    placeholder="a local store directory (created if missing)",
                    id="path",
                    suggester=PathSuggester(),
                    select_on_focus=False,
                    compact=True,
                ),
            )
            yield labelled(
                "Name of copy", PlainInput(visible(self.image.name or ""), id="name", compact=True)
            )
            yield Static(
                "enter copies to the highlighted store, or to the path once typed"
                if options
                else "enter copies into the store in that directory",
                classes="hint",
            )
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button("Copy", id="copy", variant="primary", action="screen.copy", compact=True)

    def on_mount(self) -> None:
        if self.destinations:
            self.query_one(OptionList).highlighted = 0

    def destination(self) -> Destination:
        """The typed path, else the highlighted entry; a ValueError says why neither works."""
        text = self.query_one("#path", Input).value.strip()
        if text:
            path = Path(text).expanduser()
            if path.exists() and not path.is_dir():
                raise ValueError(f"{path} is a file: a local store is a directory")
            if self.current_path is not None and path.resolve() == self.current_path.resolve():
                raise ValueError(f"{path} is the store this image is in; pick another one")
            return Destination(local_target(path), f"local store {path}")
        index = self.query_one(OptionList).highlighted if self.destinations else None
        if index is None:
            raise ValueError("pick a store from the list or type a local store path")
        return self.destinations[index]

    @on(Input.Changed)
    def _edited(self) -> None:
        self.clear_error()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_copy()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on a list entry means that store, whatever the path field holds."""
        event.stop()
        self._finish(self.destinations[event.option_index])

    def action_copy(self) -> None:
        try:
            destination = self.destination()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self._finish(destination)

    def _finish(self, destination: Destination) -> None:
        typed = self.query_one("#name", Input).value
        # the field shows the name made visible; left as shown, the copy keeps the name itself
        name = self.image.name if typed == visible(self.image.name or "") else typed.strip()
        self.dismiss(CopyRequest(destination, name or None))
