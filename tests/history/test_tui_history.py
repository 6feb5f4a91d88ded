"""``@`` shows this session's changes; ``z`` undoes the last one after a preview, outside the sharing pane."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.dialogs import ConfirmDialog
from imagedeck.screens.action_log import ActionLogScreen
from imagedeck.screens.main import MainScreen
from imagedeck.stores.local import LocalStore
from tests.history.history_kit import add_image


async def wait_for(predicate: Callable[[], object], pilot, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not met before the deadline"
        await pilot.pause(0.02)


def make_app(tmp_path: Path, store_dir: Path) -> ImageDeckApp:
    settings = Settings(
        store_path=store_dir, project="alpha", themes_dir=tmp_path / "themes", token_cache=False
    )
    return ImageDeckApp(settings, LocalStore(store_dir, "alpha"), environ={})


async def ready(app: ImageDeckApp, pilot) -> MainScreen:
    await wait_for(lambda: isinstance(app.screen, MainScreen) and app.screen.all_loaded, pilot)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    await wait_for(lambda: screen.image_list.current is not None and screen.detail.image is not None, pilot)
    return screen


def detail_text(app: ImageDeckApp) -> str:
    return str(app.screen.query_one("#entry", Static).render())


async def test_at_lists_this_sessions_changes_and_y_copies_the_command(
    tmp_path: Path, store_dir: Path
) -> None:
    image_id = await add_image(store_dir, "alpha", "web\x1b[31m;x")
    app = make_app(tmp_path, store_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(app, pilot)
        await pilot.press("p")
        await wait_for(
            lambda: main.image_list.current is not None and main.image_list.current.protected, pilot
        )
        await pilot.press("@")
        await wait_for(lambda: isinstance(app.screen, ActionLogScreen), pilot)
        log_screen = app.screen
        assert isinstance(log_screen, ActionLogScreen)
        assert [e.action for e in log_screen.entries] == ["update"]
        assert log_screen.query_one(OptionList).option_count == 1
        text = detail_text(app)
        assert "protected: false -> true" in text and "\x1b" not in text and "web\\x1b[31m;x" in text
        assert f"openstack image set --protected {image_id}" in text
        await pilot.press("y")
        assert app.clipboard == f"openstack image set --protected {image_id}"
        await pilot.press("z")  # undo the selected entry, from the log
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        await pilot.press("y")
        await wait_for(lambda: len(log_screen.entries) == 2, pilot)
        assert log_screen.entries[0].undo_of == log_screen.entries[1].id
        assert not (await app.store.get_image(image_id)).protected
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, MainScreen), pilot)


async def test_z_previews_then_undoes_and_refreshes(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes: list[str] = []
    notify = ImageDeckApp.notify

    def noting(app: ImageDeckApp, message: str, **options: Any) -> None:
        notes.append(message)
        notify(app, message, **options)

    monkeypatch.setattr(ImageDeckApp, "notify", noting)
    image_id = await add_image(store_dir, "alpha", "web")
    app = make_app(tmp_path, store_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(app, pilot)
        await pilot.press("p")
        await wait_for(lambda: main.detail.image is not None and main.detail.image.protected, pilot)
        main.focus_pane(main.sharing)  # there z sets a share back to pending: no undo
        await pilot.press("z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        main.focus_pane(main.image_list)
        await pilot.press("z")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "unprotects the image again (now protected)" in dialog.message
        await pilot.press("n")  # nothing changes without a yes
        await wait_for(lambda: isinstance(app.screen, MainScreen), pilot)
        assert (await app.store.get_image(image_id)).protected
        await pilot.press("z")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        await pilot.press("y")
        await wait_for(lambda: main.detail.image is not None and not main.detail.image.protected, pilot)
        assert not (await app.store.get_image(image_id)).protected
        await wait_for(
            lambda: main.image_list.current is not None and not main.image_list.current.protected, pilot
        )
        await pilot.press("z")  # the undo itself is not undone by z: nothing older is left
        await wait_for(lambda: any("Nothing to undo" in n for n in notes), pilot)
        assert not isinstance(app.screen, ConfirmDialog)
