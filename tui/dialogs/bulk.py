"""One confirmation for an action on every marked image, listing each and what is skipped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from ..actions import bindings
from ..widgets.plain import PlainInput, plain, plain_lines
from .base import Dialog, labelled


@dataclass(frozen=True, slots=True)
class BulkField:
    """The one value a bulk action needs (a project, a directory), checked before the dialog closes.

    ``check`` returns the value to use, or raises ValueError with a message for the error line.
    """

    label: str
    value: str
    check: Callable[[str], str]
    placeholder: str = ""


class BulkDialog(Dialog[str]):
    """``BulkDialog(title, rows, note, confirm_label, field=None) -> str | None``.

    ``rows`` are (image label, why it is skipped or "") pairs; every label is another
    project's text, shown escaped. The answer is the field's checked value, or "" when
    there is no field; None when cancelled. Without a field, Cancel has the focus and ``y``
    confirms; with one, enter in the field confirms.
    """

    BINDINGS = bindings("confirm")

    DEFAULT_CSS = """
    BulkDialog > #dialog {
        width: 76;
        border: round $warning;
    }
    BulkDialog #note {
        margin: 1 0;
    }
    BulkDialog #bulk-images {
        height: auto;
        max-height: 12;
        background: $boost;
        padding: 0 1;
    }
    BulkDialog .field {
        margin-top: 1;
    }
    """

    def __init__(
        self,
        title: str,
        rows: Sequence[tuple[str, str]],
        note: str,
        confirm_label: str,
        field: BulkField | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.rows = list(rows)
        self.note = note
        self.confirm_label = confirm_label
        self.field = field

    def compose(self) -> ComposeResult:
        # labels are other projects' names: plain_lines escapes each line as a whole
        lines = [f"{label}  — skipped: {skipped}" if skipped else label for label, skipped in self.rows]
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(self.title_text)
            yield Static(plain(self.note), id="note")
            with VerticalScroll(id="bulk-images", can_focus=False):
                yield Static(plain_lines(*lines), id="names")
            if self.field is not None:
                yield labelled(
                    self.field.label,
                    PlainInput(
                        self.field.value, placeholder=self.field.placeholder, id="field", compact=True
                    ),
                )
            yield Static("", id="error")
            hint = "enter confirms, esc cancels" if self.field else "y confirms, n or esc cancels"
            yield Static(hint, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    self.confirm_label,
                    id="confirm",
                    variant="warning",
                    action="screen.answer(True)",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one("#field" if self.field else "#cancel").focus()

    @on(Input.Submitted, "#field")
    def _submitted(self) -> None:
        self.action_answer(True)

    @on(Input.Changed, "#field")
    def _edited(self) -> None:
        self.clear_error()

    def action_answer(self, answer: bool) -> None:
        if not answer:
            self.dismiss(None)
            return
        if self.field is None:
            self.dismiss("")
            return
        try:
            value = self.field.check(self.query_one("#field", Input).value)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(value)
