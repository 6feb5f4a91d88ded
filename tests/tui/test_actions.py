"""The action registry is the one list of actions: every entry is reachable, every binding comes from it,
and the footer, the help screen, the palette and the ``:`` commands show what it says."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from imagedeck.actions import ACTIONS, BY_ID, HELP_GROUPS, bindings, commands, parse_command
from imagedeck.app import ImageDeckApp
from imagedeck.dialogs import base, confirm, convert, copy, edit_image, filters, import_url, members, upload
from imagedeck.model import SORT_KEYS, ImageDeckError, ImageQuery, Invalid, NotFound, describe_error
from imagedeck.screens.action_log import ActionLogScreen
from imagedeck.screens.families import FamiliesScreen
from imagedeck.screens.fleet import FleetScreen
from imagedeck.screens.help import HelpScreen
from imagedeck.screens.image_cache import ImageCacheScreen
from imagedeck.screens.main import MainScreen
from imagedeck.screens.tasks import TasksScreen
from imagedeck.screens.unreachable import UnreachableScreen
from imagedeck.widgets.command_line import CommandLine, FilterLine
from imagedeck.widgets.detail_pane import DetailPane
from imagedeck.widgets.image_list import ImageList
from imagedeck.widgets.presence_matrix import PresenceMatrix
from imagedeck.widgets.sharing_pane import SharingPane
from imagedeck.widgets.transfers_pane import TransfersPane
from tui_support import loaded, notes, palette_offers, select, wait_for

#: The class whose BINDINGS hold each scope, and whose methods run its actions.
OWNERS: dict[str, type] = {
    "app": ImageDeckApp,
    "main": MainScreen,
    "list": ImageList,
    "detail": DetailPane,
    "sharing": SharingPane,
    "transfers": TransfersPane,
    "command_line": CommandLine,
    "filter_line": FilterLine,
    "help": HelpScreen,
    "unreachable": UnreachableScreen,
    "action_log": ActionLogScreen,
    "dialog": base.Dialog,
    "confirm": confirm.ConfirmDialog,
    "members": members.MembersDialog,
    "members_list": members.MembersList,
    "filters": filters.FilterDialog,
    "import": import_url.ImportUrlDialog,
    "upload": upload.UploadDialog,
    "edit": edit_image.EditImageDialog,
    "copy": copy.CopyDialog,
    "convert": convert.ConvertDialog,
    "fleet": FleetScreen,
    "matrix": PresenceMatrix,
    "families": FamiliesScreen,
    "tasks": TasksScreen,
    "image_cache": ImageCacheScreen,
}


def own_bindings(cls: type) -> list[Binding]:
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


@pytest.mark.parametrize("entry", ACTIONS, ids=lambda e: e.id)
def test_every_action_is_reachable(entry) -> None:
    """Its key is bound in its scope's class and the method it names exists there."""
    owner = OWNERS[entry.scope]
    if entry.keys:
        bound = {b.id: b for b in own_bindings(owner)}
        assert entry.id in bound, f"{entry.id} is not bound on {owner.__name__}"
        assert (bound[entry.id].key, bound[entry.id].action) == (entry.keys, entry.action)
    if entry.action:
        method = f"action_{entry.name}"
        assert callable(getattr(owner, method, None)), f"{owner.__name__} lacks {method}"
    if entry.command is not None and entry.command.run:
        assert callable(getattr(MainScreen, entry.command.run, None)), entry.command.run
    assert entry.keys or entry.palette or entry.command, f"{entry.id} cannot be reached at all"


def test_every_binding_of_the_app_comes_from_the_registry() -> None:
    for scope, owner in OWNERS.items():
        assert [b.id for b in own_bindings(owner)] == [b.id for b in bindings(scope)], scope
    assert len(BY_ID) == len(ACTIONS), "binding ids must be unique"
    assert {scope for _, scope in HELP_GROUPS} <= set(OWNERS)


def test_commands_parse_through_the_table_and_name_their_syntax() -> None:
    base_query = ImageQuery()
    assert [e.command.usage.split()[0] for e in commands() if e.command] == [
        "cloud",
        "sort",
        "filter",
        "convert",
        "theme",
        "refresh",
        "help",
        "q",
        "fleet",
        "families",
        "tasks",
        "cache",
    ]
    for entry in commands():
        assert entry.command is not None
        for word in entry.command.words:
            if entry.command.usage == word:  # takes no arguments
                assert parse_command(f":{word}", base_query) == (entry, parse_command(word, base_query)[1])
    with pytest.raises(Invalid, match="known: cloud, sort, filter, convert, theme, refresh, help, q"):
        parse_command("frobnicate", base_query)
    with pytest.raises(Invalid, match="usage: :theme NAME"):
        parse_command("theme", base_query)


def test_describe_error_is_one_line_for_every_error() -> None:
    assert describe_error(NotFound("no image 'x'")) == "not found: no image 'x'"
    assert describe_error(ImageDeckError("plain")) == "error: plain"
    assert describe_error(KeyError("k")) == "internal error: KeyError: 'k'"


async def test_read_only_hides_writes_from_the_footer_and_palette_but_explains_the_key(make_app) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        shown = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "main.download" in shown and "list.sort" in shown
        assert not shown & {"main.upload", "main.edit", "main.delete", "main.copy"}
        await pilot.press("u")
        await wait_for(lambda: any("Read-only mode: cannot upload images" in n for n in notes(app)), pilot)
        await pilot.press("ctrl+p")
        await wait_for(lambda: palette_offers(app, "refresh"), pilot)
        assert not palette_offers(app, "upload image")


async def test_image_actions_are_greyed_without_a_selection_and_hidden_in_other_panes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")

        def state(binding_id: str) -> bool | None:
            found = [b.enabled for b in app.screen.active_bindings.values() if b.binding.id == binding_id]
            return found[0] if found else None

        assert state("main.edit") is True and state("main.upload") is True
        app.screen.image_list.set_filter("no image has this name")
        await wait_for(lambda: state("main.edit") is False, pilot)
        app.screen.image_list.set_filter("")
        await wait_for(lambda: state("main.edit") is True, pilot)
        app.screen.focus_pane(app.screen.sharing)
        await wait_for(lambda: state("main.edit") is None and state("sharing.accept") is True, pilot)


async def test_a_keymap_renames_the_key_everywhere(make_app) -> None:
    app = make_app(keymap={"list.sort": "o", "main.edit": "E"})
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen), pilot)
        rows = {text: keys for keys, text in app.screen.rows}
        assert rows["Sort"] == "o" and rows["Edit"] == "E"
        assert (":sort KEY [asc|desc]", f"sort by one of {', '.join(SORT_KEYS)}") in app.screen.rows
