"""A yes/no question before something that cannot be undone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ..actions import bindings
from ..widgets.plain import plain
from .base import Dialog


class ConfirmDialog(Dialog[bool]):
    """``ConfirmDialog(title, message, confirm_label="Delete") -> bool``.

    Cancel has the focus, so a stray enter never destroys anything; ``y`` or tab then
    enter confirms; esc or ``n`` answers False.
    """

    BINDINGS = bindings("confirm")

    DEFAULT_CSS = """
    ConfirmDialog > #dialog {
        width: 60;
        border: round $error;
    }
    ConfirmDialog #message {
        margin: 1 0 0 0;
    }
    """

    AUTO_FOCUS = "#cancel"

    def __init__(self, title: str, message: str, confirm_label: str = "Delete") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(self.title_text)
            yield Static(plain(self.message), id="message")
            yield Static("", id="error")
            yield Static("y confirms, n or esc cancels", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    self.confirm_label,
                    id="confirm",
                    variant="error",
                    action="screen.answer(True)",
                    compact=True,
                )

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
