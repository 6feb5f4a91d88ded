"""The main screen: image list, detail, shares and transfers, laid out and wired together.

Panes only show things and post messages; this screen routes them. What the keys do
lives in the mixins it is made of (images, sharing, transfers, commands, permissions),
the loaders in `MainState`. Every failure of a worker becomes one notification here.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ..actions import bindings
from ..messages import FilterChanged
from ..model import Image, ImageQuery, describe_error
from ..widgets.command_line import CommandLine, FilterLine
from ..widgets.detail_pane import DetailPane
from ..widgets.image_list import ImageList
from ..widgets.pane_titles import query_words, side_titles
from ..widgets.sharing_pane import SharingPane
from ..widgets.status_header import StatusHeader
from ..widgets.transfers_pane import TransfersPane
from .bulk_actions import BulkActions
from .command_dispatch import CommandDispatch
from .history_actions import HistoryActions
from .main_state import PAGE_SIZE
from .operator_actions import OperatorActions
from .sharing_actions import SharingActions
from .transfer_actions import TransferActions

#: Seconds the cursor must rest before the detail pane renders the image under it.
DETAIL_DELAY = 0.06

#: Width below which the detail and sharing panes sit under the list, one at a time, as tabs.
#: From here up the list beside a side column of 42 cells still gives names 28 cells.
NARROW = 110

__all__ = ["DETAIL_DELAY", "NARROW", "PAGE_SIZE", "MainScreen"]


class MainScreen(
    OperatorActions, BulkActions, CommandDispatch, HistoryActions, SharingActions, TransferActions
):
    """Image list with detail and shares beside (wide) or below (narrow) it."""

    BINDINGS = bindings("main")

    def __init__(self) -> None:
        super().__init__()
        self._pending_detail: Image | None = None
        self._detail_timer: Timer | None = None
        self._had_selection = False
        self._pending_shares = 0

    @property
    def image_query(self) -> ImageQuery:
        return self._image_query

    @image_query.setter
    def image_query(self, query: ImageQuery) -> None:
        """Wherever the server-side filter changes, the list's title shows the new one."""
        self._image_query = query
        if self.is_mounted:
            self.image_list.query_note = query_words(query)

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        deck = self.deck
        yield StatusHeader(deck.store.label, read_only=deck.settings.read_only, id="header")
        with Container(id="body"):
            yield ImageList(clock=deck.clock, id="images")
            with Container(id="side"):
                yield DetailPane(clock=deck.clock, id="detail")
                yield SharingPane(clock=deck.clock, id="sharing")
        yield TransfersPane(id="transfers")
        yield FilterLine(id="filter")
        yield CommandLine(id="command")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#side").add_class("-detail")
        self.image_list.query_note = query_words(self.image_query)
        self._apply_width(self.size.width)
        self.image_list.focus()
        self.connect()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        self._retitle_side()

    def _retitle_side(self) -> None:
        """Side by side the panes name themselves; sharing the slot, their titles are its tabs."""
        showing = "sharing" if self.query_one("#side").has_class("-sharing") else "detail"
        detail, sharing = side_titles(
            tabs=self.has_class("-narrow"), showing=showing, pending=self._pending_shares
        )
        self.detail.border_title = detail
        self.sharing.border_title = sharing

    # -- moving between panes --------------------------------------------------------

    def focus_pane(self, pane: Widget) -> None:
        super().focus_pane(pane)
        self._retitle_side()  # the tab showing may have changed

    def action_focus_detail(self) -> None:
        self.focus_pane(self.detail)

    def focus_previous_pane(self) -> None:
        """Back to the pane that had focus before a line input opened."""
        self.focus_pane(self.last_pane or self.image_list)

    def action_next_pane(self) -> None:
        panes = self.panes()
        current = self.current_pane()
        index = panes.index(current) if current in panes else -1
        self.focus_pane(panes[(index + 1) % len(panes)])

    def action_previous_pane(self) -> None:
        panes = self.panes()
        current = self.current_pane()
        index = panes.index(current) if current in panes else 0
        self.focus_pane(panes[(index - 1) % len(panes)])

    def action_back(self) -> None:
        """Esc: clear the `/` filter first, then return to the list, then clear the structured filter."""
        words = query_words(self.image_query)
        if self.image_list.filter_text:
            self.query_one(FilterLine).action_clear()
            self.focus_pane(self.image_list)
            self.notify("Filter cleared", timeout=2)
        elif self.current_pane() is not self.image_list:
            self.focus_pane(self.image_list)
        elif words:
            self.image_query = ImageQuery(sort=self.image_query.sort)
            self.load_images()
            self.notify(f"Filter {words} cleared", timeout=3)

    def action_reload(self) -> None:
        """ctrl+r: rows are replaced by id when the new listing is complete; the cursor stays."""
        self.load_images(keep_rows=True)
        self.load_shares()
        self.notify("Refreshing…", timeout=2)

    # -- messages from the panes ---------------------------------------------------

    @on(ImageList.Highlighted)
    def _highlighted(self, event: ImageList.Highlighted) -> None:
        """Show the image once the cursor rests: holding page-down renders the detail once."""
        self._pending_detail = event.image
        if (event.image is not None) != self._had_selection:  # actions on the image change state
            self._had_selection = event.image is not None
            self.refresh_bindings()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_detail)

    def _show_detail(self) -> None:
        self._detail_timer = None
        image = self._pending_detail
        same = self.detail.image is not None and image is not None and self.detail.image.id == image.id
        if same:
            self.detail.show(image, self.detail.members, self.detail.members_note)
            return
        # a placeholder line where the members will be keeps the pane's height when they arrive
        loading = image is not None and self.lists_members(image)
        self.detail.show(image, None, "loading…" if loading else "")
        if image is not None and loading:
            self.load_detail(image)

    @on(ImageList.Opened)
    def _opened(self, event: ImageList.Opened) -> None:
        self.focus_pane(self.detail)

    @on(ImageList.FilterRequested)
    def _filter_requested(self) -> None:
        self.last_pane = self.image_list
        self.query_one(FilterLine).open()

    @on(FilterChanged)
    def _filter_changed(self, event: FilterChanged) -> None:
        self.image_list.set_filter(event.text)

    @on(ImageList.SortChanged)
    def _sort_changed(self, event: ImageList.SortChanged) -> None:
        self.sort_by(event.key, event.direction)

    @on(SharingPane.Counted)
    def _shares_counted(self, event: SharingPane.Counted) -> None:
        self._pending_shares = event.pending
        self.query_one(StatusHeader).set_pending(event.pending)
        self._retitle_side()

    @on(ImageList.PollDue)
    def _poll_due(self, event: ImageList.PollDue) -> None:
        self.poll(event.ids)

    # -- failures, in one place ----------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        message = describe_error(error) if error is not None else "unknown error"
        group = event.worker.group
        if group == "shares":
            self.sharing.show_message(f"Shares could not be loaded — {message}. Press ctrl+r to retry.")
        self.notify(
            message, title="Failed" if group != "images" else "Listing failed", severity="error", timeout=8
        )
