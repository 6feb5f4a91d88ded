"""The main screen: image list, detail, shares and transfers, and every store call they need.

Panes only show things and post messages; this screen routes them, runs the store in
workers (never in handlers) and turns every failure into a notification in one place
(`on_worker_state_changed`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ..commands import Command, parse_command
from ..dialogs import (
    LOCAL_STORE,
    CloudPickerDialog,
    ConfirmDialog,
    ConvertDialog,
    CopyDialog,
    Destination,
    DownloadDialog,
    EditImageDialog,
    FilterDialog,
    ImportUrlDialog,
    MembersDialog,
    UploadDialog,
    VisibilityDialog,
)
from ..dialogs.convert import ConvertRequest, output_path
from ..dialogs.copy import CopyRequest
from ..messages import CommandEntered, FilterChanged
from ..model import (
    Change,
    Identity,
    Image,
    ImageDeckError,
    ImageQuery,
    ImageStatus,
    MemberStatus,
    Schema,
    SortKey,
    Visibility,
    visible,
)
from ..widgets.command_line import CommandLine, FilterLine
from ..widgets.detail_pane import DetailPane
from ..widgets.image_list import ImageList
from ..widgets.sharing_pane import SharingPane
from ..widgets.status_header import StatusHeader
from ..stores.targets import cloud_target, local_target
from ..transfers.convert import OUTPUT_FORMATS
from ..widgets.transfers_pane import TransfersPane

#: Images per page asked of the store; the first page shows as soon as it arrives.
PAGE_SIZE = 500

#: Seconds the cursor must rest before the detail pane renders the image under it.
DETAIL_DELAY = 0.06

#: Width below which the detail and sharing panes sit under the list, one at a time.
NARROW = 110

def describe_error(error: BaseException) -> str:
    """One line a person can act on; never a traceback."""
    if isinstance(error, ImageDeckError):
        return f"{error.kind}: {error}"
    return f"internal error: {type(error).__name__}: {error}"


class MainScreen(Screen):
    """Image list with detail and shares beside (wide) or below (narrow) it."""

    BINDINGS = [
        Binding("tab", "next_pane", "Next pane", show=False, id="main.next_pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="main.previous_pane"),
        Binding("escape", "back", "Clear filter, back to list", show=False, id="main.back"),
        Binding("ctrl+r", "reload", "Refresh", show=False, id="main.refresh"),
        Binding("f", "filters", "Filters", show=False, id="main.filters"),
        Binding("colon", "command_line", "Command", key_display=":", show=False, id="main.command"),
        Binding("u", "upload", "Upload", id="main.upload"),
        Binding("i", "import_url", "Import", show=False, id="main.import"),
        Binding("d", "download", "Download", show=False, id="main.download"),
        Binding("C", "copy_image", "Copy", tooltip="to another cloud or store, e.g. the local store as a cache",
                id="main.copy"),
        Binding("e", "edit", "Edit", id="main.edit"),
        Binding("p", "toggle_protected", "Protect", show=False, id="main.protect"),
        Binding("v", "visibility", "Visibility", show=False, id="main.visibility"),
        Binding("m", "members", "Members", show=False, id="main.members"),
        Binding("delete,ctrl+d", "delete", "Delete", show=False, id="main.delete"),
        Binding("y", "copy_id", "Copy id", show=False, id="main.copy_id"),
        Binding("c", "switch_cloud", "Cloud", show=False, id="main.cloud"),
        Binding("t", "toggle_transfers", "Transfers", show=False, id="main.transfers"),
    ]

    #: Actions that act on the image under the list cursor (not on a share).
    IMAGE_ACTIONS = frozenset({"download", "copy_image", "convert_image", "edit", "toggle_protected",
                               "visibility", "members", "delete", "copy_id"})

    def __init__(self) -> None:
        super().__init__()
        self.identity: Identity | None = None
        self.schema: Schema | None = None
        self.image_query = ImageQuery()
        self.all_loaded = False
        self._last_pane: Widget | None = None
        self._transfers_pane: TransfersPane | None = None
        self._pending_detail: Image | None = None
        self._detail_timer: Timer | None = None

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        yield StatusHeader(app.store.label, read_only=app.settings.read_only, id="header")
        with Container(id="body"):
            yield ImageList(clock=app.clock, id="images")
            with Container(id="side"):
                yield DetailPane(clock=app.clock, id="detail")
                yield SharingPane(clock=app.clock, id="sharing")
        self._transfers_pane = TransfersPane(id="transfers")
        yield self._transfers_pane
        yield FilterLine(id="filter")
        yield CommandLine(id="command")
        yield Footer(compact=True)

    @property
    def image_list(self) -> ImageList:
        return self.query_one("#images", ImageList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    @property
    def sharing(self) -> SharingPane:
        return self.query_one("#sharing", SharingPane)

    def on_mount(self) -> None:
        self.query_one("#side").add_class("-detail")
        self._apply_width(self.size.width)
        self.image_list.focus()
        self.connect()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")

    def _panes(self) -> list[Widget]:
        panes: list[Widget] = [self.image_list, self.detail, self.sharing]
        if self._transfers_pane is not None and self._transfers_pane.display:
            panes.append(self._transfers_pane)
        return panes

    def _focus_pane(self, pane: Widget) -> None:
        side = self.query_one("#side")
        if pane is self.detail:
            side.set_class(True, "-detail").set_class(False, "-sharing")
        elif pane is self.sharing:
            side.set_class(True, "-sharing").set_class(False, "-detail")
        self._last_pane = pane
        if pane.focusable:
            pane.focus()
        else:  # just made visible: focusable once the new styles apply
            self.call_after_refresh(pane.focus)

    def focus_previous_pane(self) -> None:
        """Back to the pane that had focus before a line input opened."""
        self._focus_pane(self._last_pane or self.image_list)

    def _current_pane(self) -> Widget:
        focused = self.focused
        for pane in self._panes():
            if focused is pane or (focused is not None and pane in focused.ancestors):
                return pane
        return self._last_pane or self.image_list

    def action_next_pane(self) -> None:
        panes = self._panes()
        current = self._current_pane()
        index = panes.index(current) if current in panes else -1
        self._focus_pane(panes[(index + 1) % len(panes)])

    def action_previous_pane(self) -> None:
        panes = self._panes()
        current = self._current_pane()
        index = panes.index(current) if current in panes else 0
        self._focus_pane(panes[(index - 1) % len(panes)])

    def action_focus_sharing(self) -> None:
        self._focus_pane(self.sharing)

    def action_back(self) -> None:
        """Esc: clear the filter first, then return to the list."""
        filter_line = self.query_one(FilterLine)
        if self.image_list.filter_text:
            filter_line.action_clear()
            self._focus_pane(self.image_list)
        elif self._current_pane() is not self.image_list:
            self._focus_pane(self.image_list)

    def action_toggle_transfers(self) -> None:
        pane = self._transfers_pane
        if pane is None:
            self.notify("Transfers are not available in this build", severity="warning")
            return
        pane.display = not pane.display
        if pane.display:
            self._focus_pane(pane)
        elif self.focused is None or pane in (self.focused, *self.focused.ancestors):
            self._focus_pane(self.image_list)

    def transfer_progress(self, progress: Any) -> None:
        """A transfer event: update its row; an image made in this store shows up in the list.

        Files and other stores (downloads, conversions to a file, copies) leave the list
        alone, so finishing one does not cost a new listing of a large cloud.
        """
        pane = self._transfers_pane
        if pane is None:
            return
        pane.update(progress)
        state = str(getattr(progress.state, "value", progress.state))
        if state == "done" and str(progress.destination).startswith(f"{self.app.store.label}: "):
            self.load_images(keep_rows=True)
        elif state == "failed":
            self.notify(progress.message or "transfer failed", title="Transfer failed", severity="error")

    def on_transfers_pane_cancel_requested(self, event: Any) -> None:
        self.app.cancel_transfer(event.job_id)

    def on_transfers_pane_retry_requested(self, event: Any) -> None:
        self.app.retry_transfer(event.job_id)

    def show_transfers(self) -> None:
        """Called when a transfer starts: the dock appears without taking focus."""
        if self._transfers_pane is not None:
            self._transfers_pane.display = True

    # -- connecting and loading ----------------------------------------------------

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        """Open the store and learn who we are; failure offers retry or another cloud."""
        store = self.app.store
        header = self.query_one(StatusHeader)
        header.set_store(store.label)
        self.image_list.loading_more = True
        try:
            await store.open()
            self.identity = await store.whoami()
        except ImageDeckError as exc:
            header.set_identity(None, "not connected")
            self.app.show_unreachable(describe_error(exc))
            return
        header.set_identity(self.identity)
        for warning in getattr(store, "warnings", ()):  # e.g. data files moved to quarantine
            self.notify(visible(f"{store.label}: {warning}"), severity="warning", timeout=8, markup=False)
        self.image_list.me = self.identity.project_id
        self.load_images(shares_after_first_page=True)

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
            async for page in self.app.store.list_images(self.image_query, page_size=PAGE_SIZE):
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
            found = groups[str(status)] = []
            # page by page: our own shared images come too, and may be most of the catalog
            async for page in self.app.store.list_images(query):
                found.extend(i for i in page if i.owner != me)
        self.sharing.set_shares(groups)

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_detail(self, image: Image) -> None:
        """Members of an image we own (the detail pane shows the record at once)."""
        if not self._lists_members(image):
            return
        try:
            members, note = await self.app.store.list_members(image.id), ""
        except ImageDeckError as exc:
            members, note = None, f"not loaded: {exc}"
        if self.detail.image is not None and self.detail.image.id == image.id:
            self.detail.show(self.detail.image, members, note)

    @work(group="poll", exit_on_error=False)
    async def poll(self, ids: list[str]) -> None:
        fresh = []
        for image_id in ids:
            try:
                fresh.append(await self.app.store.get_image(image_id))
            except ImageDeckError:
                continue
        self.image_list.update_images(fresh)

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
        loading = image is not None and self._lists_members(image)
        self.detail.show(image, None, "loading…" if loading else "")
        if loading:
            self.load_detail(image)

    def _lists_members(self, image: Image) -> bool:
        """The detail pane lists the members of shared images this project owns."""
        return self._is_owner(image) and image.visibility == Visibility.SHARED

    @on(ImageList.Opened)
    def _opened(self, event: ImageList.Opened) -> None:
        self._focus_pane(self.detail)

    @on(SharingPane.Opened)
    def _share_opened(self, event: SharingPane.Opened) -> None:
        self.detail.show(event.image)
        self._focus_pane(self.detail)

    @on(ImageList.FilterRequested)
    def _filter_requested(self) -> None:
        self._last_pane = self.image_list
        self.query_one(FilterLine).open()

    @on(FilterChanged)
    def _filter_changed(self, event: FilterChanged) -> None:
        self.image_list.set_filter(event.text)

    @on(ImageList.SortChanged)
    def _sort_changed(self, event: ImageList.SortChanged) -> None:
        self.image_query = dataclasses.replace(self.image_query, sort=(SortKey(event.key, event.direction),))
        if not self.all_loaded:
            self.load_images()

    @on(ImageList.PollDue)
    def _poll_due(self, event: ImageList.PollDue) -> None:
        self.poll(event.ids)

    @on(SharingPane.Answer)
    def _answer(self, event: SharingPane.Answer) -> None:
        if self._refuse_write("answer shares"):
            return
        self.answer_shares(event.images, event.status)

    @work(exclusive=True, group="answer", exit_on_error=False)
    async def answer_shares(self, images: list[Image], status: str) -> None:
        me = self.identity.project_id if self.identity else self.app.settings.project
        done = 0
        try:
            for image in images:
                await self.app.store.set_member_status(image.id, me, status)
                done += 1
        finally:
            self.sharing.marked.clear()
            if done:
                word = {"accepted": "Accepted", "rejected": "Rejected"}.get(status, "Set back to pending:")
                names = ", ".join(i.label for i in images[:done][:3]) + ("…" if done > 3 else "")
                self.notify(f"{word} {names}")
            self.load_shares()
            if done:
                self.load_images(keep_rows=True)

    # -- commands ------------------------------------------------------------------

    def action_command_line(self) -> None:
        self._last_pane = self._current_pane()
        self.query_one(CommandLine).open()

    @on(CommandEntered)
    def _command(self, event: CommandEntered) -> None:
        try:
            command = parse_command(event.text, self.image_query)
        except ImageDeckError as exc:
            self.notify(str(exc), title="Command", severity="error")
            return
        self.run_command(command)

    def run_command(self, command: Command) -> None:
        if command.name == "quit":
            self.app.action_request_quit()
        elif command.name == "help":
            self.app.action_help()
        elif command.name == "refresh":
            self.action_reload()
        elif command.name == "cloud":
            name = command.args[0]
            self.switch_to(None if name in ("local", ":local:") else name)
        elif command.name == "theme":
            self.app.switch_theme(command.args[0])
        elif command.name == "sort":
            key, direction = command.args
            self.image_list.set_sort(key, direction)
            self.image_query = dataclasses.replace(self.image_query, sort=(SortKey(key, direction),))
            if not self.all_loaded:
                self.load_images()
            self.notify(f"Sorted by {key} {direction}", timeout=2)
        elif command.name == "filter" and command.query is not None:
            self.set_query(command.query)
        elif command.name == "convert":
            self.convert_to_file(*command.args)

    def set_query(self, query: ImageQuery) -> None:
        """A new server-side filter: reload from the first page."""
        self.image_query = query
        self.load_images()
        shown = [f"{k}={v}" for k, v in query.to_glance_params() if k != "sort"]
        self.notify("Filter: " + (" ".join(shown) if shown else "none"), timeout=3)

    # -- permissions ---------------------------------------------------------------

    def _is_owner(self, image: Image) -> bool:
        return self.identity is not None and image.owner == self.identity.project_id

    def _refuse_write(self, what: str) -> bool:
        """Explain and refuse when the app runs read-only."""
        if self.app.settings.read_only:
            self.notify(f"Read-only mode: cannot {what}. Start imagedeck without --read-only to make changes.",
                        title="Read-only", severity="warning")
            return True
        return False

    def _owned_image(self, what: str) -> Image | None:
        """The image under the cursor if this project may change it, else explain and None."""
        image = self.image_list.current
        if image is None:
            self.notify("No image selected", severity="warning")
            return None
        if self._refuse_write(what):
            return None
        if not self._is_owner(image) and not (self.identity and self.identity.is_admin):
            me = self.identity.project_name if self.identity else "this project"
            self.notify(f"Only the owner project ({image.owner}) can {what} '{image.label}'; "
                        f"you act as {me}.", title="Not allowed", severity="warning")
            return None
        return image

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.IMAGE_ACTIONS:
            pane = self._current_pane() if self.is_mounted else None
            if pane is not None and pane not in (self.image_list, self.detail):
                return False
        return True

    # -- image actions -------------------------------------------------------------

    def _run(self, label: str, call: Callable[[], Awaitable[Any]]) -> None:
        """Run one store call in a worker; the result notifies, a failure reaches one handler."""

        async def job() -> Any:
            result = await call()
            self.notify(label, timeout=3)
            self.load_images(keep_rows=True)
            return result

        self.run_worker(job, name=label, group="write", exit_on_error=False)

    def action_copy_id(self) -> None:
        image = self.detail.image if self._current_pane() is self.detail else self.image_list.current
        if image is None:
            self.notify("No image selected", severity="warning")
            return
        self.app.copy_to_clipboard(image.id)
        self.notify(f"Copied id {image.id}", timeout=3)

    def action_toggle_protected(self) -> None:
        image = self._owned_image("protect or unprotect")
        if image is None:
            return
        wanted = not image.protected
        self._run(f"{'Protected' if wanted else 'Unprotected'} {image.label}",
                  lambda: self.app.store.update_image(image.id, [Change.replace("protected", wanted)]))

    def action_delete(self) -> None:
        image = self._owned_image("delete")
        if image is None:
            return
        if image.protected:
            self.notify(f"'{image.label}' is protected, so it cannot be deleted. "
                        "Press p to unprotect it first if you really mean to delete it.",
                        title="Protected", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(f"Deleted {image.label}", lambda: self._delete(image))

        self.app.push_screen(
            ConfirmDialog("Delete image", f"Delete '{image.label}' ({image.id}) and its data? "
                   "This cannot be undone."), answered)

    async def _delete(self, image: Image) -> None:
        await self.app.store.delete_image(image.id)
        self.image_list.remove_image(image.id)

    async def _schema(self) -> Schema:
        if self.schema is None:
            self.schema = await self.app.store.schema()
        return self.schema

    def action_edit(self) -> None:
        image = self._owned_image("edit")
        if image is None:
            return

        async def open_dialog() -> None:
            schema = await self._schema()

            async def apply(changes: list) -> None:
                await self.app.store.update_image(image.id, changes)

            def done(changes: list | None) -> None:
                if changes:
                    self.notify(f"Updated {image.label}", timeout=3)
                    self.load_images(keep_rows=True)

            self.app.push_screen(EditImageDialog(image, schema, apply=apply), done)

        self.run_worker(open_dialog, group="dialog", exit_on_error=False)

    def action_visibility(self) -> None:
        image = self._owned_image("change the visibility of")
        if image is None:
            return
        allowed = [v for v in Visibility if v != Visibility.PUBLIC or (self.identity and self.identity.is_admin)]

        def chosen(value: str | None) -> None:
            if value and value != image.visibility:
                        self._run(f"{image.label} is now {value}",
                          lambda: self.app.store.update_image(image.id, [Change.replace("visibility", value)]))

        self.app.push_screen(VisibilityDialog(image.visibility, [str(v) for v in allowed]), chosen)

    def action_members(self) -> None:
        image = self._owned_image("share")
        if image is None:
            return
        if image.visibility != Visibility.SHARED:
            self.notify(f"'{image.label}' is {image.visibility}: members apply only to shared images. "
                        "Press v to make it shared first.", title="Members", severity="warning")
            return

        async def open_dialog() -> None:
            members = await self.app.store.list_members(image.id)

            def done(result: Any) -> None:
                if result is not None and not result.empty:
                    self._run(f"Members of {image.label} updated", lambda: self._apply_members(image, result))

            self.app.push_screen(MembersDialog(image, members, resolve=self.app.store.resolve_project), done)

        self.run_worker(open_dialog, group="dialog", exit_on_error=False)

    async def _apply_members(self, image: Image, result: Any) -> None:
        """Adds hold project ids the dialog has looked up already: a name the store could not
        find was refused there, before anything was shared."""
        store = self.app.store
        for project in result.add:
            await store.add_member(image.id, project)
        for member in result.remove:
            await store.remove_member(image.id, member)
        if self.detail.image is not None and self.detail.image.id == image.id:
            self.detail.show(self.detail.image, await store.list_members(image.id))

    def action_filters(self) -> None:

        def chosen(query: ImageQuery | None) -> None:
            if query is not None:
                self.set_query(query)

        self.app.push_screen(FilterDialog(self.image_query), chosen)

    def download_dir(self) -> Path:
        """Where downloads and converted files land unless a path says otherwise."""
        return Path.cwd()

    def action_download(self) -> None:
        image = self.image_list.current
        if image is None:
            self.notify("No image selected", severity="warning")
            return

        dialog = DownloadDialog(image, self.download_dir())

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.app.start_download(image, path, replace=dialog.replace)

        self.app.push_screen(dialog, chosen)

    def _active_image(self, what: str) -> Image | None:
        """The image under the cursor if its data can be read, else explain and None."""
        image = self.image_list.current
        if image is None:
            self.notify("No image selected", severity="warning")
            return None
        if image.status != ImageStatus.ACTIVE:
            self.notify(f"'{image.label}' is {image.status}: only an active image has data to {what}.",
                        title="Not active", severity="warning")
            return None
        return image

    def copy_destinations(self) -> list[Destination]:
        """The local store (unless it is the one open), then every other cloud of clouds.yaml."""
        settings = self.app.settings
        found = []
        if settings.cloud is not None:
            found.append(Destination(local_target(settings.store_path),
                                     f"this machine's local store (cache): {settings.store_path}"))
        found += [Destination(cloud_target(name), f"cloud {name}")
                  for name in self.app.cloud_names() if name != settings.cloud]
        return found

    def action_copy_image(self) -> None:
        if self._refuse_write("copy images (a copy writes to the destination)"):
            return
        image = self._active_image("copy")
        if image is None:
            return
        settings = self.app.settings

        def chosen(request: CopyRequest | None) -> None:
            if request is not None:
                self.app.start_copy(image, request.destination.target, request.name)
                self.notify(f"Copying {image.label} to {request.destination.label}", timeout=3)

        current = settings.store_path if settings.cloud is None else None
        self.app.push_screen(CopyDialog(image, self.copy_destinations(), self.app.store.label, current), chosen)

    def action_convert_image(self) -> None:
        image = self._active_image("convert")
        if image is None:
            return

        def chosen(request: ConvertRequest | None) -> None:
            if request is not None:
                self.app.start_convert(image, request.out_format, request.path, request.name)

        into_store = not self.app.settings.read_only
        self.app.push_screen(ConvertDialog(image, OUTPUT_FORMATS, self.download_dir(), into_store=into_store),
                             chosen)

    def convert_to_file(self, out_format: str, path_text: str = "") -> None:
        """``:convert FORMAT [PATH]``: the selected image into a file, default NAME.FORMAT here."""
        image = self._active_image("convert")
        if image is None:
            return
        try:
            path = output_path(path_text, image, out_format, self.download_dir())
        except ValueError as exc:
            self.notify(str(exc), title="Convert", severity="error")
            return
        if path.exists():
            self.notify(f"{path} exists; give another path, or use the palette's Convert image… to replace it",
                        title="Convert", severity="warning")
            return
        self.app.start_convert(image, out_format, path)

    def action_upload(self) -> None:
        if self._refuse_write("upload images"):
            return

        async def open_dialog() -> None:
            schema = await self._schema()
            self.app.push_screen(UploadDialog(schema, Path.cwd()), self._upload_chosen)

        self.run_worker(open_dialog, group="dialog", exit_on_error=False)

    def _upload_chosen(self, request: Any) -> None:
        if request is not None:
            self.app.start_upload(request)

    def action_import_url(self) -> None:
        if self._refuse_write("import images"):
            return

        async def open_dialog() -> None:
            schema = await self._schema()
            self.app.push_screen(ImportUrlDialog(schema), self._import_chosen)

        self.run_worker(open_dialog, group="dialog", exit_on_error=False)

    def _import_chosen(self, request: Any) -> None:
        if request is not None:
            self.app.start_import(request)

    # -- clouds --------------------------------------------------------------------

    def action_switch_cloud(self) -> None:
        current = self.app.settings.cloud or LOCAL_STORE

        def chosen(name: str | None) -> None:
            if name is not None and name != current:
                self.switch_to(None if name == LOCAL_STORE else name)

        self.app.push_screen(CloudPickerDialog(self.app.cloud_names(), current), chosen)

    def switch_to(self, cloud: str | None) -> None:
        """Open another store (a cloud, or the local store for None) and reload everything."""
        try:
            self.app.use_store(cloud)
        except ImageDeckError as exc:
            self.notify(describe_error(exc), title="Cannot switch", severity="error")
            return
        self.identity = None
        self.schema = None
        self.image_list.set_images([])
        self.sharing.set_shares({})
        self.detail.show(None)
        self.connect()

    # -- failures, in one place ----------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        message = describe_error(error) if error is not None else "unknown error"
        group = event.worker.group
        if group == "shares":
            self.sharing.show_message(f"Shares could not be loaded — {message}. Press ctrl+r to retry.")
        self.notify(message, title="Failed" if group != "images" else "Listing failed",
                    severity="error", timeout=8)
