"""Names, properties, tags, owners and member ids another project wrote never act on the
terminal and are never read as markup: each shows as readable escapes, cut to its cell.

Every test browses a store seeded with hostile data, then reads back what the app drew
(each widget's rendered strips) and what it notified.
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest
from textual.app import App
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Input

from hostile_support import (
    EVIL_PROJECT,
    ME,
    NAMES,
    TITLE,
    offending_lines,
    seed_hostile,
)
from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.dialogs import MembersDialog
from imagedeck.model import ImageQuery, Invalid, visible
from imagedeck.stores.local import LocalStore
from tui_support import fixed_clock, loaded, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hostile_settings(tmp_path: Path) -> Settings:
    path = tmp_path / "store"
    asyncio.run(seed_hostile(path))
    return Settings(
        store_path=path, cloud=None, project=ME, themes_dir=tmp_path / "themes", token_cache=False
    )


def hostile_app(settings: Settings) -> ImageDeckApp:
    return ImageDeckApp(
        settings, LocalStore(settings.store_path, settings.project), clock=fixed_clock, environ={}
    )


def strips(app: ImageDeckApp) -> list[Strip]:
    """Every line every displayed widget of every screen on the stack draws now."""
    found: list[Strip] = []
    for screen in app.screen_stack:
        for widget in screen.walk_children(with_self=True):
            if widget.display and widget.size.width and widget.size.height:
                found += widget.render_lines(Region(0, 0, *widget.size))
    return found


def screen_text(app: ImageDeckApp) -> str:
    return "\n".join(strip.text for strip in strips(app))


def assert_safe(app: ImageDeckApp) -> None:
    """Still running, no control or invisible character drawn, no link the data made."""
    assert app.is_running and app.return_code is None
    lines = strips(app)
    assert offending_lines(strip.text for strip in lines) == []
    links = {seg.style.link for strip in lines for seg in strip if seg.style and seg.style.link}
    assert links == set()


def dialog_drawn(app: ImageDeckApp) -> bool:
    """The dialog on top has been laid out (its lines can be read)."""
    frames = app.screen.query("#dialog")
    return bool(frames) and frames.first().size.height > 0


def shown_notes(app: ImageDeckApp) -> list[str]:
    """Notifications as drawn (title and message), from the toasts on screen."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def test_browsing_hostile_images_draws_only_visible_text(hostile_settings: Settings) -> None:
    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        assert len(screen.image_list.images) == 3 and screen.sharing.pending_count == len(NAMES)
        assert_safe(app)
        for _ in range(3):
            await pilot.press("j")
            await wait_for(lambda: screen.detail.image is screen.image_list.current, pilot)
            await app.workers.wait_for_complete()
            await wait_for(lambda: screen.image_list.current.id in screen_text(app), pilot)  # drawn
            assert_safe(app)
        await pilot.press("w", "enter")  # every column, then the detail pane with the members
        await wait_for(lambda: screen.detail.members is not None, pilot)
        # shown, as readable text
        await wait_for(lambda: "\\x1b]52;c;" in screen_text(app) and "[/]" in screen_text(app), pilot)
        assert_safe(app)
        await pilot.press("tab")  # the sharing pane: every hostile name and owner
        await wait_for(lambda: app.focused is screen.sharing, pilot)
        await wait_for(lambda: visible(EVIL_PROJECT)[:8] in screen_text(app), pilot)
        assert_safe(app)
        text = screen_text(app)
        assert "\\u202egnp" in text and "close[/]tag" in text and "[link=https://evil.example]" in text
        for _ in NAMES:
            await pilot.press("j", "enter")
            await wait_for(lambda: app.focused is screen.detail, pilot)
            assert_safe(app)
            await pilot.press("tab", "tab")
            await wait_for(lambda: app.focused is not screen.detail, pilot)


async def test_accepting_a_share_named_with_markup_does_not_crash(hostile_settings: Settings) -> None:
    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        sharing = app.screen.sharing
        await pilot.press("tab", "tab")
        await wait_for(lambda: app.focused is sharing, pilot)
        target = next(i for _, i in sharing.rows if i.name == NAMES["close"])
        sharing.cursor = [i.id for _, i in sharing.rows].index(target.id)
        await pilot.press("a")
        await wait_for(lambda: target.id in {i.id for i in sharing.groups["accepted"]}, pilot)
        await wait_for(lambda: any("close[/]tag" in n for n in shown_notes(app)), pilot)
        assert_safe(app)
        accepted = await app.store.all_images(ImageQuery(visibility="shared", member_status="accepted"))
        assert target.id in {i.id for i in accepted}


async def test_refusing_to_delete_a_protected_hostile_image(hostile_settings: Settings) -> None:
    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        for name in (NAMES["close"], NAMES["link"], NAMES["title"]):
            image = next(i for i in app.screen.image_list.images if i.name == name)
            assert app.screen.image_list.select_id(image.id)
            await pilot.press("delete")
            await wait_for(lambda: any("is protected" in n for n in shown_notes(app)), pilot)
            await wait_for(lambda: "is protected" in screen_text(app), pilot)  # the toast is drawn
            assert_safe(app)
            app.clear_notifications()
        assert len(await app.store.all_images(ImageQuery())) >= 3


@pytest.mark.parametrize("key", ["e", "m", "C", "v"])
async def test_dialogs_show_hostile_names_as_text(hostile_settings: Settings, key: str) -> None:
    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        image = next(i for i in app.screen.image_list.images if i.name == NAMES["link"])
        assert app.screen.image_list.select_id(image.id)
        await wait_for(lambda: app.screen.detail.image is image, pilot)
        main = app.screen
        await pilot.press(key)
        await wait_for(lambda: app.screen is not main, pilot)
        await wait_for(lambda: dialog_drawn(app), pilot)
        assert_safe(app)
        if key != "v":
            assert (
                "\\x1b]8;;https://evil" in screen_text(app)
                or "\\x1b]8;;https://evil" in app.screen.border_title
            )


@pytest.mark.parametrize("name", ["close", "link", "title"])
async def test_the_download_dialog_titles_a_hostile_name_as_text(
    hostile_settings: Settings, name: str
) -> None:
    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        image = next(i for i in app.screen.image_list.images if i.name == NAMES[name])
        assert app.screen.image_list.select_id(image.id)
        await wait_for(lambda: app.screen.detail.image is image, pilot)
        main = app.screen
        await pilot.press("d")
        await wait_for(lambda: app.screen is not main, pilot)
        await wait_for(lambda: f"Download {visible(NAMES[name])}"[:30] in screen_text(app), pilot)
        assert_safe(app)


async def test_a_failed_transfer_shows_the_name_as_text(hostile_settings: Settings, tmp_path: Path) -> None:
    from imagedeck.stores.targets import local_target

    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        image = next(i for i in app.screen.image_list.images if i.name == NAMES["title"])
        async with LocalStore(hostile_settings.store_path, ME) as store:
            await store.deactivate(image.id)
        # past the screen's own check: the copy job itself refuses, naming the image
        app.jobs.start_copy(image, local_target(tmp_path / "elsewhere"), None)
        await wait_for(lambda: any("Transfer failed" in n for n in shown_notes(app)), pilot)
        await wait_for(lambda: "\\x1b]0;PWNED-TITLE\\x07" in screen_text(app), pilot)
        assert_safe(app)


async def test_the_command_line_and_filter_echo_typed_escapes_as_text(hostile_settings: Settings) -> None:
    app = hostile_app(hostile_settings)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon")
        app.screen.query_one("#command").value = f"cloud {TITLE}[/]"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await wait_for(lambda: shown_notes(app), pilot)  # the refusal, drawn
        assert_safe(app)
        await pilot.press("colon")
        app.screen.query_one("#command").value = "theme [/]\x1b]0;x\x07"
        await pilot.press("enter")
        await wait_for(lambda: any("No theme named" in n for n in shown_notes(app)), pilot)
        assert_safe(app)


def test_every_notification_goes_through_the_plain_text_sink() -> None:
    """No code asks Textual to read a notification as markup: the app's notify is the one sink."""
    assert ImageDeckApp.notify is not App.notify
    offenders = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "notify":
                for keyword in node.keywords:
                    if keyword.arg == "markup" and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


class LookingUpStore(LocalStore):
    """A store that knows project names, like Keystone: ``qa`` is project ``id-qa``, nothing else."""

    async def resolve_project(self, name_or_id: str) -> str:
        if name_or_id in ("qa", "id-qa"):
            return "id-qa"
        raise Invalid(f"no project named {name_or_id!r} is visible to you")


async def test_members_refuses_unknown_and_garbage_projects_and_adds_nothing(
    hostile_settings: Settings,
) -> None:
    settings = hostile_settings
    app = ImageDeckApp(
        settings, LookingUpStore(settings.store_path, settings.project), clock=fixed_clock, environ={}
    )
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(app, pilot)
        image = next(i for i in app.screen.image_list.images if i.name == NAMES["close"])
        assert app.screen.image_list.select_id(image.id)
        before = {m.member_id for m in await app.store.list_members(image.id)}
        await pilot.press("m")
        await wait_for(lambda: isinstance(app.screen, MembersDialog), pilot)
        dialog = app.screen
        for garbage in ("   ", "x\x1b]0;t\x07", "a\u202eb", "new\nline"):
            dialog.query_one("#project", Input).value = garbage
            await pilot.press("enter")
            assert dialog.error_text and dialog.to_add == [], garbage
            assert_safe(app)
        dialog.query_one("#project", Input).value = "nobody[/]"
        await pilot.press("enter")
        await wait_for(lambda: "nobody[/]" in dialog.error_text, pilot)
        assert "nothing was added" in dialog.error_text and dialog.to_add == []
        assert_safe(app)
        dialog.query_one("#project", Input).value = "qa"
        await pilot.press("enter")
        await wait_for(lambda: dialog.to_add == ["id-qa"], pilot)
        await pilot.press("ctrl+s")
        await wait_for(lambda: any("Members of" in n for n in shown_notes(app)), pilot)
        await app.workers.wait_for_complete()
        assert {m.member_id for m in await app.store.list_members(image.id)} == before | {"id-qa"}
        assert_safe(app)
