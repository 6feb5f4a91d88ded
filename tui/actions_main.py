"""The main screen's actions: its panes, loading, and what is done to images."""

from __future__ import annotations

from .action_types import Action, CommandSyntax
from .action_types import declare as _a
from .commands import Command, convert_arguments, filter_arguments, one_word
from .model import ImageQuery

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


MAIN_ACTIONS: tuple[Action, ...] = (
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
)
