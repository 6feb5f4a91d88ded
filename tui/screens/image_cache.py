"""``K`` or ``:cache``: the cloud's image cache, for its admins.

Lists cached images (size, hits, last access) and those queued to be cached. ``a`` queues
the image selected in the list, ``x`` drops the one under the cursor, ``C`` empties the
cache and its queue, ``P`` prunes it to its configured size, ``L`` removes stalled and
invalid files. The images themselves are never touched: only the cache's copies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..actions import bindings
from ..deck import DeckNode
from ..model import Image, ImageDeckError, describe_error, visible
from ..stores.operator import CacheEntry, ImageCache
from ..widgets.plain import plain

COLUMNS = ("Image", "Name", "State", "Size", "Hits", "Last access")


def _size(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1024**2:,.1f} MiB" if value >= 1024**2 else f"{value:,} B"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


class ImageCacheScreen(DeckNode, ModalScreen[None]):
    """The entries of ``cache``; ``selected`` is the list's image, for ``a``; ``names`` labels ids."""

    BINDINGS = bindings("image_cache")

    DEFAULT_CSS = """
    ImageCacheScreen { align: center middle; }
    ImageCacheScreen > #cache-box {
        width: 120; max-width: 100%; height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ImageCacheScreen #cache-table { height: 1fr; }
    ImageCacheScreen #cache-status { height: auto; padding-top: 1; }
    """

    def __init__(self, cache: ImageCache, selected: Image | None, names: dict[str, str]) -> None:
        super().__init__()
        self.cache = cache
        self.selected = selected
        self.names = names
        self.entries: tuple[CacheEntry, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="cache-box") as box:
            box.border_title = "Image cache — a queue · x remove · C clear · P prune · esc close"
            table: DataTable[Text] = DataTable(id="cache-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            yield table
            yield Static(plain("loading…"), id="cache-status")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def say(self, text: str) -> None:
        self.query_one("#cache-status", Static).update(plain(text))

    @work(exclusive=True, group="cache", exit_on_error=False)
    async def load(self, done: str = "") -> None:
        try:
            listing = await self.cache.listing()
        except ImageDeckError as exc:
            self.say(describe_error(exc))
            return
        self.entries = listing.entries
        table = self.query_one(DataTable)
        table.clear()
        for entry in self.entries:
            hits = str(entry.hits) if entry.state == "cached" else "-"
            name = self.names.get(entry.image_id, "")
            cells = (entry.image_id, name, entry.state, _size(entry.size), hits, _when(entry.last_accessed))
            table.add_row(*(Text(visible(cell)) for cell in cells))
        summary = f"{len(listing.cached)} cached, {len(listing.queued)} queued"
        self.say(f"{done} — {summary}" if done else summary)

    def _current(self) -> CacheEntry | None:
        row = self.query_one(DataTable).cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _change(self, call: Callable[[], Awaitable[object]], done: str) -> None:
        async def run() -> None:
            try:
                await call()
            except ImageDeckError as exc:
                self.say(describe_error(exc))
                return
            self.load(done)

        self.run_worker(run(), group="cache-change", exit_on_error=False)

    def action_reload(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_queue(self) -> None:
        image = self.selected
        if image is None:
            self.say("No image is selected in the list to queue")
            return
        self._change(lambda: self.cache.queue(image.id), f"queued {image.label}")

    def action_remove(self) -> None:
        entry = self._current()
        if entry is None:
            self.say("The cache is empty")
            return
        self._change(lambda: self.cache.remove(entry.image_id), f"removed {entry.image_id}")

    def action_clear(self) -> None:
        self._change(lambda: self.cache.clear("all"), "cleared the cache and its queue")

    def action_prune(self) -> None:
        async def prune() -> None:
            pruned = await self.cache.prune()
            self.say(f"pruned {pruned.files} files, {_size(pruned.bytes)}")

        self._change(prune, "pruned")

    def action_clean(self) -> None:
        self._change(self.cache.clean, "removed stalled and invalid cache files")
