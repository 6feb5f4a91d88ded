"""Every action of the app, declared once.

An `Action` names its binding id (what the config file's ``keymap`` remaps), its default
keys, the words shown in the footer and on the help screen, where it is bound, whether it
writes (refused and hidden in read-only mode), whether it acts on the selected image, and
its palette entry and ``:`` command when it has them. The classes' ``BINDINGS``, the footer,
the help screen, the command palette and the ``:`` dispatch are all built from `ACTIONS`,
so adding an action touches this table and the method that does it.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from .commands import (
    ArgumentParser,
    Command,
    bare,
    convert_arguments,
    filter_arguments,
    one_word,
    sort_arguments,
)
from .model import SORT_KEYS, ImageQuery, Invalid


@dataclass(frozen=True, slots=True)
class CommandSyntax:
    """A ``:`` command: its name, the words that type it, its syntax and help, and how it runs.

    ``run`` names the dispatcher's method taking the parsed `Command`; empty runs the
    action it belongs to. ``rank`` orders the commands on the help screen.
    """

    name: str
    words: tuple[str, ...]
    usage: str
    help: str
    rank: int
    parse: ArgumentParser = bare
    run: str = ""


@dataclass(frozen=True, slots=True)
class Action:
    """One action. ``keys`` is empty for an action reached only by the palette or a command."""

    id: str
    scope: str
    action: str
    short: str
    keys: str = ""
    tooltip: str = ""
    show: bool = True
    key_display: str | None = None
    #: What a read-only session cannot do ("upload images"); empty when the action only reads.
    writes: str = ""
    #: Acts on the image under the list cursor: needs one, and the list or detail pane.
    on_image: bool = False
    palette: tuple[str, str] | None = None
    command: CommandSyntax | None = None

    @property
    def name(self) -> str:
        """The method part of ``action`` (``cursor(1)`` -> ``cursor``)."""
        return self.action.partition("(")[0]

    @property
    def long(self) -> str:
        """The help screen's description."""
        return f"{self.short} ({self.tooltip})" if self.tooltip else self.short

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.short,
            show=self.show,
            key_display=self.key_display,
            tooltip=self.tooltip,
            id=self.id,
        )

    def key_list(self, keymap: Mapping[str, str]) -> list[str]:
        """The keys that run this action once the config file's keymap applies."""
        keys = keymap.get(self.id, self.keys)
        return [key.strip() for key in keys.split(",") if key.strip()]


def _a(id: str, scope: str, keys: str, action: str, short: str, **more: object) -> Action:
    return Action(id=id, scope=scope, keys=keys, action=action, short=short, **more)  # type: ignore[arg-type]


_CONVERT_HELP = (
    "convert the selected image with qemu-img into a file (default NAME.FORMAT in the current directory)"
)
_FILTER_HELP = (
    "server-side filter: status, visibility, format, member_status, owner, tag, name, protected, "
    "hidden; `:filter` alone clears"
)

_FLEET_HELP = "presence matrix: each content per place (cloud:NAME[:REGION][@STORE], NAME:REGION, a path)"
_FAMILIES_HELP = (
    "families with their versions per place (default: the fleet's places, else the store open now)"
)


def place_words(name: str, words: list[str], query: ImageQuery) -> Command:
    """Places are checked when the view opens them, each failure said once."""
    return Command(name, tuple(words))


ACTIONS: tuple[Action, ...] = (
    # -- the main screen: panes, loading, and what is done to images --
    _a("main.next_pane", "main", "tab", "next_pane", "Next pane", show=False),
    _a("main.previous_pane", "main", "shift+tab", "previous_pane", "Previous pane", show=False),
    _a(
        "main.back",
        "main",
        "escape",
        "back",
        "Clear filter, back to list",
        show=False,
        tooltip="in the list, esc again clears the structured filter",
    ),
    _a(
        "main.refresh",
        "main",
        "ctrl+r",
        "reload",
        "Refresh",
        show=False,
        palette=("Refresh", "Reload images and shares from the store"),
        command=CommandSyntax("refresh", ("refresh", "r", "reload"), "refresh", "reload from the store", 6),
    ),
    _a(
        "main.filters",
        "main",
        "f",
        "filters",
        "Filters",
        show=False,
        palette=("Structured filters", "Filter by visibility, status, format, member status, tag, size"),
        command=CommandSyntax(
            "filter", ("filter",), "filter KEY=VALUE …", _FILTER_HELP, 3, filter_arguments, "command_filter"
        ),
    ),
    _a(
        "main.command",
        "main",
        "colon",
        "command_line",
        "Command",
        key_display=":",
        show=False,
        palette=("Command line", "Type a : command"),
    ),
    _a(
        "main.upload",
        "main",
        "u",
        "upload",
        "Upload",
        writes="upload images",
        palette=("Upload image", "Upload a local disk image file"),
    ),
    _a(
        "main.import",
        "main",
        "i",
        "import_url",
        "Import",
        show=False,
        writes="import images",
        palette=("Import from URL", "Create an image from a URL (web-download)"),
    ),
    _a("main.download", "main", "d", "download", "Download", show=False, on_image=True),
    _a(
        "main.copy",
        "main",
        "C",
        "copy_image",
        "Copy",
        on_image=True,
        tooltip="to another cloud or store, e.g. the local store as a cache",
        writes="copy images (a copy writes to the destination)",
        palette=("Copy image…", "Copy the selected image into another cloud or store (C)"),
    ),
    _a(
        "main.convert",
        "main",
        "",
        "convert_image",
        "Convert",
        on_image=True,
        palette=("Convert image…", "Convert the selected image with qemu-img, to a file or a new image"),
        command=CommandSyntax(
            "convert",
            ("convert",),
            "convert FORMAT [PATH]",
            _CONVERT_HELP,
            4,
            convert_arguments,
            "command_convert",
        ),
    ),
    _a("main.edit", "main", "e", "edit", "Edit", on_image=True, writes="edit"),
    _a(
        "main.protect",
        "main",
        "p",
        "toggle_protected",
        "Protect",
        show=False,
        on_image=True,
        writes="protect or unprotect",
    ),
    _a(
        "main.visibility",
        "main",
        "v",
        "visibility",
        "Visibility",
        show=False,
        on_image=True,
        writes="change the visibility of",
    ),
    _a("main.members", "main", "m", "members", "Members", show=False, on_image=True, writes="share"),
    _a(
        "main.delete", "main", "delete,ctrl+d", "delete", "Delete", show=False, on_image=True, writes="delete"
    ),
    _a("main.copy_id", "main", "y", "copy_id", "Copy id", show=False, on_image=True),
    _a(
        "main.deactivate",
        "main",
        "D",
        "toggle_deactivated",
        "Deactivate",
        show=False,
        on_image=True,
        tooltip="or reactivate; a deactivated image's data cannot be downloaded",
        writes="deactivate or reactivate",
    ),
    _a(
        "main.cloud",
        "main",
        "c",
        "switch_cloud",
        "Cloud",
        show=False,
        palette=("Switch cloud or store", "Pick another cloud from clouds.yaml or the local store"),
        command=CommandSyntax(
            "cloud",
            ("cloud",),
            "cloud NAME",
            "switch to a cloud from clouds.yaml (`:cloud local` for the local store)",
            1,
            one_word("cloud NAME (or :cloud local)"),
            "command_cloud",
        ),
    ),
    _a("main.detail", "main", "1", "focus_detail", "Detail", show=False),
    _a(
        "main.shares",
        "main",
        "2",
        "focus_sharing",
        "Shares",
        show=False,
        palette=("Show shares", "Focus the sharing pane"),
    ),
    _a(
        "main.transfers",
        "main",
        "t",
        "toggle_transfers",
        "Transfers",
        show=False,
        palette=("Toggle transfers", "Show or hide the transfers pane"),
    ),
    _a(
        "main.fleet",
        "main",
        "",
        "fleet",
        "Fleet",
        palette=("Fleet view", "Which image is where across places (the config's fleet list)"),
        command=CommandSyntax(
            "fleet", ("fleet",), "fleet [PLACE …]", _FLEET_HELP, 9, place_words, "command_fleet"
        ),
    ),
    _a(
        "main.families",
        "main",
        "",
        "families",
        "Families",
        palette=("Family view", "Versions, latest and lifecycle of the images here"),
        command=CommandSyntax(
            "families",
            ("families",),
            "families [PLACE …]",
            _FAMILIES_HELP,
            10,
            place_words,
            "command_families",
        ),
    ),
    _a(
        "main.theme",
        "main",
        "",
        "",
        "Theme",
        command=CommandSyntax(
            "theme", ("theme",), "theme NAME", "switch theme", 5, one_word("theme NAME"), "command_theme"
        ),
    ),
    _a(
        "main.action_log",
        "main",
        "at",
        "action_log",
        "Action log",
        show=False,
        key_display="@",
        palette=("Action log", "This session's changes, with their API requests and openstack commands"),
    ),
    _a(
        "main.undo",
        "main",
        "z",
        "undo",
        "Undo last change",
        show=False,
        tooltip="shows what it restores first; in the sharing pane z sets a share back to pending",
        writes="undo changes",
        palette=("Undo last change", "Undo the last change made here, after a preview"),
    ),
    _a(
        "main.hidden",
        "main",
        "H",
        "toggle_hidden",
        "Hidden",
        show=False,
        tooltip="list the hidden (os_hidden) images instead, and back; the header counts them",
        palette=("Show hidden images", "List the hidden (os_hidden) images instead, or back (H)"),
    ),
    _a(
        "main.tasks",
        "main",
        "T",
        "image_tasks",
        "Tasks",
        show=False,
        on_image=True,
        tooltip="the selected image's import tasks, their status and messages",
        palette=("Image tasks", "Import tasks of the selected image (T)"),
        command=CommandSyntax("tasks", ("tasks",), "tasks", "the selected image's import tasks", 11),
    ),
    _a(
        "main.image_cache",
        "main",
        "K",
        "image_cache",
        "Image cache",
        show=False,
        tooltip="the cloud's image cache (admins, where the cloud has one)",
        palette=("Image cache", "Cached and queued images of the cloud's image cache (K, admins)"),
        command=CommandSyntax(
            "cache", ("cache",), "cache", "the cloud's image cache (admins)", 12, run="command_image_cache"
        ),
    ),
    # -- global --
    _a(
        "app.quit",
        "app",
        "q",
        "request_quit",
        "Quit",
        palette=("Quit", "Leave imagedeck"),
        command=CommandSyntax("quit", ("q", "quit", "exit", "q!"), "q", "quit", 8),
    ),
    _a(
        "app.help",
        "app",
        "question_mark",
        "help",
        "Help",
        key_display="?",
        palette=("Help", "Every key, pane by pane"),
        command=CommandSyntax("help", ("help", "h", "?"), "help", "show every key", 7),
    ),
    _a("app.palette", "app", "ctrl+p", "command_palette", "Palette", show=False),
    # -- the tasks of an image and the image cache --
    _a("tasks.close", "tasks", "escape,q", "close", "Close"),
    _a("tasks.reload", "tasks", "ctrl+r", "reload", "Reload"),
    _a("cache.close", "image_cache", "escape,q", "close", "Close"),
    _a("cache.reload", "image_cache", "ctrl+r", "reload", "Reload"),
    _a(
        "cache.queue",
        "image_cache",
        "a",
        "queue",
        "Queue selected",
        tooltip="queue the image selected in the list to be cached",
    ),
    _a("cache.remove", "image_cache", "x,delete", "remove", "Remove", tooltip="the image under the cursor"),
    _a("cache.clear", "image_cache", "C", "clear", "Clear", tooltip="every cached and queued image"),
    _a("cache.prune", "image_cache", "P", "prune", "Prune", tooltip="down to the cache's configured size"),
    _a("cache.clean", "image_cache", "L", "clean", "Clean", show=False, tooltip="stalled and invalid files"),
    # -- the image list --
    _a("list.down", "list", "j,down", "cursor(1)", "Down", show=False),
    _a("list.up", "list", "k,up", "cursor(-1)", "Up", show=False),
    _a("list.top", "list", "g,home", "top", "Top", show=False),
    _a("list.bottom", "list", "G,end", "bottom", "Bottom", show=False),
    _a("list.page_down", "list", "pagedown", "page(1)", "Page down", show=False),
    _a("list.page_up", "list", "pageup", "page(-1)", "Page up", show=False),
    _a("list.open", "list", "enter", "open", "Detail", show=False),
    _a("list.filter", "list", "slash", "filter", "Filter", key_display="/"),
    _a(
        "list.sort",
        "list",
        "s",
        "cycle_sort",
        "Sort",
        command=CommandSyntax(
            "sort",
            ("sort",),
            "sort KEY [asc|desc]",
            f"sort by one of {', '.join(SORT_KEYS)}",
            2,
            sort_arguments,
            "command_sort",
        ),
    ),
    _a("list.reverse", "list", "S", "reverse_sort", "Reverse", show=False),
    _a("list.columns", "list", "w", "toggle_columns", "Columns", show=False),
    _a(
        "list.mark",
        "list",
        "space",
        "mark",
        "Mark",
        show=False,
        tooltip="then d, delete, p, m or D act on every marked image",
    ),
    _a(
        "list.range",
        "list",
        "V",
        "range_mark",
        "Mark a range",
        show=False,
        tooltip="moving extends it, V or esc ends it",
    ),
    _a(
        "list.mark_all",
        "list",
        "A",
        "mark_all",
        "Mark all shown",
        show=False,
        tooltip="again: clear the marks",
    ),
    _a("list.end_range", "list", "escape", "end_range", "End the range", show=False),
    # -- the detail pane --
    _a("detail.down", "detail", "j,down", "cursor(1)", "Next field", show=False),
    _a("detail.up", "detail", "k,up", "cursor(-1)", "Previous field", show=False),
    _a("detail.top", "detail", "g,home", "top", "First field", show=False),
    _a("detail.bottom", "detail", "G,end", "bottom", "Last field", show=False),
    _a("detail.copy", "detail", "y", "copy_value", "Copy value", tooltip="the whole value of the field"),
    # -- the sharing pane --
    _a("sharing.down", "sharing", "j,down", "cursor(1)", "Down", show=False),
    _a("sharing.up", "sharing", "k,up", "cursor(-1)", "Up", show=False),
    _a("sharing.top", "sharing", "g,home", "top", "Top", show=False),
    _a("sharing.bottom", "sharing", "G,end", "bottom", "Bottom", show=False),
    _a("sharing.accept", "sharing", "a", "answer('accepted')", "Accept", writes="answer shares"),
    _a("sharing.reject", "sharing", "r", "answer('rejected')", "Reject", writes="answer shares"),
    _a(
        "sharing.undo",
        "sharing",
        "z",
        "answer('pending')",
        "Undo",
        tooltip="set back to pending",
        writes="answer shares",
    ),
    _a("sharing.mark", "sharing", "space", "mark", "Mark"),
    _a("sharing.open", "sharing", "enter", "open", "Detail", show=False),
    # -- the transfers pane --
    _a("transfers.cancel", "transfers", "x", "cancel", "Cancel transfer"),
    _a("transfers.retry", "transfers", "R", "retry", "Retry transfer"),
    _a("transfers.next", "transfers", "j,down", "move(1)", "Next", show=False),
    _a("transfers.previous", "transfers", "k,up", "move(-1)", "Previous", show=False),
    # -- line inputs --
    _a("command.close", "command_line", "escape", "close", "Close"),
    _a("command.complete", "command_line", "tab", "complete", "Complete", tooltip="again: the next match"),
    _a("command.complete_back", "command_line", "shift+tab", "complete(-1)", "Previous match", show=False),
    _a("command.older", "command_line", "up", "older", "Older command", show=False),
    _a("command.newer", "command_line", "down", "newer", "Newer command", show=False),
    _a("filter.clear", "filter_line", "escape", "clear", "Clear filter"),
    _a("filter.older", "filter_line", "up", "older", "Older filter", show=False),
    _a("filter.newer", "filter_line", "down", "newer", "Newer filter", show=False),
    # -- screens over the main one --
    _a("help.close", "help", "escape,q,question_mark", "close", "Close", tooltip="esc clears a search first"),
    _a("help.search", "help", "slash", "search", "Search", show=False),
    _a("help.down", "help", "j,down", "scroll_down", "Down", show=False),
    _a("help.up", "help", "k,up", "scroll_up", "Up", show=False),
    _a("unreachable.retry", "unreachable", "r,enter", "choose('retry')", "Retry"),
    _a("unreachable.cloud", "unreachable", "c", "choose('cloud')", "Pick another cloud"),
    _a("unreachable.quit", "unreachable", "q,escape", "choose('quit')", "Quit"),
    # -- the action log --
    _a("log.close", "action_log", "escape,q,at", "close", "Close", key_display="esc"),
    _a("log.down", "action_log", "j,down", "cursor(1)", "Down", show=False),
    _a("log.up", "action_log", "k,up", "cursor(-1)", "Up", show=False),
    _a("log.copy", "action_log", "y", "copy_command", "Copy command", tooltip="the openstack command"),
    _a("log.undo", "action_log", "z", "undo_entry", "Undo", tooltip="this entry", writes="undo changes"),
    # -- the fleet view, its presence matrix, and the family view --
    _a("fleet.open", "fleet", "enter", "open", "Detail", tooltip="the image at the place under the cursor"),
    _a(
        "fleet.replicate",
        "fleet",
        "r",
        "replicate",
        "Replicate",
        tooltip="copy the row's image to this place",
        writes="replicate images",
    ),
    _a(
        "fleet.delete",
        "fleet",
        "d,delete",
        "delete",
        "Delete",
        tooltip="the image at this place (asks)",
        writes="delete",
    ),
    _a(
        "fleet.copy_id",
        "fleet",
        "y",
        "copy_id",
        "Copy id",
        show=False,
        tooltip="the image's id at this place",
    ),
    _a("fleet.filter", "fleet", "slash", "filter", "Filter", key_display="/", tooltip="name or hash"),
    _a("fleet.sort", "fleet", "s", "cycle_sort", "Sort", tooltip="name, size, places, drift"),
    _a("fleet.reverse", "fleet", "S", "reverse_sort", "Reverse", show=False),
    _a("fleet.families", "fleet", "F", "families", "Families", tooltip="of the images these places hold"),
    _a("fleet.refresh", "fleet", "ctrl+r", "reload", "Refresh", show=False),
    _a("fleet.back", "fleet", "escape", "back", "Back", tooltip="clears the filter first"),
    _a("matrix.down", "matrix", "j,down", "cursor(1)", "Down", show=False),
    _a("matrix.up", "matrix", "k,up", "cursor(-1)", "Up", show=False),
    _a("matrix.right", "matrix", "l,right", "side(1)", "Next place", show=False),
    _a("matrix.left", "matrix", "h,left", "side(-1)", "Previous place", show=False),
    _a("matrix.top", "matrix", "g,home", "top", "Top", show=False),
    _a("matrix.bottom", "matrix", "G,end", "bottom", "Bottom", show=False),
    _a("matrix.page_down", "matrix", "pagedown", "page(1)", "Page down", show=False),
    _a("matrix.page_up", "matrix", "pageup", "page(-1)", "Page up", show=False),
    _a("families.down", "families", "j", "cursor(1)", "Down", show=False),
    _a("families.up", "families", "k", "cursor(-1)", "Up", show=False),
    _a("families.open", "families", "enter", "open", "Detail", show=False),
    _a("families.promote", "families", "p", "promote", "Promote", writes="promote", tooltip="plan first"),
    _a(
        "families.end_of_life",
        "families",
        "e",
        "end_of_life",
        "End of life",
        writes="set an end of life",
        tooltip="provided_until, YYYY-MM-DD",
    ),
    _a("families.retire", "families", "x", "retire", "Retire", writes="retire", tooltip="keep the newest N"),
    _a("families.back", "families", "escape", "back", "Back"),
    # -- dialogs --
    _a("dialog.cancel", "dialog", "escape", "cancel", "Cancel"),
    _a("confirm.yes", "confirm", "y", "answer(True)", "Yes"),
    _a("confirm.no", "confirm", "n", "answer(False)", "No"),
    _a("members.apply", "members", "ctrl+s", "apply", "Apply"),
    _a("members.remove", "members_list", "x", "toggle_remove", "Remove"),
    _a("members.remove_delete", "members_list", "delete", "toggle_remove", "Remove", show=False),
    _a("filters.apply", "filters", "ctrl+s", "apply", "Apply"),
    _a("import.send", "import", "ctrl+s", "submit", "Import"),
    _a("upload.send", "upload", "ctrl+s", "upload", "Upload"),
    _a("edit.apply", "edit", "ctrl+s", "apply", "Apply"),
    _a("copy.send", "copy", "ctrl+s", "copy", "Copy"),
    _a("convert.send", "convert", "ctrl+s", "convert", "Convert"),
)

BY_ID: dict[str, Action] = {entry.id: entry for entry in ACTIONS}
_BY_METHOD: dict[tuple[str, str], Action] = {(entry.scope, entry.name): entry for entry in ACTIONS}

#: Help screen sections: a title and the scope whose keys it lists.
HELP_GROUPS = (
    ("Global", "app"),
    ("Main screen (list and detail)", "main"),
    ("Image list", "list"),
    ("Detail pane", "detail"),
    ("Sharing pane", "sharing"),
    ("Transfers pane", "transfers"),
    ("Action log", "action_log"),
    ("Fleet view", "fleet"),
    ("Presence matrix", "matrix"),
    ("Family view", "families"),
    ("Image tasks", "tasks"),
    ("Image cache", "image_cache"),
)

#: Keys handled by an input itself rather than by a binding, explained on the help screen.
HELP_NOTES = {
    "Filter line": (("esc", "clear the filter and return to the list"), ("enter", "keep the filter")),
}


def bindings(scope: str) -> list[BindingType]:
    """The ``BINDINGS`` of the class that owns ``scope``."""
    return [entry.binding() for entry in ACTIONS if entry.scope == scope and entry.keys]


def in_scope(scope: str) -> list[Action]:
    """The keyed actions of ``scope``, in declaration order."""
    return [entry for entry in ACTIONS if entry.scope == scope and entry.keys]


def find(scope: str, action_name: str) -> Action | None:
    """The action of ``scope`` whose method is ``action_name`` (as `check_action` receives it)."""
    return _BY_METHOD.get((scope, action_name))


def palette_entries(read_only: bool) -> list[Action]:
    """What the command palette offers; writes are left out of a read-only session."""
    return [entry for entry in ACTIONS if entry.palette and not (read_only and entry.writes)]


def commands() -> list[Action]:
    """Actions with a ``:`` command, in help order."""
    found = [entry for entry in ACTIONS if entry.command is not None]
    return sorted(found, key=lambda entry: entry.command.rank if entry.command else 0)


def _command_words() -> dict[str, Action]:
    return {word: entry for entry in commands() if entry.command for word in entry.command.words}


def parse_command(text: str, query: ImageQuery) -> tuple[Action, Command]:
    """Parse a command line (the leading colon is optional); raises `Invalid` with a hint."""
    try:
        words = shlex.split(text.strip().lstrip(":"))
    except ValueError as exc:
        raise Invalid(f"cannot read that command: {exc}") from None
    if not words:
        raise Invalid("empty command; try :help")
    entry = _command_words().get(words[0].lower())
    if entry is None or entry.command is None:
        known = ", ".join(e.command.usage.split()[0] for e in commands() if e.command)
        raise Invalid(f"unknown command {words[0].lower()!r}; known: {known}")
    return entry, entry.command.parse(entry.command.name, words[1:], query)


def refusal(entry: Action) -> str:
    """Why a read-only session does not run ``entry``."""
    return f"Read-only mode: cannot {entry.writes}. Start imagedeck without --read-only to make changes."


def bound_to(key: str, scopes: Iterable[str], keymap: Mapping[str, str]) -> Action | None:
    """The action ``key`` runs among ``scopes`` (innermost first), after the keymap applies."""
    for scope in scopes:
        for entry in in_scope(scope):
            if key in entry.key_list(keymap):
                return entry
    return None
