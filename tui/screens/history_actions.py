"""``@`` opens the action log; ``z`` undoes the last change made here, after a preview.

The undo is planned in a worker (it reads the image and the log), shown in a confirm
dialog saying what it restores, and carried out through the recording store, so it is
logged in turn. A refusal (changed since, cannot be undone, image gone) is one notice.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from ..actions import BY_ID, refusal
from ..dialogs import ConfirmDialog
from ..history import Entry, RecordingStore, UndoPlan, apply_undo, find_entry, last_undoable, plan_undo
from ..model import ImageDeckError
from .permissions import Permissions


class HistoryActions(Permissions):
    """The main screen's keys for the action log and undo."""

    def action_action_log(self) -> None:
        from .action_log import ActionLogScreen

        self.app.push_screen(ActionLogScreen(on_undo=self.undo_entry))

    def action_undo(self) -> None:
        self.undo_entry(None)

    def undo_entry(self, entry_id: str | None, done: Callable[[], None] | None = None) -> None:
        """Plan the undo of ``entry_id`` (None: the last undoable change here), ask, apply."""
        if self.deck.settings.read_only:
            self.notify(refusal(BY_ID["main.undo"]), title="Read-only", severity="warning")
            return
        self._plan_undo(entry_id, done)

    @work(exclusive=True, group="undo", exit_on_error=False)
    async def _plan_undo(self, entry_id: str | None, done: Callable[[], None] | None) -> None:
        store = self.deck.store
        if not isinstance(store, RecordingStore):
            self.notify("This store does not record changes, so there is nothing to undo", severity="warning")
            return
        read = store.log.read()
        if warning := read.warning(store.log.path):
            self.notify(warning, severity="warning")
        try:
            entry = await self._pick(store, read.entries, entry_id)
            if entry is None:
                return
            plan = await plan_undo(store, entry, entries=read.entries)
        except ImageDeckError as exc:
            self.notify(exc.message, title="Cannot undo", severity="warning", timeout=8)
            return
        self._confirm(store, plan, done)

    async def _pick(self, store: RecordingStore, entries: list[Entry], entry_id: str | None) -> Entry | None:
        if entry_id is not None:
            return find_entry(entries, entry_id)
        place = await store.place()
        entry = last_undoable(entries, place)
        if entry is None:
            self.notify(f"Nothing to undo at {place.describe()}", timeout=4)
        return entry

    def _confirm(self, store: RecordingStore, plan: UndoPlan, done: Callable[[], None] | None) -> None:
        entry = plan.entry
        question = (
            f"Undo the {entry.action.replace('_', ' ')} of '{entry.image_label}' ({entry.time}): "
            f"{plan.preview()}?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(store, plan, done)

        self.app.push_screen(ConfirmDialog("Undo change", question, confirm_label="Undo"), answered)

    @work(exclusive=True, group="write", exit_on_error=False)
    async def _apply(self, store: RecordingStore, plan: UndoPlan, done: Callable[[], None] | None) -> None:
        await apply_undo(store, plan)
        self.notify(f"Undone: {plan.preview()}", timeout=5)
        self.load_images(keep_rows=True)
        if plan.entry.action in ("add_member", "remove_member", "member_status"):
            self.load_shares()
        if self.detail.image is not None and self.detail.image.id == plan.entry.image_id:
            image = await store.get_image(plan.entry.image_id)
            self.detail.show(image, None, "loading…" if self.lists_members(image) else "")
            if self.lists_members(image):
                self.load_detail(image)
        if done is not None:
            done()
