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
from ..model import Forbidden, Image, ImageQuery, Invalid, NotFound
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
            store = open_store(self.settings)
            await store.open()
            self._store = store
            self._warn_about(store)
        return self._store

    async def open_store_for(self, target: str) -> ImageStore:
        """A second store named on the command line (e.g. ``copy --to``), opened once.

        The word is read by `open_target`: ``local:PATH`` or a path, ``cloud:NAME`` or a name.
        """
        if target not in self._others:
            store = await open_target(self.settings, target)
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

    def emit(self, data: Any, text: str | None = None) -> None:
        """Print a command's result: JSON with ``--json``, else ``text`` or a rendering of ``data``."""
        if self.json:
            self.out.write(output.to_json(data) + "\n")
            return
        rendered = text if text is not None else output.render(data)
        if rendered:
            self.out.write(rendered if rendered.endswith("\n") else rendered + "\n")

    def note(self, message: str) -> None:
        """A human progress or confirmation line; quiet with ``--json`` so stdout stays parseable."""
        if not self.json:
            self.out.write(message + "\n")

    def warn(self, message: str) -> None:
        """A warning on stderr, shown in every output mode."""
        self.err.write(f"imagedeck: warning: {message}\n")

    # -- arguments -----------------------------------------------------------------

    async def resolve_image(self, store: ImageStore, ref: str) -> Image:
        """An image by id, or by a name that matches exactly one image this project can see.

        Shares still pending or rejected count too, so ``accept NAME`` works, and so do
        hidden images.
        """
        try:
            return await store.get_image(ref)
        except (NotFound, Invalid):
            pass
        matches: list[Image] = []
        for query in _NAME_LOOKUPS:
            matches = await store.all_images(dataclasses.replace(query, name=ref))
            if matches:
                break
        if not matches:
            raise NotFound(f"no image with id or name {ref!r}")
        if len(matches) > 1:
            listed = "; ".join(
                f"{image.id} (owner {image.owner or '-'}, {image.status})" for image in matches
            )
            raise Invalid(
                f"name {ref!r} matches {len(matches)} images, use an id: {listed}"
            )
        return matches[0]


#: Where a name is looked for, in order: the default view first (own, public, accepted
#: shares), then shares waiting for an answer or rejected, then hidden images.
_NAME_LOOKUPS = (
    ImageQuery(),
    ImageQuery(visibility="all", member_status="all"),
    ImageQuery(visibility="all", member_status="all", os_hidden=True),
)


__all__ = ["CliContext", "Handler", "add_command"]
