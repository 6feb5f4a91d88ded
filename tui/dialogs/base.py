"""What every imagedeck dialog shares: a centred frame, an error line, esc to cancel."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal that returns a typed result through ``dismiss`` and ``None`` on esc.

    Subclasses compose a ``#dialog`` container holding a ``Static`` with id
    ``error``; `show_error` writes there so a failure appears in place, next to the
    fields the person just filled in, and nothing typed is lost.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > #dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    Dialog .hint {
        color: $text-muted;
    }
    Dialog #error {
        color: $text-error;
        background: $error-muted;
        display: none;
    }
    Dialog #error.-shown {
        display: block;
    }
    Dialog .buttons {
        height: auto;
        width: 100%;
        align-horizontal: right;
        margin-top: 1;
    }
    Dialog .buttons Button {
        margin-left: 1;
    }
    Dialog .field-label {
        margin-top: 1;
    }
    """

    def action_cancel(self) -> None:
        """Leave without a result."""
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        """Show ``message`` in the dialog's error line, keeping every field as it is."""
        error = self.query_one("#error", Static)
        error.update(message)
        error.add_class("-shown")

    def clear_error(self) -> None:
        error = self.query_one("#error", Static)
        error.update("")
        error.remove_class("-shown")

    @property
    def error_text(self) -> str:
        """The error currently shown ('' when none), for callers and tests."""
        error = self.query_one("#error", Static)
        return str(error.content) if error.has_class("-shown") else ""
