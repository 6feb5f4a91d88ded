"""The main screen at the sizes people use: titled frames with counts, a list that keeps its rows,
a focus that shows in every theme, and esc that clears filters one after the other."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.content import Content

from imagedeck.model import ImageQuery
from imagedeck.transfers import TransferProgress, TransferState
from tui_support import loaded, notes, wait_for

#: (columns, rows) -> image rows the list must keep on screen, whatever else shows.
SIZES = {(80, 24): 10, (100, 30): 14, (120, 36): 28, (160, 48): 40}

#: Shares of the test catalog still waiting for this project's answer.
PENDING = 3

THEMES = ("imagedeck-dark", "imagedeck-light", "imagedeck-high-contrast", "imagedeck-mono")


def _title(widget) -> str:
    """The frame's title as it reads (``border_title`` gives it as markup)."""
    return Content.from_markup(widget.border_title or "").plain


def _busy_transfers(screen, count: int = 6) -> None:
    """Show the transfers dock with ``count`` running jobs, as tall as it gets."""
    for n in range(count):
        screen.transfers_pane.update(
            TransferProgress(
                job_id=f"job-{n}",
                kind="upload",
                state=TransferState.RUNNING,
                source=f"/tmp/disk-{n}.qcow2",
                destination="local:disk",
                total=1 << 30,
                done=1 << 28,
                rate=None,
                eta=None,
                message=None,
            )
        )
    screen.show_transfers()


@pytest.mark.parametrize("size", list(SIZES), ids=lambda s: f"{s[0]}x{s[1]}")
async def test_titles_count_and_the_list_keeps_its_rows(make_app, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        images = screen.image_list
        shown = len(images.shown)
        assert _title(images).startswith(f"Images {shown} · sort created↓")
        assert f"{PENDING} shares waiting" in str(screen.query_one("#header").render())
        narrow = size[0] < 110
        assert ("2 Shares (3)" if narrow else "Shares · 3 pending") in _title(screen.sharing)
        assert ("1 Detail" if narrow else "Detail") in _title(screen.detail)
        assert images.page_rows >= SIZES[size]
        names = [width for column, width in images.columns(images.scrollable_content_region.width)]
        assert names[0] >= 28  # "debian-12-genericcloud" and its like are whole
        _busy_transfers(screen)
        await wait_for(lambda: screen.transfers_pane.size.height >= 6, pilot)
        assert images.page_rows >= min(10, SIZES[size])


async def test_narrow_side_slot_switches_tabs_by_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        await pilot.press("2")
        assert app.focused is screen.sharing and screen.sharing.display and not screen.detail.display
        assert _title(screen.sharing) == " 1 Detail   2 Shares (3) "
        assert "[reverse] 2 Shares (3) [/reverse]" in screen.sharing.border_title  # the tab showing
        await pilot.press("1")
        assert app.focused is screen.detail and screen.detail.display and not screen.sharing.display


@pytest.mark.parametrize("theme", THEMES)
async def test_the_focused_pane_has_the_bright_heavy_frame(make_app, theme: str) -> None:
    app = make_app(theme=theme)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        focus = Color.parse(app.theme_variables["pane-focus"])
        dim = Color.parse(app.theme_variables["pane-border"])
        assert focus != dim
        for pane in (screen.image_list, screen.sharing, screen.detail):
            screen.focus_pane(pane)
            await wait_for(lambda pane=pane: pane.styles.border_top == ("heavy", focus), pilot)
            others = [p for p in (screen.image_list, screen.detail, screen.sharing) if p is not pane]
            assert all(other.styles.border_top == ("round", dim) for other in others)


async def test_the_sharing_cursor_is_a_bar_across_the_pane(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        sharing = app.screen.sharing
        await pilot.press("2")
        bar = sharing.get_component_rich_style("sharing-pane--cursor").bgcolor
        region = sharing.scrollable_content_region
        rows = [
            y
            for y in range(region.y, region.bottom)
            if all(app.screen.get_style_at(x, y).bgcolor == bar for x in (region.x, region.right - 1))
        ]
        assert len(rows) == 2  # a share takes two lines in a side pane, both in the bar


async def test_escape_clears_the_text_filter_then_the_structured_one(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        images = screen.image_list
        everything = len(images.shown)
        screen.set_query(ImageQuery(status=("active",)))
        await wait_for(lambda: screen.all_loaded and "filter status=active" in _title(images), pilot)
        images.set_filter("deb")
        assert "/deb · filter status=active" in _title(images)
        app.clear_notifications()
        await pilot.press("escape")
        assert images.filter_text == "" and "filter status=active" in _title(images)
        await pilot.press("escape")
        await wait_for(lambda: screen.all_loaded and len(images.shown) == everything, pilot)
        assert screen.image_query.status == () and "filter" not in _title(images)
        assert screen.image_query.sort == ImageQuery().sort
        assert "Filter status=active cleared" in notes(app)


async def test_loading_and_a_narrowed_count_show_in_the_title(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        total = len(images.images)
        images.set_filter("cirros")
        images.loading_more = True
        assert _title(images) == f"Images 1 of {total} · /cirros · sort created↓ · loading…"
        images.set_filter("[b]x")  # typed brackets stay text
        assert "/[b]x" in _title(images)


async def test_w_says_what_it_added(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        app.clear_notifications()
        await pilot.press("w")
        assert notes(app)[-1] == "More columns: Visible, Cont."
        await pilot.press("w")
        assert notes(app)[-1] == "Fewer columns"
