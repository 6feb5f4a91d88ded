"""The ``:`` command language and the command palette's global actions.

`parse_command` turns a command line into a `Command` the main screen executes, so
the command line and the palette share one vocabulary and one set of checks.
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .model import SORT_KEYS, ImageQuery, Invalid, SortKey
from .transfers.convert import OUTPUT_FORMATS

COMMAND_HELP = (
    ("cloud NAME", "switch to a cloud from clouds.yaml (`:cloud local` for the local store)"),
    ("sort KEY [asc|desc]", f"sort by one of {', '.join(SORT_KEYS)}"),
    ("filter KEY=VALUE …", "server-side filter: status, visibility, format, member_status, owner, "
     "tag, name, protected, hidden; `:filter` alone clears"),
    ("convert FORMAT [PATH]", "convert the selected image with qemu-img into a file "
     "(default NAME.FORMAT in the current directory)"),
    ("theme NAME", "switch theme"),
    ("refresh", "reload from the store"),
    ("help", "show every key"),
    ("q", "quit"),
)


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command: ``name`` and its checked arguments."""

    name: str
    args: tuple[str, ...] = ()
    query: ImageQuery | None = None


_FILTER_KEYS = {
    "status": "status",
    "visibility": "visibility",
    "format": "disk_format",
    "disk_format": "disk_format",
    "container_format": "container_format",
    "member_status": "member_status",
    "owner": "owner",
    "tag": "tags",
    "name": "name",
    "protected": "protected",
    "hidden": "os_hidden",
}


def parse_filter(words: list[str], base: ImageQuery) -> ImageQuery:
    """``key=value`` words on top of ``base``'s sort; comma lists mean "any of"."""
    changes: dict[str, object] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not value:
            raise Invalid(f"filter {word!r} must look like key=value, e.g. status=active")
        field = _FILTER_KEYS.get(key.lower())
        if field is None:
            raise Invalid(f"unknown filter {key!r}; use one of: {', '.join(_FILTER_KEYS)}")
        if field in ("status", "disk_format", "container_format", "tags"):
            changes[field] = tuple(v for v in value.split(",") if v)
        elif field in ("protected", "os_hidden"):
            if value.lower() not in ("true", "false", "yes", "no"):
                raise Invalid(f"{key} must be true or false, not {value!r}")
            changes[field] = value.lower() in ("true", "yes")
        else:
            changes[field] = value
    return dataclasses.replace(ImageQuery(sort=base.sort), **changes)


def parse_command(text: str, query: ImageQuery) -> Command:
    """Parse a command line (without the leading colon); raises `Invalid` with a hint."""
    try:
        words = shlex.split(text.strip().lstrip(":"))
    except ValueError as exc:
        raise Invalid(f"cannot read that command: {exc}") from None
    if not words:
        raise Invalid("empty command; try :help")
    name, args = words[0].lower(), words[1:]
    if name in ("q", "quit", "exit", "q!"):
        return Command("quit")
    if name in ("help", "h", "?"):
        return Command("help")
    if name in ("refresh", "r", "reload"):
        return Command("refresh")
    if name == "cloud":
        if len(args) != 1:
            raise Invalid("usage: :cloud NAME (or :cloud local)")
        return Command("cloud", (args[0],))
    if name == "theme":
        if len(args) != 1:
            raise Invalid("usage: :theme NAME")
        return Command("theme", (args[0],))
    if name == "sort":
        if not args or len(args) > 2:
            raise Invalid(f"usage: :sort KEY [asc|desc] with KEY one of {', '.join(SORT_KEYS)}")
        key = SortKey(args[0].lower(), (args[1] if len(args) == 2 else "asc").lower())
        return Command("sort", (key.key, key.direction))
    if name == "filter":
        return Command("filter", tuple(args), parse_filter(args, query))
    if name == "convert":
        return Command("convert", parse_convert(args))
    raise Invalid(f"unknown command {name!r}; known: cloud, sort, filter, convert, theme, refresh, help, q")


def parse_convert(args: list[str]) -> tuple[str, ...]:
    """``FORMAT [PATH]`` with FORMAT one qemu-img can produce for Glance."""
    formats = ", ".join(OUTPUT_FORMATS)
    if not args or len(args) > 2:
        raise Invalid(f"usage: :convert FORMAT [PATH] with FORMAT one of {formats}")
    out_format = args[0].lower()
    if out_format not in OUTPUT_FORMATS:
        raise Invalid(f"cannot convert to {args[0]!r}: choose one of {formats}")
    return (out_format, *args[1:])


#: Palette entries: title, help, the app action to run.
PALETTE_ACTIONS = (
    ("Refresh", "Reload images and shares from the store", "screen.reload"),
    ("Upload image", "Upload a local disk image file", "screen.upload"),
    ("Import from URL", "Create an image from a URL (web-download)", "screen.import_url"),
    ("Copy image…", "Copy the selected image into another cloud or store (C)", "screen.copy_image"),
    ("Convert image…", "Convert the selected image with qemu-img, to a file or a new image",
     "screen.convert_image"),
    ("Switch cloud or store", "Pick another cloud from clouds.yaml or the local store", "screen.switch_cloud"),
    ("Structured filters", "Filter by visibility, status, format, member status, tag, size", "screen.filters"),
    ("Show shares", "Focus the sharing pane", "screen.focus_sharing"),
    ("Toggle transfers", "Show or hide the transfers pane", "screen.toggle_transfers"),
    ("Command line", "Type a : command", "screen.command_line"),
    ("Help", "Every key, pane by pane", "app.help"),
    ("Quit", "Leave imagedeck", "app.request_quit"),
)


class ImageDeckCommands(Provider):
    """imagedeck's global actions in the command palette (ctrl+p)."""

    async def discover(self) -> Hits:
        for title, help_text, action in PALETTE_ACTIONS:
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in PALETTE_ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)

    def _runner(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run
