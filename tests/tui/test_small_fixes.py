"""Small things people notice: field names in words, labels apart from their fields, tab order,
the upload's visibility, NO_COLOR, and owners that fit their column."""

from __future__ import annotations

from datetime import datetime

from rich.color import Color
from textual.geometry import Region
from textual.widgets import Label

from imagedeck.app import ImageDeckApp
from imagedeck.dialogs import FilterDialog
from imagedeck.dialogs.fields import NEW_IMAGE_VISIBILITY
from imagedeck.model import ImageQuery, SortKey
from imagedeck.model.describe import short_id
from imagedeck.stores.local import LocalStore
from imagedeck.stores.local_rules import Actor, new_image
from imagedeck.widgets.columns import BASE_COLUMNS
from imagedeck.widgets.pane_titles import list_title, query_words
from tui_support import fixed_clock, loaded, notes, wait_for


def test_titles_and_filters_use_words_not_glance_field_names() -> None:
    title = list_title(3, 3, sort=("created_at", "desc"))
    assert title == "Images 3 · sort created↓" and "created_at" not in title
    query = ImageQuery(disk_format=("qcow2", "raw"), member_status="pending", os_hidden=True, size_min=2048)
    assert query_words(query) == "member=pending format=qcow2,raw size≥2.0K hidden=true"


async def test_sorting_and_filtering_say_so_in_words(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon", *"sort updated desc", "enter")
        await wait_for(lambda: "Sorted by updated descending" in notes(app), pilot)
        assert app.screen.image_query.sort == (SortKey("updated_at", "desc"),)
        await pilot.press("colon", *"filter format=qcow2 member=accepted", "enter")
        await wait_for(lambda: "Filter: member=accepted format=qcow2" in notes(app), pilot)


async def test_filter_labels_keep_apart_from_their_fields_and_tab_follows_the_rows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("f")
        await wait_for(lambda: isinstance(app.screen, FilterDialog), pilot)
        await pilot.pause()
        for label in app.screen.query(".field > Label").results(Label):
            field = label.parent.children[1]
            assert label.content_region.right < field.region.x, label.content
        seen = []
        for _ in range(8):
            seen.append(app.focused)
            await pilot.press("tab")
        places = [(widget.region.y, widget.region.x) for widget in seen]
        assert places == sorted(places) and len(set(places)) == 8


def test_the_upload_form_starts_where_the_command_line_and_glance_do() -> None:
    """``imagedeck upload`` sends no visibility, so the store's default applies."""
    made = new_image({"name": "x"}, Actor("demo"), "2026-01-01T00:00:00Z")
    assert made.visibility == NEW_IMAGE_VISIBILITY == "shared"


async def test_no_color_emits_no_colour_at_all(settings, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    store = LocalStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={"NO_COLOR": "1"})
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert app.theme == "imagedeck-mono"
        default = Color.default()
        drawn = 0
        for widget in [app.screen, *app.screen.walk_children()]:
            for strip in widget.render_lines(Region(0, 0, *widget.size)):  # as drawn: filters applied
                for segment in strip:
                    style = segment.style
                    if style is not None:
                        assert style.color in (None, default) and style.bgcolor in (None, default), widget
                        drawn += 1
        assert drawn > 100


def test_a_keystone_owner_id_is_shortened_in_the_list() -> None:
    owner = next(column for column in BASE_COLUMNS if column.key == "owner")
    assert short_id("3f2a5b6c7d8e9f001122334455669c1d") == "3f2a…9c1d"
    assert short_id("research") == "research"

    class Pane:
        me = "demo"

        @property
        def owner_names(self) -> dict[str, str]:
            return {}

        def now(self) -> datetime:
            return fixed_clock()

    image = new_image({"name": "x"}, Actor("3f2a5b6c7d8e9f001122334455669c1d"), "2026-01-01T00:00:00Z")
    assert owner.cell(image, Pane()) == "3f2a…9c1d"
    assert len(owner.cell(image, Pane())) <= owner.width
