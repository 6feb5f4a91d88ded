"""What every imagedeck dialog shares: a centred frame, an error line, esc to cancel."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from textual import on
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ..actions import bindings
from ..widgets.plain import plain

ResultT = TypeVar("ResultT")


def labelled(label: str, widget: Widget) -> Horizontal:
    """One form line: a muted label then the field, so forms fit 80x24."""
    return Horizontal(Label(label), widget, classes="field")


def pair(left: Horizontal, right: Horizontal) -> Horizontal:
    """Two labelled fields side by side."""
    return Horizontal(left, right, classes="pair")


class Dialog(ModalScreen[ResultT]):
    """A modal that returns a typed result through ``dismiss`` and ``None`` on esc.

    Subclasses compose a ``#dialog`` container holding a ``Static`` with id
    ``error``; `show_error` writes there so a failure appears in place, next to the
    fields the person just filled in, and nothing typed is lost. Buttons run the
    dialog's actions (``action="screen.apply"``), the same ones its keys run.
    """

    BINDINGS = bindings("dialog")

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
        margin-left: 2;
        min-width: 10;
    }
    Dialog .field {
        height: auto;
    }
    Dialog .field > Label {
        width: 15;
        color: $text-muted;
    }
    Dialog .field > Input, Dialog .field > Select {
        width: 1fr;
    }
    Dialog .pair {
        height: auto;
    }
    Dialog .pair > .field {
        width: 1fr;
        margin-right: 2;
    }
    Dialog Input.-textual-compact, Dialog TextArea.-textual-compact,
    Dialog Select.-textual-compact > SelectCurrent {
        background: $boost;
    }
    Dialog Input.-textual-compact:focus, Dialog TextArea.-textual-compact:focus,
    Dialog Select.-textual-compact:focus > SelectCurrent {
        background: $primary 25%;
    }
    """

    def action_cancel(self) -> None:
        """Leave without a result."""
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        """Show ``message`` in the dialog's error line, keeping every field as it is.

        Messages quote what was typed and what a store answered: shown as plain text.
        """
        error = self.query_one("#error", Static)
        error.update(plain(message))
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


class FileDialog(Dialog[ResultT]):
    """A dialog that writes a file: replacing an existing one takes a second enter.

    Editing any field withdraws that consent and the error line.
    """

    def __init__(self) -> None:
        super().__init__()
        self._confirmed_overwrite: Path | None = None

    @on(Input.Changed)
    def _edited(self) -> None:
        self._confirmed_overwrite = None
        self.clear_error()

    def may_write(self, path: Path) -> bool:
        """True unless ``path`` exists and the person has not yet pressed enter on it twice."""
        if path.exists() and self._confirmed_overwrite != path:
            self._confirmed_overwrite = path
            self.show_error(f"{path.name} exists; press enter again to replace it")
            return False
        return True
