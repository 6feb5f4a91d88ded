"""Answers to the shares other projects offer this one (accept, reject, back to pending)."""

from __future__ import annotations

from textual import on, work

from ..model import Image
from ..widgets.sharing_pane import SharingPane
from .main_state import MainState


class SharingActions(MainState):
    """The sharing pane marks and asks; the store calls run here, one share after another."""

    def action_focus_sharing(self) -> None:
        self.focus_pane(self.sharing)

    @on(SharingPane.Opened)
    def _share_opened(self, event: SharingPane.Opened) -> None:
        self.detail.show(event.image)
        self.focus_pane(self.detail)

    @on(SharingPane.Answer)
    def _answer(self, event: SharingPane.Answer) -> None:
        self.answer_shares(event.images, event.status)

    @work(exclusive=True, group="answer", exit_on_error=False)
    async def answer_shares(self, images: list[Image], status: str) -> None:
        me = self.identity.project_id if self.identity else self.deck.settings.project
        done = 0
        try:
            for image in images:
                await self.deck.store.set_member_status(image.id, me, status)
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
