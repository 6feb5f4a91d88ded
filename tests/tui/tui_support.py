"""What app tests share besides fixtures: a fixed "now" and helpers to wait on and read the app.

Kept out of conftest.py so test modules import it by a name no other test directory uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from imagedeck.app import ImageDeckApp
from imagedeck.model import visible

DEMO_PROJECT = "demo"

#: "Now" for every test: ages shown in the list are computed against it.
NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


async def wait_for(predicate: Callable[[], object], pilot, timeout: float = 10.0) -> None:
    """Poll ``predicate`` between pauses until it is true or the deadline passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met before the deadline")
        await pilot.pause(0.02)


async def loaded(app: ImageDeckApp, pilot) -> None:
    """Wait until the list and the shares are loaded."""
    from imagedeck.screens.main import MainScreen

    await wait_for(lambda: isinstance(app.screen, MainScreen), pilot)
    screen = app.screen
    await wait_for(lambda: screen.all_loaded and screen.sharing.loaded, pilot)
    await wait_for(lambda: shown_in_detail(app) == screen.image_list.current, pilot)
    await app.workers.wait_for_complete()


#: What each app has notified since its notifications were last cleared, as shown (see `record_notes`).
_NOTES: WeakKeyDictionary[ImageDeckApp, list[str]] = WeakKeyDictionary()


def record_notes(monkeypatch) -> None:
    """Keep every notification's text as shown, through the app's own `notify`, not Textual's internals."""
    notify, clear = ImageDeckApp.notify, ImageDeckApp.clear_notifications

    def recording_notify(app: ImageDeckApp, message: str, **options) -> None:
        _NOTES.setdefault(app, []).append(visible(message))
        notify(app, message, **options)

    def recording_clear(app: ImageDeckApp) -> None:
        _NOTES.pop(app, None)
        clear(app)

    monkeypatch.setattr(ImageDeckApp, "notify", recording_notify)
    monkeypatch.setattr(ImageDeckApp, "clear_notifications", recording_clear)


def notes(app: ImageDeckApp) -> list[str]:
    """Texts of the notifications shown since the last `clear_notifications`."""
    return list(_NOTES.get(app, []))


def shown_in_detail(app: ImageDeckApp):
    """The image the detail pane shows (it follows the list's cursor once the cursor rests)."""
    return app.screen.detail.image


def image_named(app: ImageDeckApp, name: str):
    return next(i for i in app.screen.image_list.images if i.name == name)


async def select(app: ImageDeckApp, pilot, name: str) -> None:
    """Put the list cursor on an image by name."""
    image = image_named(app, name)
    assert app.screen.image_list.select_id(image.id)
    await wait_for(lambda: shown_in_detail(app) == image, pilot)


def rows_drawn(pane, *job_ids: str) -> bool:
    """Each job's row of the transfers pane is mounted and shows the state of its newest event."""
    for job_id in job_ids:
        if job_id not in pane.job_ids:
            return False
        row = pane.row(job_id)
        states = row.query(".transfer-state")
        if not states or str(states.first().content) != str(row.progress.state):
            return False
    return True


def palette_offers(app: ImageDeckApp, text: str) -> bool:
    """Whether the open command palette lists a command whose prompt contains ``text``."""
    from textual.command import CommandList

    found = app.screen.query_one(CommandList)
    return any(text in str(found.get_option_at_index(i).prompt).lower() for i in range(found.option_count))
