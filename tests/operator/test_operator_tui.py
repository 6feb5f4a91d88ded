"""The app's operator parts: hidden images (H), an image's tasks (T), the image cache (K, :cache)
and the quota gauge in the header."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.screens.image_cache import ImageCacheScreen
from imagedeck.screens.main import MainScreen
from imagedeck.screens.tasks import TasksScreen
from imagedeck.stores.base import ImageStore
from imagedeck.stores.glance import GlanceStore
from imagedeck.stores.local import LocalStore
from imagedeck.widgets.status_header import StatusHeader
from tests.lab import Lab
from tests.lab.plugin import lab_cloud

RAW = {"disk_format": "raw", "container_format": "bare"}


def clock() -> datetime:
    return datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    path = tmp_path / "store"

    async def seed() -> None:
        async with LocalStore(path, "alpha") as store:
            await store.create_image({**RAW, "name": "shown"})
            await store.create_image({**RAW, "name": "tucked-away", "os_hidden": True})

    asyncio.run(seed())
    return Settings(store_path=path, project="alpha", themes_dir=tmp_path / "themes", token_cache=False)


def app_on(settings: Settings, store: ImageStore) -> ImageDeckApp:
    return ImageDeckApp(settings, store, clock=clock, environ={})


async def wait_for(predicate: Callable[[], object], pilot, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not met before the deadline"
        await pilot.pause(0.02)


def header_text(app: ImageDeckApp) -> str:
    return str(app.screen.query_one(StatusHeader).render())


def names(app: ImageDeckApp) -> list[str]:
    return [image.name or "" for image in app.screen.image_list.images]


async def started(app: ImageDeckApp, pilot) -> MainScreen:
    await wait_for(lambda: isinstance(app.screen, MainScreen) and app.screen.all_loaded, pilot)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    await wait_for(lambda: screen.cache_refusal is not None, pilot)
    return screen


async def test_h_lists_the_hidden_images_and_back_and_the_header_counts_them(settings) -> None:
    app = app_on(settings, LocalStore(settings.store_path, "alpha"))
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        assert names(app) == ["shown"]
        await wait_for(lambda: "1 hidden" in header_text(app), pilot)
        assert "images " not in header_text(app)  # no limits on the local store: no gauge
        await pilot.press("H")
        await wait_for(lambda: names(app) == ["tucked-away"], pilot)
        await wait_for(lambda: "1 hidden" not in header_text(app), pilot)
        await pilot.press("H")
        await wait_for(lambda: names(app) == ["shown"] and "1 hidden" in header_text(app), pilot)


async def test_t_shows_the_selected_images_tasks_and_the_cache_is_absent_on_the_local_store(settings) -> None:
    app = app_on(settings, LocalStore(settings.store_path, "alpha"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app, pilot)
        assert screen.check_action("image_cache", ()) is False  # no K in the footer
        await pilot.press("T")
        await wait_for(lambda: isinstance(app.screen, TasksScreen), pilot)
        message = app.screen.query_one("#task-message")
        await wait_for(lambda: "has no tasks" in str(message.render()), pilot)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, MainScreen), pilot)
        await pilot.press("colon", *"cache", "enter")
        await wait_for(lambda: not isinstance(app.screen.focused, type(None)) and app._notifications, pilot)
        shown = [n.message for n in app._notifications]
        assert any("has no image cache" in str(m) for m in shown), shown
        assert isinstance(app.screen, MainScreen)


async def test_the_header_gauge_shows_gammas_quota_and_follows_a_change(
    settings, lab: Lab, lab_token_dir
) -> None:
    store = GlanceStore(lab_cloud(lab, "lab-carol"), token_cache=lab_token_dir)
    app = app_on(settings.replace(cloud="lab-carol"), store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await started(app, pilot)
        for image in screen.image_list.images:
            await store.delete_image(image.id)
        screen.action_reload()
        await wait_for(lambda: "images 0/2 · 0/4 MiB" in header_text(app), pilot)
        created = await store.create_image({**RAW, "name": "counted"})
        try:
            screen.action_reload()
            await wait_for(lambda: "images 1/2 · 0/4 MiB" in header_text(app), pilot)
            assert screen.check_action("image_cache", ()) is False  # carol is no admin
        finally:
            await store.delete_image(created.id)


async def test_k_opens_the_image_cache_for_the_admin(settings, lab: Lab, lab_token_dir) -> None:
    store = GlanceStore(lab_cloud(lab, "lab-admin"), token_cache=lab_token_dir)
    app = app_on(settings.replace(cloud="lab-admin"), store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await started(app, pilot)
        assert screen.cache_refusal == ""
        await pilot.press("K")
        await wait_for(lambda: isinstance(app.screen, ImageCacheScreen), pilot)
        status = app.screen.query_one("#cache-status")
        await wait_for(lambda: "cached," in str(status.render()), pilot)
