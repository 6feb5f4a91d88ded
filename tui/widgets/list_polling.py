"""Polling of the image list: only images that change by themselves, less and less often.

Kept apart from the drawing of the list: which images are worth fetching again, and
when, depends only on their status, on what is on screen, and on what this session is
uploading into.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from textual.message import Message
from textual.scroll_view import ScrollView
from textual.timer import Timer

from ..model import Image, ImageStatus

#: Seconds before an image that is changing on screen is fetched again; doubled after
#: every poll, up to `POLL_MAX_SECONDS`, and back to the first after a change, so a long
#: import costs a few requests a minute and a quick one is seen finishing at once.
POLL_FIRST_SECONDS = 2.0
POLL_MAX_SECONDS = 60.0

#: Statuses that change with nobody here acting. A queued (or staged) image only waits for
#: data: it is polled only while this session writes into it, so an idle list costs nothing.
CHANGING_STATUSES = frozenset({ImageStatus.SAVING, ImageStatus.IMPORTING, ImageStatus.PENDING_DELETE})


class PollingList(ScrollView):
    """A scrolling list that asks for its changing images on screen to be fetched again.

    Subclasses say what is on screen (`visible_images`); the screen answers `PollDue`
    with fresh records.
    """

    class PollDue(Message):
        """Images changing on screen should be fetched again."""

        def __init__(self, ids: list[str]) -> None:
            super().__init__()
            self.ids = ids

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._poll_timer: Timer | None = None
        #: Ids of images this session is writing into (its uploads and imports), set by the screen.
        self.filling: Callable[[], Collection[str]] = frozenset
        self.poll_first = POLL_FIRST_SECONDS
        self.poll_max = POLL_MAX_SECONDS
        #: Seconds until the next poll while one is due.
        self.poll_delay = self.poll_first

    def visible_images(self) -> list[Image]:
        """The images on screen now."""
        raise NotImplementedError

    def changing(self, image: Image) -> bool:
        """Whether ``image`` may change by itself, or is being filled by this session."""
        if image.status in CHANGING_STATUSES:
            return True
        waiting = image.status in (ImageStatus.QUEUED, ImageStatus.UPLOADING)
        return waiting and image.id in self.filling()

    def _poll_ids(self) -> list[str]:
        return [i.id for i in self.visible_images() if self.changing(i)]

    def update_poll(self) -> None:
        """Keep a poll timer only while changing images are on screen."""
        due = bool(self._poll_ids())
        if due and self._poll_timer is None and self.is_mounted:
            self._poll_timer = self.set_timer(self.poll_delay, self._poll)
        elif not due:
            self._stop_poll()

    def _stop_poll(self) -> None:
        """No poll pending; the next one, if any, comes after the first delay again."""
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self.poll_delay = self.poll_first

    @property
    def polling(self) -> bool:
        return self._poll_timer is not None

    def _poll(self) -> None:
        """Ask for the changing images, then wait twice as long unless an answer changes a row."""
        self._poll_timer = None
        ids = self._poll_ids()
        if not ids:
            self.poll_delay = self.poll_first
            return
        self.post_message(self.PollDue(ids))
        self.poll_delay = min(self.poll_delay * 2, self.poll_max)
        self._poll_timer = self.set_timer(self.poll_delay, self._poll)
