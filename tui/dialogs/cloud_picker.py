"""Switch between the clouds of clouds.yaml and the embedded local store."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.plain import plain
from .base import Dialog

#: The result meaning "the embedded local store" (cloud names never start with ':').
LOCAL_STORE = ":local:"


class CloudPickerDialog(Dialog[str]):
    """``CloudPickerDialog(names, current) -> str | None``.

    Returns a cloud name from ``names`` or `LOCAL_STORE`; ``current`` (a cloud name,
    `LOCAL_STORE`, or None) is marked and highlighted.
    """

    DEFAULT_CSS = """
    CloudPickerDialog > #dialog {
        width: 56;
    }
    CloudPickerDialog #choices {
        height: auto;
        max-height: 16;
        margin-top: 1;
    }
    """

    def __init__(self, names: list[str], current: str | None) -> None:
        super().__init__()
        self.names = list(names)
        self.current = current

    def compose(self) -> ComposeResult:
        def label(text: str, value: str) -> Content:
            """Cloud names come from clouds.yaml, a file anyone may have written: plain text."""
            return plain(f"{text}  (current)" if value == self.current else text)

        options = [Option(label("local store", LOCAL_STORE), id=LOCAL_STORE)]
        options += [Option(label(name, name), id=name) for name in self.names]
        with Vertical(id="dialog") as frame:
            frame.border_title = "Switch cloud or store"
            yield OptionList(*options, id="choices")
            if not self.names:
                yield Static("no clouds found in clouds.yaml", classes="hint")
            yield Static("", id="error")
            yield Static("enter switches, esc cancels", classes="hint")

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        if self.current == LOCAL_STORE or self.current in self.names:
            choices.highlighted = choices.get_option_index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
