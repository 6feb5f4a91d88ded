"""Shown when the store does not answer: what failed and what to do next."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ..actions import bindings
from ..model import visible


class UnreachableScreen(ModalScreen[str]):
    """Dismisses with "retry", "cloud" or "quit"."""

    BINDINGS = bindings("unreachable")

    DEFAULT_CSS = """
    UnreachableScreen {
        align: center middle;
    }
    UnreachableScreen > #box {
        width: 70;
        max-width: 100%;
        height: auto;
        border: round $error;
        padding: 1 2;
        background: $surface;
    }
    """

    def __init__(self, store_label: str, message: str) -> None:
        super().__init__()
        self.store_label = store_label
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="box") as box:
            box.border_title = "Cannot reach the image store"
            # the store's label names a path or cloud, the reason quotes the store: shown escaped
            yield Static(Text.assemble(("Store: ", "bold"), visible(self.store_label)), id="store")
            yield Static(Text(visible(self.message)), id="reason")
            yield Static(
                "\nCheck the network, VPN or clouds.yaml entry, then:\n"
                "  r  retry      c  pick another cloud or the local store      q  quit",
                id="what-next",
            )
        yield Footer()

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer)
