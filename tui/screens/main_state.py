"""What every part of the main screen shares: its state, its panes, and the workers that load them.

Panes only show things and post messages; the screen runs the store in workers (never
in handlers), and every failure of a worker reaches one handler on `MainScreen`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import work
from textual.screen import Screen
from textual.widget import Widget

from ..deck import DeckNode
from ..model import Identity, Image, ImageDeckError, ImageQuery, MemberStatus, Schema, describe_error
from ..widgets.detail_pane import DetailPane
from ..widgets.image_list import ImageList
from ..widgets.sharing_pane import SharingPane
from ..widgets.status_header import StatusHeader
from ..widgets.transfers_pane import TransfersPane

#: Images per page asked of the store; the first page shows as soon as it arrives.
PAGE_SIZE = 500


class MainState(DeckNode, Screen[None]):
    """The main screen's state and loaders; `MainScreen` adds the layout and the actions."""

    def __init__(self) -> None:
        super().__init__()
        self.identity: Identity | None = None
        self.schema: Schema | None = None
        self.image_query = ImageQuery()
        self.all_loaded = False
        self.last_pane: Widget | None = None

    # -- panes ---------------------------------------------------------------------

    @property
    def image_list(self) -> ImageList:
        return self.query_one("#images", ImageList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    @property
    def sharing(self) -> SharingPane:
        return self.query_one("#sharing", SharingPane)

    @property
    def transfers_pane(self) -> TransfersPane:
        return self.query_one("#transfers", TransfersPane)

    def panes(self) -> list[Widget]:
        panes: list[Widget] = [self.image_list, self.detail, self.sharing]
        if self.transfers_pane.display:
            panes.append(self.transfers_pane)
        return panes

    def focus_pane(self, pane: Widget) -> None:
        side = self.query_one("#side")
        if pane is self.detail:
            side.set_class(True, "-detail").set_class(False, "-sharing")
        elif pane is self.sharing:
            side.set_class(True, "-sharing").set_class(False, "-detail")
        self.last_pane = pane
        if pane.focusable:
            pane.focus()
        else:  # just made visible: focusable once the new styles apply
            self.call_after_refresh(pane.focus)

    def current_pane(self) -> Widget:
        focused = self.focused
        for pane in self.panes():
            if focused is pane or (focused is not None and pane in focused.ancestors):
                return pane
        return self.last_pane or self.image_list

    # -- loading -------------------------------------------------------------------

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        """Open the store and learn who we are; failure offers retry or another cloud."""
        store = self.deck.store
        header = self.query_one(StatusHeader)
        header.set_store(store.label)
        self.image_list.loading_more = True
        try:
            await store.open()
            self.identity = await store.whoami()
        except ImageDeckError as exc:
            header.set_identity(None, "not connected")
            self.deck.show_unreachable(describe_error(exc))
            return
        header.set_identity(self.identity)
        for warning in getattr(store, "warnings", ()):  # e.g. data files moved to quarantine
            self.notify(f"{store.label}: {warning}", severity="warning", timeout=8)
        self.image_list.me = self.identity.project_id
        self.image_list.filling = self.deck.jobs.filling
        self.load_images(shares_after_first_page=True)
        self.load_owner_names()

    @work(exclusive=True, group="owner-names", exit_on_error=False)
    async def load_owner_names(self) -> None:
        """Project names for owners, asked once per store; without them owners stay ids."""
        store = self.deck.store
        try:
            names = await store.project_names()
        except ImageDeckError:
            names = {}  # a nicety: the short ids still tell projects apart
        if store is self.deck.store:
            for pane in (self.image_list, self.detail, self.sharing):
                pane.set_owner_names(names)

    @work(exclusive=True, group="images", exit_on_error=False)
    async def load_images(self, keep_rows: bool = False, shares_after_first_page: bool = False) -> None:
        """Stream every page; the first page replaces the rows at once unless refreshing.

        ``shares_after_first_page`` starts reading the shares once the first rows are on
        screen (or the listing ended early), so the two do not compete for the store then.
        """
        images = self.image_list
        images.loading_more = True
        self.all_loaded = False
        loaded: list[Image] = []
        first = True

        def first_rows_shown() -> None:
            nonlocal shares_after_first_page
            if shares_after_first_page:
                shares_after_first_page = False
                self.load_shares()

        try:
            async for page in self.deck.store.list_images(self.image_query, page_size=PAGE_SIZE):
                if keep_rows:
                    loaded.extend(page)
                elif first:
                    images.set_images(page)
                    first = False
                    first_rows_shown()
                else:
                    images.append_images(page)
            if keep_rows:
                images.set_images(loaded)
            elif first:
                images.set_images([])
            self.all_loaded = True
        finally:
            images.loading_more = False
            images.refresh()
            first_rows_shown()

    @work(exclusive=True, group="shares", exit_on_error=False)
    async def load_shares(self) -> None:
        """Images other projects shared with us, by our answer."""
        me = self.identity.project_id if self.identity else None
        groups: dict[str, list[Image]] = {}
        for status in (MemberStatus.PENDING, MemberStatus.ACCEPTED, MemberStatus.REJECTED):
            query = ImageQuery(visibility="shared", member_status=str(status))
            found: list[Image] = []
            groups[str(status)] = found
            # page by page: our own shared images come too, and may be most of the catalog
            async for page in self.deck.store.list_images(query):
                found.extend(i for i in page if i.owner != me)
        self.sharing.set_shares(groups)

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_detail(self, image: Image) -> None:
        """Members of an image we own (the detail pane shows the record at once)."""
        try:
            members, note = await self.deck.store.list_members(image.id), ""
        except ImageDeckError as exc:
            members, note = None, f"not loaded: {exc}"
        if self.detail.image is not None and self.detail.image.id == image.id:
            self.detail.show(self.detail.image, members, note)

    @work(group="poll", exit_on_error=False)
    async def poll(self, ids: list[str]) -> None:
        """Fetch the changing images on screen; one that changed brings the next poll closer."""
        fresh = []
        for image_id in ids:
            try:
                fresh.append(await self.deck.store.get_image(image_id))
            except ImageDeckError:
                continue
        self.image_list.update_images(fresh)

    def run_store_call(self, label: str, call: Callable[[], Awaitable[Any]]) -> None:
        """Run one store call in a worker; the result notifies, a failure reaches one handler."""

        async def job() -> Any:
            result = await call()
            self.notify(label, timeout=3)
            self.load_images(keep_rows=True)
            return result

        self.run_worker(job, name=label, group="write", exit_on_error=False)

    async def image_schema(self) -> Schema:
        if self.schema is None:
            self.schema = await self.deck.store.schema()
        return self.schema
