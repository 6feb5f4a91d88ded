"""What every CLI command gets: the settings, a lazily opened store, output helpers, and
the rules shared by all commands (read-only mode, resolving IMAGE arguments).

A command module registers its subcommands with `add_command`; each handler is
``async def handler(args, ctx: CliContext) -> int``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..config import Settings
from ..history import recording
from ..model import (
    Forbidden,
    Image,
    ImageDeckError,
    ImageQuery,
    Invalid,
    NotFound,
    visible,
)
from ..stores import ImageStore, open_store
from ..stores.targets import open_target
from . import output

Handler = Callable[[argparse.Namespace, "CliContext"], Awaitable[int]]


def add_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    handler: Handler,
    *,
    help: str,
    writes: bool = False,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Register one subcommand; ``writes=True`` makes ``--read-only`` refuse it up front.

    The subcommand also accepts the global options (``--json``, ``--project``...) after
    its name, so ``imagedeck ls --json`` and ``imagedeck --json ls`` mean the same.
    """
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description or help,
        parents=[subparsers.global_options],  # type: ignore[attr-defined]
    )
    parser.set_defaults(handler=handler, writes=writes, command=name)
    return parser


@dataclass
class CliContext:
    """Shared state of one CLI run."""

    settings: Settings
    json: bool = False
    #: Streams; None means the process's current ones (so pytest's capsys sees output).
    stdout: TextIO | None = None
    stderr: TextIO | None = None
    _store: ImageStore | None = field(default=None, repr=False)
    _others: dict[str, ImageStore] = field(default_factory=dict, repr=False)

    @property
    def out(self) -> TextIO:
        return self.stdout or sys.stdout

    @property
    def err(self) -> TextIO:
        return self.stderr or sys.stderr

    @property
    def is_tty(self) -> bool:
        """Whether stdout is a terminal (progress bars and colours only then)."""
        isatty = getattr(self.out, "isatty", None)
        return bool(isatty and isatty())

    # -- the store -----------------------------------------------------------------

    async def open_store(self) -> ImageStore:
        """The store the settings select, opened once and reused by the whole run."""
        if self._store is None:
            store = recording(open_store(self.settings), warn=self.warn)
            await store.open()
            self._store = store
            self._warn_about(store)
        return self._store

    async def open_store_for(self, target: str) -> ImageStore:
        """A second store named on the command line (e.g. ``copy --to``), opened once.

        The word is read by `open_target`: ``local:PATH`` or a path, ``cloud:NAME`` or a name.
        """
        if target not in self._others:
            store = recording(await open_target(self.settings, target), warn=self.warn)
            self._others[target] = store
            self._warn_about(store)
        return self._others[target]

    def _warn_about(self, store: ImageStore) -> None:
        """Show what a store wants a person to know, e.g. TLS verification switched off."""
        for message in getattr(store, "warnings", ()):
            self.warn(f"{store.label}: {message}")

    async def close(self) -> None:
        """Close every store this run opened."""
        stores = [s for s in (self._store, *self._others.values()) if s is not None]
        self._store = None
        self._others.clear()
        for store in stores:
            await store.close()

    def check_writable(self, action: str) -> None:
        """Refuse a write in read-only mode, naming the way out."""
        if self.settings.read_only:
            raise Forbidden(
                f"{action} refused: imagedeck is in read-only mode "
                "(drop --read-only or set read_only: false in the config file)"
            )

    # -- output --------------------------------------------------------------------

    # Every sink makes its text visible again: the renderers already did, and `visible` leaves
    # its own output unchanged, so this only catches a value a caller forgot.

    def emit(self, data: Any, text: str | None = None) -> None:
        """Print a command's result: JSON with ``--json``, else ``text`` or a rendering of ``data``.

        The text keeps its line breaks (tables, blocks); anything else a terminal would obey
        is shown as an escape.
        """
        if self.json:
            self.out.write(output.to_json(data) + "\n")
            return
        rendered = text if text is not None else output.render(data)
        if rendered:
            lines = rendered.removesuffix("\n").split("\n")
            self.out.write("\n".join(map(visible, lines)) + "\n")

    def note(self, message: str) -> None:
        """A human progress or confirmation line; quiet with ``--json`` so stdout stays parseable."""
        if not self.json:
            self.out.write(visible(message) + "\n")

    def warn(self, message: str) -> None:
        """A warning on stderr, shown in every output mode."""
        self.err.write(f"imagedeck: warning: {visible(message)}\n")

    def error(self, message: str) -> None:
        """A one-line failure on stderr that does not end the command (e.g. one of several deletes)."""
        self.err.write(f"imagedeck: {visible(message)}\n")

    # -- arguments -----------------------------------------------------------------

    async def resolve_image(self, store: ImageStore, ref: str) -> Image:
        """An image by id, or by a name that matches exactly one image this project can see.

        Shares still pending or rejected count too, so ``accept NAME`` works, and so do
        hidden images. Another project can give its image any name, so when a name matches
        several images the one this project owns wins only if it owns exactly one; any
        other ambiguity is an error listing every match, never a silent pick.
        """
        try:
            return await store.get_image(ref)
        except (NotFound, Invalid):
            pass
        matches: dict[str, Image] = {}
        for query in _NAME_LOOKUPS:
            for image in await store.all_images(dataclasses.replace(query, name=ref)):
                matches.setdefault(image.id, image)
        if not matches:
            raise NotFound(f"no image with id or name {ref!r}")
        if len(matches) == 1:
            return next(iter(matches.values()))
        me = (await store.whoami()).project_id
        owned = [image for image in matches.values() if image.owner == me]
        if len(owned) == 1:
            return owned[0]
        listed = [await _describe_match(store, image, me) for image in list(matches.values())[:_LISTED]]
        if len(matches) > _LISTED:
            listed.append(f"and {len(matches) - _LISTED} more")
        raise Invalid(f"name {ref!r} matches {len(matches)} images, use an id: {'; '.join(listed)}")


#: Where a name is looked for: the default view (own, public, accepted shares), shares
#: waiting for an answer or rejected, and hidden images. Every lookup is made, so a match
#: in one cannot hide a match in another.
_NAME_LOOKUPS = (
    ImageQuery(),
    ImageQuery(visibility="all", member_status="all"),
    ImageQuery(visibility="all", member_status="all", os_hidden=True),
)

#: Matches an ambiguity error describes one by one.
_LISTED = 10


async def _describe_match(store: ImageStore, image: Image, me: str) -> str:
    """``ID (owner O, STATUS, VISIBILITY, member M)``: enough to tell same-named images apart."""
    return (
        f"{image.id} (owner {image.owner or '-'}, {image.status}, {image.visibility}"
        f"{', hidden' if image.os_hidden else ''}, member {await _member_status(store, image, me)})"
    )


async def _member_status(store: ImageStore, image: Image, me: str) -> str:
    """This project's answer to a share of ``image``; "-" when it is not a member."""
    if image.owner == me or image.visibility != "shared":
        return "-"
    try:
        found = await store.list_members(image.id)
    except ImageDeckError:
        return "?"
    return next((str(m.status) for m in found if m.member_id == me), "-")


__all__ = ["CliContext", "Handler", "add_command"]
