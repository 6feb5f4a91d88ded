"""`?`: every key, grouped by the pane or dialog that owns it, in columns, with a search line."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..actions import Action, bindings
from ..deck import DeckNode
from ..model import fit, pad
from ..widgets.plain import PlainInput, plain
from .help_layout import Column, Row, action_rows, filtered, help_groups, key_width, layout


def column_content(column: Column, width: int) -> Content:
    """One column: each group's title (none for rows going on from the column before), then
    its rows, keys and text each cut to their share of ``width``. Keys come from the config file's
    keymap: plain text, never markup."""
    lines: list[Content] = []
    keys = key_width((row for _, rows, _ in column for row in rows), width)
    room = max(1, width - keys - 1)
    for title, rows, continued in column:
        if not continued:
            lines.append(plain(fit(title, width), "bold underline"))
        for row in rows:
            shown_keys = pad(fit(row.shown_keys, keys), keys)
            lines.append(Content.assemble(plain(shown_keys, "bold"), " ", plain(fit(row.shown_text, room))))
    return Content("\n").join(lines)


class HelpScreen(DeckNode, ModalScreen[None]):
    """Lists every action with a key, from the action registry, in as many columns as fit.

    Typing filters keys, descriptions and group titles as you type; esc clears the search,
    then closes. Up and down (j and k once the columns have focus) scroll what does not fit.
    """

    BINDINGS = bindings("help")

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help {
        width: 100%;
        height: 100%;
        border: round $primary;
        border-title-color: $text;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-search {
        height: 1;
        border: none;
        padding: 0;
        margin: 0;
    }
    HelpScreen #help-body {
        height: 1fr;
    }
    HelpScreen #help-columns {
        height: auto;
    }
    HelpScreen .help-column {
        width: 1fr;
        height: auto;
    }
    HelpScreen #help-none {
        color: $text-muted;
        display: none;
    }
    HelpScreen #help-none.-shown {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        #: (keys, what they do) of every action, as the keymap has set them; for tests and reading
        self.rows: list[tuple[str, str]] = []
        #: How many columns the rows fell into the last time they were laid out.
        self.column_count = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="help") as frame:
            frame.border_title = "Keys — type to search, esc clears then closes"
            yield PlainInput(placeholder="search keys and what they do", id="help-search", compact=True)
            with VerticalScroll(id="help-body") as body:
                body.can_focus = True
                yield Static("no key matches the search", id="help-none")
                yield Horizontal(id="help-columns")

    def _keys(self, entry: Action) -> list[str]:
        """The keys as the keymap has set them, each as the footer shows it."""
        keys = entry.key_list(self.deck.settings.keymap)
        if entry.key_display and len(keys) == 1:
            return [entry.key_display]
        return [self.app.get_key_display(Binding(key, "")) for key in keys]

    def on_mount(self) -> None:
        self.groups = help_groups(self._keys)
        self.rows = action_rows(self._keys)
        self.query_one("#help-search").focus()
        self.call_after_refresh(self.refresh_columns)

    @property
    def search(self) -> Input:
        return self.query_one("#help-search", Input)

    @on(Resize)
    def _resized(self) -> None:
        self.call_after_refresh(self.refresh_columns)

    @on(Input.Changed, "#help-search")
    def _searched(self) -> None:
        self.refresh_columns()

    def shown_rows(self) -> list[Row]:
        """The rows the search lets through, in display order."""
        return [row for _, rows in filtered(self.groups, self.search.value) for row in rows]

    def refresh_columns(self) -> None:
        """Lay the matching rows out again for the body's size."""
        body = self.query_one("#help-body")
        width, height = body.scrollable_content_region.size
        if width <= 0 or height <= 0:  # not laid out yet
            self.call_after_refresh(self.refresh_columns)
            return
        groups = filtered(self.groups, self.search.value)
        columns = layout(groups, width, height) if groups else []
        self.column_count = len(columns)
        self.query_one("#help-none").set_class(not groups, "-shown")
        holder = self.query_one("#help-columns", Horizontal)
        with self.app.batch_update():
            holder.remove_children()
            if columns:
                each = width // len(columns)
                holder.mount_all(
                    Static(column_content(column, each - 1), classes="help-column") for column in columns
                )
        body.scroll_home(animate=False)

    def action_close(self) -> None:
        """Esc clears the search first; with nothing searched it closes."""
        if self.search.value:
            self.search.value = ""
            self.search.focus()
            return
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body").scroll_up()

    def action_search(self) -> None:
        self.search.focus()
