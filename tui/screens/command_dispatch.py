"""The ``:`` command line and what it shares with keys: filters, sorting, clouds and themes.

Commands are looked up in the action registry; each runs its action, or the ``command_*``
method its syntax names, with the parsed arguments.
"""

from __future__ import annotations

import dataclasses

from textual import on

from ..actions import Action, parse_command
from ..commands import Command
from ..dialogs import LOCAL_STORE, CloudPickerDialog, FilterDialog
from ..messages import CommandEntered
from ..model import ImageDeckError, ImageQuery, SortKey, describe_error
from ..widgets.command_line import CommandLine
from ..widgets.pane_titles import field_label, query_words
from .image_actions import ImageActions


class CommandDispatch(ImageActions):
    """``:`` commands, the filter dialog and switching clouds."""

    def action_command_line(self) -> None:
        self.last_pane = self.current_pane()
        self.query_one(CommandLine).open()

    @on(CommandEntered)
    async def _command(self, event: CommandEntered) -> None:
        try:
            entry, command = parse_command(event.text, self.image_query)
        except ImageDeckError as exc:
            self.notify(str(exc), title="Command", severity="error")
            return
        await self.run_command(entry, command)

    async def run_command(self, entry: Action, command: Command) -> None:
        """Run through the registry: the command's own handler, else the action it belongs to."""
        syntax = entry.command
        if syntax is not None and syntax.run:
            getattr(self, syntax.run)(command)
        else:
            await self.run_action(f"{'app' if entry.scope == 'app' else 'screen'}.{entry.action}")

    def command_cloud(self, command: Command) -> None:
        name = command.args[0]
        self.switch_to(None if name in ("local", ":local:") else name)

    def command_theme(self, command: Command) -> None:
        self.deck.switch_theme(command.args[0])

    def command_sort(self, command: Command) -> None:
        key, direction = command.args
        self.image_list.set_sort(key, direction)
        self.sort_by(key, direction)
        self.notify(
            f"Sorted by {field_label(key)} {'descending' if direction == 'desc' else 'ascending'}", timeout=2
        )

    def command_filter(self, command: Command) -> None:
        if command.query is not None:
            self.set_query(command.query)

    def command_convert(self, command: Command) -> None:
        self.convert_to_file(*command.args)

    def sort_by(self, key: str, direction: str) -> None:
        """The store sorts too, so pages still to come arrive in the same order."""
        self.image_query = dataclasses.replace(self.image_query, sort=(SortKey(key, direction),))
        if not self.all_loaded:
            self.load_images()

    def set_query(self, query: ImageQuery) -> None:
        """A new server-side filter: reload from the first page."""
        self.image_query = query
        self.load_images()
        self.notify("Filter: " + (query_words(query) or "none"), timeout=3)

    def action_filters(self) -> None:
        def chosen(query: ImageQuery | None) -> None:
            if query is not None:
                self.set_query(query)

        self.app.push_screen(FilterDialog(self.image_query), chosen)

    # -- the fleet and families ----------------------------------------------------

    def action_fleet(self) -> None:
        self.command_fleet(Command("fleet"))

    def command_fleet(self, command: Command) -> None:
        from .fleet import FleetScreen, fleet_places

        try:
            self.app.push_screen(FleetScreen(fleet_places(command.args, self.deck.settings)))
        except ImageDeckError as exc:
            self.notify(describe_error(exc), title="Fleet", severity="error")

    def action_families(self) -> None:
        self.command_families(Command("families"))

    def command_families(self, command: Command) -> None:
        from .families import families_screen

        try:
            self.app.push_screen(families_screen(command.args, self.deck.settings, self.deck.store))
        except ImageDeckError as exc:
            self.notify(describe_error(exc), title="Families", severity="error")

    # -- clouds --------------------------------------------------------------------

    def action_switch_cloud(self) -> None:
        current = self.deck.settings.cloud or LOCAL_STORE

        def chosen(name: str | None) -> None:
            if name is not None and name != current:
                self.switch_to(None if name == LOCAL_STORE else name)

        self.app.push_screen(CloudPickerDialog(self.deck.cloud_names(), current), chosen)

    def switch_to(self, cloud: str | None) -> None:
        """Open another store (a cloud, or the local store for None) and reload everything."""
        try:
            self.deck.use_store(cloud)
        except ImageDeckError as exc:
            self.notify(describe_error(exc), title="Cannot switch", severity="error")
            return
        self.identity = None
        self.schema = None
        self.image_list.set_images([])
        self.sharing.set_shares({})
        self.detail.show(None)
        self.connect()
