"""SVG snapshots of the main view, detail, sharing pane and help at 80x24 and 120x36.

Deterministic: fixed ids and catalog times, a fixed clock for ages, no cursor blink
(the panes draw no blinking cursor), and the same theme every run.
"""

from __future__ import annotations

import pytest

from imagedeck.screens.help import HelpScreen
from tui_support import notes, wait_for

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def make_app(make_app):
    """The app with a store label that does not name the per-run temporary directory."""

    def build(**changes):
        app = make_app(**changes)
        app.store.label = "local:demo-store"
        return app

    return build


async def _settle(pilot) -> None:
    from tui_support import loaded

    await loaded(pilot.app, pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_main_view(snap_compare, make_app, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_detail_of_a_shared_image(snap_compare, make_app, size) -> None:
    async def before(pilot) -> None:
        await _settle(pilot)
        app = pilot.app
        from tui_support import select

        await select(app, pilot, "demo-app-golden")
        await wait_for(lambda: app.screen.detail.members is not None, pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.focused is app.screen.detail, pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_sharing_pane(snap_compare, make_app, size) -> None:
    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("tab", "tab", "space")
        await wait_for(lambda: pilot.app.screen.sharing.marked, pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_help(snap_compare, make_app, size) -> None:
    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(pilot.app.screen, HelpScreen), pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=before)


def test_filtered_list_in_mono(snap_compare, make_app) -> None:
    async def before(pilot) -> None:
        await _settle(pilot)
        pilot.app.theme = "imagedeck-mono"
        await pilot.press("slash", *"cloud")
        await wait_for(lambda: pilot.app.screen.image_list.filter_text == "cloud", pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=before)


def test_unreachable_store(snap_compare, settings) -> None:
    from imagedeck.app import ImageDeckApp
    from imagedeck.model import Unavailable
    from imagedeck.stores.local import LocalStore
    from tui_support import fixed_clock

    class DownStore(LocalStore):
        """Fault injection: the cloud does not answer."""

        label = "cloud:lab"

        async def open(self) -> None:
            raise Unavailable("cannot reach https://glance.lab.example:9292 (connection refused)")

    store = DownStore(settings.store_path, settings.project)
    store.label = "cloud:lab"

    async def before(pilot) -> None:
        from imagedeck.screens.unreachable import UnreachableScreen

        await wait_for(lambda: isinstance(pilot.app.screen, UnreachableScreen), pilot)
        await wait_for(lambda: pilot.app.screen.size.height > 0, pilot)

    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={})
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_read_only_header_and_refusal(snap_compare, make_app) -> None:
    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("p")
        await wait_for(lambda: any("Read-only mode" in n for n in notes(pilot.app)), pilot)

    assert snap_compare(make_app(read_only=True), terminal_size=(80, 24), run_before=before)
