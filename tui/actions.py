"""Every action of the app, declared once.

An `Action` names its binding id (what the config file's ``keymap`` remaps), its default
keys, the words shown in the footer and on the help screen, where it is bound, whether it
writes (refused and hidden in read-only mode), whether it acts on the selected image, and
its palette entry and ``:`` command when it has them. The classes' ``BINDINGS``, the footer,
the help screen, the command palette and the ``:`` dispatch are all built from `ACTIONS`,
so adding an action touches one table (`actions_main` for the main screen, `actions_views` for
the rest; their `Action` type is in `action_types`) and the method that does it.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping

from textual.binding import BindingType

from .action_types import Action, CommandSyntax
from .actions_main import MAIN_ACTIONS
from .actions_views import VIEW_ACTIONS
from .commands import Command
from .model import ImageQuery, Invalid

ACTIONS: tuple[Action, ...] = MAIN_ACTIONS + VIEW_ACTIONS


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


__all__ = [
    "ACTIONS",
    "BY_ID",
    "HELP_GROUPS",
    "HELP_NOTES",
    "Action",
    "CommandSyntax",
    "bindings",
    "bound_to",
    "commands",
    "find",
    "in_scope",
    "palette_entries",
    "parse_command",
    "refusal",
]
