"""The ``:`` command line and the ``/`` filter line: one-line inputs docked at the bottom."""

from __future__ import annotations

from textual.widgets import Input

from ..actions import bindings
from ..messages import CommandEntered, FilterChanged
from .plain import PlainInput


def _back_to_pane(line: Input) -> None:
    """Return focus to the pane the person was in before the line opened."""
    back = getattr(line.screen, "focus_previous_pane", None)
    if back is not None:
        back()


class CommandLine(PlainInput):
    """The ``:`` line: ``:cloud NAME``, ``:sort size desc``, ``:filter status=active``, ``:convert raw``,
    ``:theme NAME``, ``:q``."""

    BINDINGS = bindings("command_line")

    DEFAULT_CSS = """
    CommandLine {
        dock: bottom;
        margin-bottom: 1;  /* above the footer, which docks at the bottom too */
        height: 1;
        border: none;
        padding: 0 1;
        display: none;
    }
    CommandLine.-open {
        display: block;
    }
    CommandLine:focus {
        border: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="command (help: ?)", id=id)

    def open(self) -> None:
        self.value = ""
        self.add_class("-open")
        self.focus()

    def action_close(self) -> None:
        self.remove_class("-open")
        self.value = ""
        _back_to_pane(self)

    async def action_submit(self) -> None:
        text = self.value.strip()
        self.action_close()
        if text:
            self.post_message(CommandEntered(text))


class FilterLine(PlainInput):
    """Filter as you type over name, id, format, status, owner and tag; esc clears."""

    BINDINGS = bindings("filter_line")

    DEFAULT_CSS = """
    FilterLine {
        dock: bottom;
        margin-bottom: 1;  /* above the footer, which docks at the bottom too */
        height: 1;
        border: none;
        padding: 0 1;
        display: none;
    }
    FilterLine.-open {
        display: block;
    }
    FilterLine:focus {
        border: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter: name, id, format, status, owner, tag", id=id)

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(FilterChanged(event.value))

    def action_clear(self) -> None:
        self.value = ""
        self.remove_class("-open")
        self.post_message(FilterChanged(""))
        _back_to_pane(self)

    async def action_submit(self) -> None:
        """Enter keeps the filter and returns to the list."""
        if not self.value:
            self.remove_class("-open")
        _back_to_pane(self)
