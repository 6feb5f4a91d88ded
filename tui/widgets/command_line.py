"""The ``:`` command line and the ``/`` filter line: one-line inputs docked at the bottom.

Both remember what was entered (up and down walk it, kept between runs); the ``:`` line
completes with Tab, showing the matches on a line under it when there are several.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.app import App
from textual.content import Content
from textual.widgets import Input, Static

from ..actions import bindings
from ..completion import Names, complete
from ..deck import DeckNode
from ..line_history import Histories, Walk, history_path
from ..messages import CommandEntered, FilterChanged
from ..themes import theme_names
from .plain import PlainInput, plain

_HISTORIES: WeakKeyDictionary[App[object], Histories] = WeakKeyDictionary()


def _back_to_pane(line: Input) -> None:
    """Return focus to the pane the person was in before the line opened."""
    back = getattr(line.screen, "focus_previous_pane", None)
    if back is not None:
        back()


class HistoryInput(DeckNode, PlainInput):
    """An input whose up and down keys walk what was entered before, newest first.

    The line being typed is kept as a draft and comes back below the newest entry; typing
    starts the walk again from the new text.
    """

    KIND = ""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._walk: Walk | None = None
        #: The value this input last set itself; a change to anything else is typing.
        self._own_value: str | None = None

    @property
    def histories(self) -> Histories:
        """The session's histories, read once per app; a file that cannot be used says so once."""
        found = _HISTORIES.get(self.app)
        if found is None:
            found = _HISTORIES[self.app] = Histories.load(history_path(self.deck.settings.store_path))
            if found.warning:
                self.deck.notify(found.warning, title="History", severity="warning")
        return found

    def set_own_value(self, text: str) -> None:
        """Put ``text`` in the line with the cursor after it, as the input's own doing."""
        self._own_value = text
        self.value = text
        self.cursor_position = len(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self._own_value:
            self._walk = None
            self.typed()
        self._own_value = None

    def typed(self) -> None:
        """The person changed the text (not a history walk or a completion)."""

    def remember(self, text: str) -> None:
        self.histories.add(self.KIND, text)
        self._walk = None

    def action_older(self) -> None:
        if self._walk is None:
            self._walk = Walk(list(self.histories.of(self.KIND)), self.value)
        entry = self._walk.older()
        if entry is not None:
            self.set_own_value(entry)

    def action_newer(self) -> None:
        entry = self._walk.newer() if self._walk is not None else None
        if entry is not None:
            self.set_own_value(entry)


class CompletionHint(Static):
    """The matches of a Tab with several, under the ``:`` line; the one in the line is reversed."""

    DEFAULT_CSS = """
    CompletionHint {
        dock: bottom;
        margin-bottom: 1;  /* above the footer, under the command line */
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
        display: none;
    }
    CompletionHint.-open {
        display: block;
    }
    """

    def show_matches(self, choices: list[str], current: int) -> None:
        parts: list[Content] = []
        for number, choice in enumerate(choices):
            parts.append(plain(choice, "reverse" if number == current else ""))
        self.update(Content("  ").join(parts))
        self.add_class("-open")

    def hide(self) -> None:
        self.remove_class("-open")


class CommandLine(HistoryInput):
    """The ``:`` line: ``:cloud NAME``, ``:sort size desc``, ``:filter status=active``, ``:convert raw``,
    ``:theme NAME``, ``:q``."""

    BINDINGS = bindings("command_line")
    KIND = "command"

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
    CommandLine.-matches {
        margin-bottom: 2;  /* the matches sit between the line and the footer */
    }
    CommandLine:focus {
        border: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="command (tab completes, up: history, help: ?)", id=id)
        #: The lines a Tab offered and which one is in the input, until the person types.
        self.matches: list[str] = []
        self.match = 0

    @property
    def hint(self) -> CompletionHint:
        found = self.screen.query(CompletionHint)
        if found:
            return found.first()
        hint = CompletionHint()
        self.screen.mount(hint, before=self)
        return hint

    def open(self) -> None:
        self.set_own_value("")
        self.add_class("-open")
        self.focus()

    def _end_matches(self) -> None:
        self.matches = []
        self.remove_class("-matches")
        if self.screen.query(CompletionHint):
            self.hint.hide()

    def typed(self) -> None:
        self._end_matches()

    def names(self) -> Names:
        """What arguments complete to, read afresh on each first Tab (clouds.yaml may have changed)."""
        return Names(clouds=self.deck.cloud_names(), themes=theme_names(self.app.available_themes))

    def action_complete(self, step: int = 1) -> None:
        """Complete the last word; with several matches, show them and go to the next one."""
        if self.matches:
            self.match = (self.match + step) % len(self.matches)
        else:
            self.matches = complete(self.value, self.names())
            self.match = 0 if step > 0 else len(self.matches) - 1
            if not self.matches:
                self.deck.notify("Nothing to complete", timeout=2)
                return
        self.set_own_value(self.matches[self.match])
        if len(self.matches) == 1:
            self._end_matches()
            return
        words = [line.rstrip().rsplit(" ", 1)[-1] for line in self.matches]
        self.add_class("-matches")
        self.hint.show_matches(words, self.match)

    def action_close(self) -> None:
        self._end_matches()
        self.remove_class("-open")
        self.set_own_value("")
        _back_to_pane(self)

    async def action_submit(self) -> None:
        text = self.value.strip()
        self.action_close()
        if text:
            self.remember(text)
            self.post_message(CommandEntered(text))


class FilterLine(HistoryInput):
    """Filter as you type over name, id, format, status, owner and tag; esc clears."""

    BINDINGS = bindings("filter_line")
    KIND = "filter"

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
        super().__init__(placeholder="filter: name, id, format, status, owner, tag (up: history)", id=id)

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # the history walk sees it too: each class's handler runs
        self.post_message(FilterChanged(event.value))

    def action_clear(self) -> None:
        self.value = ""
        self.remove_class("-open")
        self.post_message(FilterChanged(""))
        _back_to_pane(self)

    async def action_submit(self) -> None:
        """Enter keeps the filter (and remembers it) and returns to the list."""
        if not self.value:
            self.remove_class("-open")
        else:
            self.remember(self.value)
        _back_to_pane(self)
