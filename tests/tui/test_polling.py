"""Polling: only images that can change are fetched again, less and less often while they do not.

A queued image with no data waits for someone to upload: an idle list of them must cost
no request at all. The poll delay is shortened for the tests; the store counts its calls.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from imagedeck.model import Image
from imagedeck.transfers import TransferKind
from imagedeck.transfers.job import Transfer
from tui_support import image_named, loaded, wait_for

FIRST = 0.02
MOST = 0.16


def count_gets(app, answer=None) -> list[float]:
    """Count the store's ``get_image`` calls; each records the list's poll delay at the time.

    ``answer(image)`` may stand in for the stored record (a status the local store never keeps).
    """
    calls: list[float] = []
    get_image = app.store.get_image

    async def counted(image_id: str) -> Image:
        calls.append(app.screen.image_list.poll_delay)
        image = await get_image(image_id)
        return answer(image) if answer else image

    app.store.get_image = counted
    return calls


def quick_polls(app) -> None:
    images = app.screen.image_list
    images.poll_first = images.poll_delay = FIRST
    images.poll_max = MOST


async def test_queued_images_on_screen_cost_nothing_while_no_transfer_fills_them(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        quick_polls(app)
        calls = count_gets(app)
        queued = image_named(app, "build-in-progress")
        assert queued in images.visible_images() and queued.status == "queued"
        images.update_poll()
        await pilot.press("j", "k", "G", "g")  # moves re-check what is on screen
        assert not images.polling
        await pilot.pause(10 * MOST)  # many poll periods
        assert calls == []


async def test_a_saving_image_is_polled_less_often_until_it_changes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        quick_polls(app)
        golden = image_named(app, "demo-app-golden")
        shown = replace(golden, status="saving")
        answer = shown
        calls = count_gets(app, lambda image: answer)
        images.update_images([shown])
        assert images.polling
        await wait_for(lambda: len(calls) >= 5, pilot)
        # each poll that finds nothing new doubles the wait, up to the bound
        assert calls[:5] == [2 * FIRST, 4 * FIRST, 8 * FIRST, MOST, MOST]

        answer = replace(shown, size=(shown.size or 0) + 1)  # the store moved on
        seen = len(calls)
        await wait_for(lambda: image_named(app, "demo-app-golden").size == answer.size, pilot)
        await wait_for(lambda: 2 * FIRST in calls[seen:], pilot)  # a change brings the next poll close

        answer = replace(answer, status="active")
        await wait_for(lambda: image_named(app, "demo-app-golden").status == "active", pilot)
        await wait_for(lambda: not images.polling, pilot)


class Filling(Transfer):
    """An upload into an existing queued image that ends when the test says so."""

    kind = TransferKind.UPLOAD

    def __init__(self, store, image_id: str) -> None:
        super().__init__("/srv/disk.qcow2", f"{store.label}: {image_id}")
        self.finish = asyncio.Event()

    async def run(self) -> None:
        await self.finish.wait()


async def test_a_queued_image_is_polled_while_this_session_uploads_into_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        quick_polls(app)
        calls = count_gets(app)
        queued = image_named(app, "build-in-progress")
        assert not images.polling

        job = Filling(app.store, queued.id)
        app.jobs._submit(lambda: job)
        await wait_for(lambda: images.polling, pilot)
        await wait_for(lambda: len(calls) >= 2, pilot)

        job.finish.set()
        await wait_for(lambda: not job.state.active, pilot)
        await wait_for(lambda: not images.polling, pilot)
        assert app.jobs.filling() == set()
