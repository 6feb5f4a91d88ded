"""The image list: loading, moving, filtering, sorting, refreshing, polling, columns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from imagedeck.stores.local import LocalStore
from imagedeck.widgets.columns import age, short_size
from tui_support import DEMO_PROJECT, loaded, notes, select, wait_for


async def test_list_shows_visible_images_and_header(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        names = {i.name for i in app.screen.image_list.images}
        # own images, public ones and accepted shares; pending and rejected shares are not in the default list
        assert "cirros-0.6.2" in names and "ubuntu-24.04-server" in names
        assert "rocky-9-genericcloud" in names
        assert "fedora-40-cloud" not in names and "freebsd-14.1" not in names
        header = app.screen.query_one("#header")
        assert "project demo" in str(header.render())


async def test_moving_and_jumping(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        total = len(images.shown)
        await pilot.press("j", "j")
        assert images.cursor == 2
        await pilot.press("k")
        assert images.cursor == 1
        await pilot.press("down", "up", "up")
        assert images.cursor == 0
        await pilot.press("G")
        assert images.cursor == total - 1
        await pilot.press("g")
        assert images.cursor == 0
        await pilot.press("pagedown")
        assert images.cursor == min(total - 1, images.size.height - 2)


async def test_cursor_moves_detail(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("j")
        await wait_for(lambda: app.screen.detail.image.id == app.screen.image_list.current.id, pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.focused is app.screen.detail, pilot)


async def test_filter_as_you_type_and_escape_clears(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        everything = len(images.shown)
        await pilot.press("slash", "q", "c", "o", "w")
        await wait_for(lambda: images.filter_text == "qcow", pilot)
        # qcow2 matches the format column of several images but not raw/vmdk ones
        assert images.filter_text == "qcow"
        assert 0 < len(images.shown) < everything
        assert all(i.disk_format == "qcow2" for i in images.shown)
        await pilot.press("enter")
        assert app.focused is images and images.filter_text == "qcow"
        await pilot.press("escape")
        await wait_for(lambda: images.filter_text == "", pilot)
        assert len(images.shown) == everything


async def test_filter_matches_owner_and_tag(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        images.set_filter("golden")  # a tag
        assert [i.name for i in images.shown] == ["demo-app-golden"]
        images.set_filter("OPS")  # an owner, any case
        assert {i.owner for i in images.shown} == {"ops"}
        images.set_filter("no-such-thing")
        assert images.shown == [] and images.current is None


async def test_sort_cycles_and_reverses(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        await pilot.press("s")  # created_at -> updated_at
        assert images.sort_key == "updated_at"
        await pilot.press("s")  # -> disk_format
        await pilot.press("s")  # -> name
        assert images.sort_key == "name"
        names = [i.name for i in images.shown]
        assert names == sorted(names, key=str.lower)
        await pilot.press("S")
        assert [i.name for i in images.shown] == sorted(names, key=str.lower, reverse=True)
        assert app.screen.image_query.sort[0].key == "name"
        assert app.screen.image_query.sort[0].direction == "desc"
        assert any("Sorted by name" in n for n in notes(app))


async def test_refresh_keeps_cursor_and_shows_changes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "centos-stream-9")
        image = app.screen.image_list.current
        from imagedeck.model import Change

        await app.store.update_image(image.id, [Change.replace("min_ram", 777)])
        await pilot.press("ctrl+r")
        await wait_for(lambda: app.screen.image_list.current.min_ram == 777, pilot)
        assert app.screen.image_list.current.name == "centos-stream-9"
        await wait_for(lambda: app.screen.detail.image.min_ram == 777, pilot)


async def test_poll_runs_only_while_transitional_rows_are_visible(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        # build-in-progress is queued (waiting for data), on screen, and being uploaded into
        queued = next(i for i in images.visible_images() if i.name == "build-in-progress")
        images.filling = lambda: {queued.id}
        images.update_poll()
        assert images.polling
        images.set_filter("cirros")
        await wait_for(lambda: not images.polling, pilot)
        images.set_filter("build")
        await wait_for(lambda: images.polling, pilot)


async def test_extra_columns_when_wide_or_toggled(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        narrow = [c.key for c, _ in images.columns(80)]
        assert narrow[:3] == ["name", "status", "disk_format"] and "id" not in narrow
        assert sum(w + 1 for _, w in images.columns(80)) + 1 <= 80
        await pilot.press("w")
        assert "container_format" in [c.key for c, _ in images.columns(80)]
        assert "id" in [c.key for c, _ in images.columns(160)]


async def test_server_side_filter_from_command_line(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon")
        await pilot.press(*"filter status=deactivated")
        await pilot.press("enter")
        await wait_for(lambda: app.screen.all_loaded and len(app.screen.image_list.images) == 1, pilot)
        assert app.screen.image_list.images[0].name == "legacy-appliance"
        assert app.screen.image_query.status == ("deactivated",)


def test_sizes_and_ages_are_short() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert short_size(None) == "-"
    assert short_size(512) == "512B"
    assert short_size(640 * 1024) == "640.0K"
    assert short_size(3 * 1024**3) == "3.0G"
    assert age("2026-05-31T23:59:00Z", now) == "1m"
    assert age("2026-05-29T00:00:00Z", now) == "3d"
    assert age(None, now) == "-"


async def test_many_pages_stream_in_and_filter_applies_to_them(make_app, settings) -> None:
    from imagedeck.screens.main import PAGE_SIZE
    from imagedeck.stores.local import LocalStore

    extra = PAGE_SIZE * 2 + 37
    store = LocalStore(settings.store_path, settings.project)
    for n in range(extra):
        await store.create_image(
            {
                "name": f"bulk-{n:04d}",
                "disk_format": "raw",
                "container_format": "bare",
                "visibility": "private",
            }
        )
    await store.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"bulk-00")  # typed while pages are still arriving
        await loaded(app, pilot)
        images = app.screen.image_list
        assert sum(i.name.startswith("bulk-") for i in images.images) == extra
        assert len({i.id for i in images.images}) == len(images.images)
        assert [i.name for i in images.shown] == sorted(f"bulk-{n:04d}" for n in range(100))[::-1]


async def _add_images(store_path: Path, count: int) -> None:
    store = LocalStore(store_path, DEMO_PROJECT)
    try:
        for n in range(count):
            await store.create_image(
                {"name": f"extra-{n:02d}", "disk_format": "raw", "container_format": "bare"}
            )
    finally:
        await store.close()


async def test_bottom_row_is_not_under_a_scrollbar(make_app, store_path: Path) -> None:
    """At 80x24 the list has a vertical scrollbar; `G` must leave the cursor row in view."""
    await _add_images(store_path, 40)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        await pilot.press("G")
        await wait_for(lambda: images.cursor == len(images.shown) - 1, pilot)
        line = 1 + images.cursor - round(images.scroll_offset.y)  # below the header line
        assert 1 <= line < images.scrollable_content_region.height
        widget, _ = app.screen.get_widget_at(images.region.x + 2, images.region.y + line)
        assert widget is images
        assert images.visible_images()[-1] is images.current


async def test_listed_rows_share_repeated_values(make_app, store_path: Path) -> None:
    """50,000 rows must fit in memory: one status, format and owner string for all of them."""
    await _add_images(store_path, 3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        extra = [i for i in app.screen.image_list.images if i.name.startswith("extra-")]
        assert len(extra) == 3
        for field in ("status", "disk_format", "container_format", "visibility", "owner"):
            assert len({id(getattr(image, field)) for image in extra}) == 1, field
        assert all(image.updated_at is image.created_at for image in extra)


async def test_one_cursor_row_on_screen_after_moves(make_app) -> None:
    """Moves within the page redraw only the rows they touch: the screen shows one cursor row."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        cursor_bg = images.get_component_rich_style("image-list--cursor").bgcolor
        x = images.region.x + 3

        def cursor_lines() -> list[int]:
            top = images.content_region.y + 1  # below the frame and the header line
            return [
                y - top
                for y in range(top, top + images.page_rows)
                if app.screen.get_style_at(x, y).bgcolor == cursor_bg
            ]

        assert cursor_lines() == [0]
        await pilot.press("j", "j")
        await wait_for(lambda: cursor_lines() == [2], pilot)
        await pilot.press("k")
        await wait_for(lambda: cursor_lines() == [1], pilot)


async def test_detail_body_fits_each_record_it_shows(make_app) -> None:
    """The detail pane redraws in place when a record takes as many lines as the last one,
    and lays out again when it does not: its body always has the record's height."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        images, detail = app.screen.image_list, app.screen.detail
        body = detail.query_one("#detail-body")
        heights = set()
        for row in range(len(images.shown)):
            images.cursor = row
            await wait_for(lambda: detail.image is not None and detail.image.id == images.current.id, pilot)
            await app.workers.wait_for_complete()
            await wait_for(
                lambda: body.size.height == detail._height_of(detail._render_image(), body.size.width), pilot
            )
            heights.add(body.size.height)
        assert len(heights) > 1  # the sample records differ in length, so both paths ran
