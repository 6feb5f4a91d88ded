"""One image at one place of the fleet, in full: the detail pane in a dialog, esc closes it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from ..deck import DeckNode
from ..dialogs.base import Dialog
from ..model import Image
from ..widgets.detail_pane import DetailPane
from ..widgets.plain import plain


class ImageAtPlace(DeckNode, Dialog[None]):
    """``ImageAtPlace(place, image)``: every field; j/k move over them and y copies one."""

    DEFAULT_CSS = """
    ImageAtPlace > #dialog {
        width: 90;
        height: 90%;
    }
    ImageAtPlace DetailPane {
        height: 1fr;
    }
    """

    def __init__(self, place: str, image: Image) -> None:
        super().__init__()
        self.place = place
        self.image = image

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(f"{self.image.label} at {self.place} — esc closes")
            yield DetailPane(clock=self.deck.clock, id="place-detail")

    def on_mount(self) -> None:
        pane = self.query_one(DetailPane)
        pane.show(self.image)
        pane.focus()
