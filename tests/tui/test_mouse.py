"""The mouse: a click puts the cursor on a row and focuses its pane, a double click opens
the row like enter, the wheel scrolls the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from conftest import Sample, seed
from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.stores.local import LocalStore
from tui_support import DEMO_PROJECT, fixed_clock, loaded, wait_for

#: The list's frame line, then its header line, come before the first row.
FIRST_ROW_Y = 2


async def test_a_click_selects_a_row_and_a_double_click_opens_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        images = screen.image_list
        third = images.shown[2]
        await pilot.click("#images", offset=(10, FIRST_ROW_Y + 2))
        await wait_for(lambda: images.current == third, pilot)
        await pilot.click("#images", offset=(10, 1))  # the header line: the cursor stays
        assert images.current == third

        await pilot.click("#sharing", offset=(10, 3))  # a click focuses the pane it lands in
        await wait_for(lambda: screen.current_pane() is screen.sharing, pilot)
        await pilot.click("#images", offset=(10, FIRST_ROW_Y + 4), times=2)
        await wait_for(lambda: screen.current_pane() is screen.detail, pilot)
        assert images.current == images.shown[4] and screen.detail.image == images.shown[4]


async def test_clicks_in_the_sharing_pane_select_and_open_a_share(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        sharing = screen.sharing
        rows = sharing.rows
        # line 0 is the "Pending (3)" heading; each share takes two lines in the side column
        await pilot.click("#sharing", offset=(6, 1 + 1 + 2))
        await wait_for(lambda: sharing.current == rows[1], pilot)
        assert screen.current_pane() is sharing
        await pilot.click("#sharing", offset=(6, 1 + 1 + 4), times=2)
        await wait_for(lambda: screen.current_pane() is screen.detail, pilot)
        assert sharing.current == rows[2] and screen.detail.image == rows[2][1]


@pytest.fixture
def crowded_settings(tmp_path: Path, fixed_stamps: None) -> Settings:
    """Forty queued images, more than the list has rows for."""
    path = tmp_path / "crowded"
    samples = tuple(Sample(f"img-{n:02}", DEMO_PROJECT, "raw", 0, queued=True) for n in range(40))
    import asyncio

    asyncio.run(seed(path, samples))
    return Settings(
        store_path=path, cloud=None, project=DEMO_PROJECT, themes_dir=tmp_path / "themes", token_cache=False
    )


async def test_the_wheel_scrolls_the_list(crowded_settings: Settings) -> None:
    store = LocalStore(crowded_settings.store_path, DEMO_PROJECT)
    app = ImageDeckApp(crowded_settings, store, clock=fixed_clock, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        assert images.scroll_offset.y == 0
        for _ in range(3):
            images.post_message(events.MouseScrollDown(images, 10, 5, 0, 1, 0, False, False, False))
        await wait_for(lambda: images.scroll_offset.y > 0, pilot)
        top = round(images.scroll_offset.y)
        first_shown = images.render_line(1).text
        assert images.shown[top].name in first_shown
        images.post_message(events.MouseScrollUp(images, 10, 5, 0, -1, 0, False, False, False))
        await wait_for(lambda: round(images.scroll_offset.y) < top, pilot)
