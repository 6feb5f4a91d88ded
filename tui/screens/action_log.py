"""``@``: the changes made in this session, newest first, with the request and the openstack command.

Every text here may come from another project (image names, properties, tags): each line
is made plain before it is drawn. ``y`` copies the selected entry's ``openstack`` command
(OSC 52, so over SSH too); ``z`` undoes the selected entry, after the same preview as the
main screen's ``z``.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..actions import bindings
from ..deck import DeckNode
from ..history import ActionLog, Entry, RecordingStore, terminal_session
from ..history.entry import describe_change
from ..widgets.plain import plain, plain_lines

UndoEntry = Callable[[str | None, Callable[[], None] | None], None]


def entry_line(entry: Entry) -> str:
    """One row of the list: time, action, image, what changed."""
    clock = entry.time.partition("T")[2].removesuffix("Z") or entry.time
    undo = "undo of " if entry.undo_of else ""
    return f"{clock}  {undo}{entry.action.replace('_', ' ')}  {entry.image_label}  {entry.summary()}"


def entry_detail(entry: Entry) -> list[str]:
    """The selected entry, line by line."""
    lines = [
        f"Entry    {entry.id}  {entry.time}",
        f"Place    {entry.place.describe()}",
        f"Image    {entry.image_label} ({entry.image_id})",
        f"Action   {entry.action.replace('_', ' ')}"
        + (f" (undo of {entry.undo_of})" if entry.undo_of else ""),
    ]
    lines += [f"Change   {describe_change(change)}" for change in entry.changes]
    lines += [
        f"Request  {entry.request.line()}",
        f"Command  {entry.command or '(no openstack equivalent)'}",
    ]
    if refusal := entry.undo_refusal():
        lines.append(f"Undo     not possible: {refusal}")
    return lines


class ActionLogScreen(DeckNode, Screen[None]):
    """This session's entries of the action log; esc, q or @ goes back."""

    BINDINGS = bindings("action_log")

    DEFAULT_CSS = """
    ActionLogScreen #entries {
        height: 1fr;
        border: round $primary;
    }
    ActionLogScreen #entry-frame {
        height: auto;
        max-height: 50%;
        border: round $secondary;
        padding: 0 1;
    }
    """

    def __init__(self, on_undo: UndoEntry | None = None) -> None:
        super().__init__()
        self.on_undo = on_undo
        #: Shown entries, newest first (the option list's order).
        self.entries: list[Entry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield OptionList(id="entries")
            with VerticalScroll(id="entry-frame") as frame:
                frame.border_title = "Entry"
                yield Static("", id="entry")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def _log(self) -> tuple[ActionLog, str]:
        store = self.deck.store
        if isinstance(store, RecordingStore):
            return store.log, store.session
        return ActionLog(), terminal_session()

    def reload(self) -> None:
        """Read the log again (after an undo, or another imagedeck in this terminal)."""
        log, session = self._log()
        read = log.read()
        if warning := read.warning(log.path):
            self.deck.notify(warning, severity="warning")
        self.entries = [e for e in reversed(read.entries) if e.session == session]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(plain(entry_line(e)), id=e.id) for e in self.entries])
        options.border_title = f"Action log — this session, newest first ({len(self.entries)})"
        if self.entries:
            options.highlighted = 0
        self._show(self.selected)

    @property
    def selected(self) -> Entry | None:
        index = self.query_one(OptionList).highlighted
        return self.entries[index] if index is not None and index < len(self.entries) else None

    def _show(self, entry: Entry | None) -> None:
        text = entry_detail(entry) if entry else ["No change recorded in this session yet."]
        self.query_one("#entry", Static).update(plain_lines(*text))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self.selected)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_copy_command(self) -> None:
        entry = self.selected
        if entry is None:
            return
        if not entry.command:
            self.deck.notify("This change has no openstack equivalent", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(entry.command)
        self.deck.notify(f"Copied: {entry.command}", timeout=4)

    def action_undo_entry(self) -> None:
        entry = self.selected
        if entry is not None and self.on_undo is not None:
            self.on_undo(entry.id, self._after_undo)

    def _after_undo(self) -> None:
        if self in self.app.screen_stack:  # not closed while the undo ran
            self.reload()
