"""`?`: every key, grouped by the pane that owns it, as the keymap has set them."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import HELP_GROUPS, HELP_NOTES, Action, bindings, commands, in_scope
from ..deck import DeckNode
from ..model import visible


class HelpScreen(DeckNode, ModalScreen[None]):
    """Lists every action with a key, from the action registry; esc, q or ? closes it."""

    BINDINGS = bindings("help")

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help {
        width: 90;
        max-width: 100%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys — esc closes"
            scroll.can_focus = True
            yield Static(self._table(), id="help-table")

    def _keys(self, entry: Action) -> str:
        """The keys as the keymap has set them, each as the footer shows it."""
        keys = entry.key_list(self.deck.settings.keymap)
        if entry.key_display and len(keys) == 1:
            return entry.key_display
        return " ".join(self.app.get_key_display(Binding(key, "")) for key in keys)

    def __init__(self) -> None:
        super().__init__()
        #: (keys, what they do) as shown, for tests and for reading without a screen
        self.rows: list[tuple[str, str]] = []

    def _collect(self) -> list[tuple[str, str, bool]]:
        """(keys, description, is_heading) for every group, in display order."""
        rows: list[tuple[str, str, bool]] = []
        for title, scope in HELP_GROUPS:
            rows.append((title, "", True))
            rows.extend((self._keys(entry), entry.long, False) for entry in in_scope(scope))
        for title, notes in HELP_NOTES.items():
            rows.append((title, "", True))
            rows.extend((key, text, False) for key, text in notes)
        rows.append(("Commands (:)", "", True))
        rows.extend((":" + e.command.usage, e.command.help, False) for e in commands() if e.command)
        return rows

    def _table(self) -> Group:
        """Each heading, then a ``keys  what`` row per binding; long descriptions wrap in their column."""
        collected = self._collect()
        self.rows = [(keys, text) for keys, text, heading in collected if not heading]
        width = max(len(keys) for keys, _ in self.rows)
        parts: list[Text | Table] = []
        for keys, text, heading in collected:
            if heading:
                parts.append(Text(("\n" if parts else "") + keys, style="bold underline"))
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", no_wrap=True, width=width)
                table.add_column(ratio=1)
                parts.append(table)
            else:  # keys come from the config file's keymap: text, never Rich markup
                table.add_row(Text(visible(keys)), Text(visible(text)))
        return Group(*parts)

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help").scroll_up()
