"""What an action of the app is: its binding id, keys, words, scope, and its ``:`` command.

The declarations themselves are in `actions_main` and `actions_views`; `actions` joins them into
the one registry that bindings, footer, help, palette and the command line are built from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

from .commands import ArgumentParser, bare


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


def declare(id: str, scope: str, keys: str, action: str, short: str, **more: object) -> Action:
    """One `Action`; the keyword form keeps the long tables readable."""
    return Action(id=id, scope=scope, keys=keys, action=action, short=short, **more)  # type: ignore[arg-type]
