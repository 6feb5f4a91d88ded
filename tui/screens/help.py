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

from ..commands import COMMAND_HELP
from ..model import visible

_EXTRA = {
    "Filter line": [("esc", "clear the filter and return to the list"), ("enter", "keep the filter")],
}


def _groups() -> list[tuple[str, list[Binding]]]:
    from ..app import ImageDeckApp
    from ..widgets.detail_pane import DetailPane
    from ..widgets.image_list import ImageList
    from ..widgets.sharing_pane import SharingPane
    from .main import MainScreen

    groups: list[tuple[str, list[Binding]]] = [
        ("Global", list(ImageDeckApp.BINDINGS)),
        ("Main screen (list and detail)", list(MainScreen.BINDINGS)),
        ("Image list", list(ImageList.BINDINGS)),
        ("Detail pane", list(DetailPane.BINDINGS)),
        ("Sharing pane", list(SharingPane.BINDINGS)),
    ]
    try:
        from ..widgets.transfers_pane import TransfersPane

        groups.append(("Transfers pane", list(TransfersPane.BINDINGS)))
    except ImportError:
        pass
    return groups


def _describe(binding: Binding) -> str:
    text = binding.description or binding.action
    return f"{text} ({binding.tooltip})" if binding.tooltip else text


class HelpScreen(ModalScreen[None]):
    """Lists every binding; esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="help.up"),
    ]

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

    def _keys(self, binding: Binding) -> str:
        keymap = getattr(self.app, "settings", None)
        keys = binding.key
        if keymap is not None and binding.id and binding.id in keymap.keymap:
            keys = keymap.keymap[binding.id]
        shown = []
        for key in keys.split(","):
            key = key.strip()
            shown.append(binding.key_display if binding.key_display and len(keys.split(",")) == 1
                         else self.app.get_key_display(Binding(key, "")))
        return " ".join(shown)

    def __init__(self) -> None:
        super().__init__()
        #: (keys, what they do) as shown, for tests and for reading without a screen
        self.rows: list[tuple[str, str]] = []

    def _collect(self) -> list[tuple[str, str, bool]]:
        """(keys, description, is_heading) for every group, in display order."""
        rows: list[tuple[str, str, bool]] = []
        for title, bindings in _groups():
            rows.append((title, "", True))
            rows.extend((self._keys(b), _describe(b), False) for b in bindings)
        for title, extra in _EXTRA.items():
            rows.append((title, "", True))
            rows.extend((key, text, False) for key, text in extra)
        rows.append(("Commands (:)", "", True))
        rows.extend((":" + command, text, False) for command, text in COMMAND_HELP)
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
