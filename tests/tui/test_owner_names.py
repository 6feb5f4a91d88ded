"""Owners read as project names where the store tells them; `y` still copies the id."""

from __future__ import annotations

import pytest

from imagedeck.stores.local import LocalStore
from imagedeck.widgets.columns import BASE_COLUMNS
from tui_support import loaded, notes, select, wait_for

#: A name another project chose: it carries an escape sequence that must never reach the terminal.
OPS_NAME = "Operations\x1b[31m"


async def test_owners_show_by_name_filter_by_name_and_copy_the_id(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def project_names(self: LocalStore) -> dict[str, str]:
        return {"ops": OPS_NAME}

    monkeypatch.setattr(LocalStore, "project_names", project_names)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        images = screen.image_list
        await wait_for(lambda: images.owner_names == {"ops": OPS_NAME}, pilot)
        owner = next(column for column in BASE_COLUMNS if column.key == "owner")
        ops_image = next(i for i in images.images if i.owner == "ops")
        assert owner.cell(ops_image, images) == OPS_NAME
        drawn = [images.render_line(y).text for y in range(1, len(images.rows) + 1)]
        assert any("Operatio" in line for line in drawn) and not any("\x1b" in line for line in drawn)

        images.set_filter("operations")
        assert images.shown and all(i.owner == "ops" for i in images.shown)
        images.set_filter("")

        await select(app, pilot, ops_image.name or "")
        detail = screen.detail
        await wait_for(lambda: detail.image is not None and detail.image.id == ops_image.id, pilot)
        assert any(f.label == "Owner" and f.value == f"{OPS_NAME} (ops)" for f in detail.fields)
        await pilot.press("tab")
        await wait_for(lambda: app.focused is detail, pilot)
        await pilot.press(*"j" * 10)  # Name -> Owner
        await pilot.press("y")
        assert app.clipboard == "ops"
        assert "Copied Owner: ops" in notes(app)

        sharing = screen.sharing
        assert any(i.owner == "ops" for _, i in sharing.rows)
        body = sharing._render_body().plain
        assert "Operation" in body and "\x1b" not in body


async def test_sort_keys_say_their_words(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("s")
        await wait_for(lambda: "Sorted by updated ascending" in notes(app), pilot)
        await pilot.press("S")
        await wait_for(lambda: "Sorted by updated descending" in notes(app), pilot)
        assert not any("_" in note for note in notes(app) if note.startswith("Sorted"))


@pytest.mark.lab
async def test_alice_sees_her_project_by_name_in_the_list_and_detail(settings, lab) -> None:
    from imagedeck.app import ImageDeckApp
    from imagedeck.stores.glance import GlanceStore
    from tests.lab.plugin import lab_cloud
    from tui_support import fixed_clock

    alpha = lab.project_ids["alpha"]
    store = GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False)
    await store.open()
    image = await store.create_image(
        {"name": "owner-names", "disk_format": "raw", "container_format": "bare"}
    )
    app = ImageDeckApp(
        settings, store, clock=fixed_clock, environ={"OS_CLIENT_CONFIG_FILE": str(lab.clouds_yaml)}
    )
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(app, pilot)
            images = app.screen.image_list
            await wait_for(lambda: images.owner_names.get(alpha) == "alpha", pilot)
            owner = next(column for column in BASE_COLUMNS if column.key == "owner")
            assert owner.cell(image, images) == "me"  # her own project stays the shortest word
            images.set_filter("alpha")  # `/` finds her images by the project's name
            assert images.rows.row_of(image.id) is not None
            images.set_filter("")
            await select(app, pilot, "owner-names")
            detail = app.screen.detail
            assert any(f.label == "Owner" and f.value == f"alpha ({alpha})" for f in detail.fields)
    finally:
        async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as cleanup:
            await cleanup.delete_image(image.id)
