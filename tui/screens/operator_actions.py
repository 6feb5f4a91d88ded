"""The main screen's operator keys: hidden images (``H``), an image's tasks (``T``), the image
cache (``K``, ``:cache``), and the quota gauge and hidden count in the header.

The gauge and the count are read again whenever the list has been loaded, which every
change, transfer and refresh ends with, so they follow what this session does. The cache
key shows only for an admin of a cloud that has a cache: that is asked once per store.
"""

from __future__ import annotations

import dataclasses

from textual import on, work
from textual.worker import Worker, WorkerState

from ..commands import Command
from ..model import ImageDeckError, ImageQuery
from ..stores.operator import CacheNotAvailable
from ..widgets.status_header import StatusHeader
from .permissions import Permissions

#: Hidden images counted per request.
HIDDEN_PAGE = 1000


class OperatorActions(Permissions):
    """Keys and header parts for quotas, hidden images, tasks and the image cache."""

    #: None until asked; then "" when the cache can be managed, else why not.
    cache_refusal: str | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "image_cache" and self.cache_refusal != "":
            return False
        return super().check_action(action, parameters)

    # -- hidden images -----------------------------------------------------------------

    def action_toggle_hidden(self) -> None:
        showing = self.image_query.os_hidden is True
        self.image_query = dataclasses.replace(self.image_query, os_hidden=None if showing else True)
        self.load_images()
        if showing:
            self.notify("Hidden images are left out again", timeout=3)
        else:
            self.notify("Listing the hidden images only; H lists the others again", timeout=4)

    # -- tasks and the cache ---------------------------------------------------------

    def action_image_tasks(self) -> None:
        from .tasks import TasksScreen

        image = self.selected_image()
        if image is not None:
            self.app.push_screen(TasksScreen(image))

    def action_image_cache(self) -> None:
        from .image_cache import ImageCacheScreen

        cache = self.deck.store.image_cache()
        if cache is None or self.cache_refusal != "":
            why = self.cache_refusal or f"{self.deck.store.label} has no image cache"
            self.notify(why, title="Image cache not available", severity="warning", timeout=6)
            return
        names = {image.id: image.label for image in self.image_list.images}
        self.app.push_screen(ImageCacheScreen(cache, self.image_list.current, names))

    def command_image_cache(self, command: Command) -> None:
        self.action_image_cache()

    # -- the header's gauge and hidden count -------------------------------------------

    @on(Worker.StateChanged)
    def _operator_views_due(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.SUCCESS:
            return
        if event.worker.group == "connect":
            self.cache_refusal = None
        if event.worker.group == "images":
            self.load_usage()

    @work(exclusive=True, group="usage", exit_on_error=False)
    async def load_usage(self) -> None:
        store = self.deck.store
        try:
            uses = await store.usage()
        except ImageDeckError:
            uses = ()
        hidden = 0 if self.image_query.os_hidden is True else await self._count_hidden()
        self.query_one(StatusHeader).set_usage(uses, hidden)
        if self.cache_refusal is None:
            self.cache_refusal = await self._cache_refusal()
            self.refresh_bindings()

    async def _count_hidden(self) -> int:
        count = 0
        try:
            async for page in self.deck.store.list_images(ImageQuery(os_hidden=True), page_size=HIDDEN_PAGE):
                count += len(page)
        except ImageDeckError:
            return 0
        return count

    async def _cache_refusal(self) -> str:
        """ "" when this user may manage the store's image cache, else one sentence why not."""
        cache = self.deck.store.image_cache()
        label = self.deck.store.label
        if cache is None:
            return f"{label} has no image cache"
        if self.identity is None or not self.identity.is_admin:
            return f"{label}: the image cache is managed by the cloud's admins only"
        try:
            await cache.listing()
        except CacheNotAvailable as exc:
            return exc.message
        except ImageDeckError as exc:
            return f"{label}: the image cache could not be read ({exc})"
        return ""
