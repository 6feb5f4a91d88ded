"""Marks in the image list and the actions on every marked image, on the local store.

Marks are image ids: they survive the filter, a new sort and a refresh. Each bulk action
asks once with a dialog listing the images, acts on each on its own (a failure does not
stop the others) and says what happened in one notification.
"""

from __future__ import annotations

from textual.widgets import Input

from conftest import CATALOG, sample_bytes
from imagedeck.dialogs.bulk import BulkDialog
from imagedeck.model import Change
from imagedeck.stores.local import LocalStore
from imagedeck.transfers.events import TransferState
from tui_support import DEMO_PROJECT, image_named, loaded, notes, select, wait_for


def marked_names(app) -> list[str]:
    return [image.name for image in app.screen.image_list.marked]


async def mark(app, pilot, *names: str) -> None:
    for name in names:
        await select(app, pilot, name)
        await pilot.press("space")
    await wait_for(lambda: set(names) <= set(marked_names(app)), pilot)


async def confirm(app, pilot, key: str = "y") -> BulkDialog:
    """Wait for the bulk dialog, answer it with ``key``, wait for it to close."""
    await wait_for(lambda: isinstance(app.screen, BulkDialog), pilot)
    dialog = app.screen
    await pilot.press(key)
    await wait_for(lambda: app.screen is not dialog, pilot)
    return dialog


def listed(dialog: BulkDialog) -> dict[str, str]:
    return dict(dialog.rows)


async def test_space_and_a_range_mark_three_kept_through_filter_sort_and_refresh(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        first = [image.name for image in images.shown[:4]]
        await pilot.press("g", "space")  # marks the first row and moves down
        await pilot.press("V", "j", "V")  # a range over the second and third rows
        await pilot.press("j")  # the range has ended: moving marks nothing more
        await wait_for(lambda: len(images.marked) == 3, pilot)
        assert marked_names(app) == first[:3]
        assert "3 marked" in str(images.border_title)
        assert images.render_line(1).text.startswith("*")  # a glyph, whatever the theme's colours
        assert not images.render_line(4).text.startswith("*")

        await pilot.press("slash", *first[1][:6])  # a filter that hides some marked rows
        await wait_for(lambda: images.filter_text == first[1][:6], pilot)
        await pilot.press("enter")  # keeps the filter
        assert len(images.shown) < 3
        assert marked_names(app) == first[:3] and "3 marked" in str(images.border_title)

        await pilot.press("S")  # reverse sort: the same images stay marked
        assert set(marked_names(app)) == set(first[:3])
        await pilot.press("ctrl+r")
        await wait_for(lambda: not images.loading_more, pilot)
        await app.workers.wait_for_complete()
        assert set(marked_names(app)) == set(first[:3])


async def test_esc_ends_a_range_and_mark_all_toggles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        images = app.screen.image_list
        await pilot.press("g", "V", "j", "j", "escape", "j")
        await wait_for(lambda: len(images.marked) == 3 and not images.marks.ranging, pilot)
        await pilot.press("A")
        await wait_for(lambda: len(images.marked) == len(images.shown), pilot)
        await pilot.press("A")
        await wait_for(lambda: not images.marked, pilot)


async def test_bulk_protect_acts_on_every_marked_image_after_one_question(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await mark(app, pilot, "cirros-0.6.2", "centos-stream-9", "debian-12-genericcloud")
        await pilot.press("p")
        dialog = await confirm(app, pilot)
        assert listed(dialog)["debian-12-genericcloud"] == "not owned"
        await wait_for(lambda: any(n.startswith("Protected 2") for n in notes(app)), pilot)
        for name in ("cirros-0.6.2", "centos-stream-9"):
            assert (await app.store.get_image(image_named(app, name).id)).protected
        # what was skipped stays marked
        await wait_for(lambda: marked_names(app) == ["debian-12-genericcloud"], pilot)


async def test_bulk_delete_skips_a_protected_image_and_says_so(make_app, store_path) -> None:
    async def protect_cirros() -> None:
        async with LocalStore(store_path, DEMO_PROJECT) as store:
            cirros = next(i for i in await store.all_images() if i.name == "cirros-0.6.2")
            await store.update_image(cirros.id, [Change.replace("protected", True)])

    await protect_cirros()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await mark(app, pilot, "cirros-0.6.2", "centos-stream-9", "build-in-progress")
        ids = {name: image_named(app, name).id for name in marked_names(app)}
        await pilot.press("delete")
        dialog = await confirm(app, pilot)
        assert listed(dialog) == {"cirros-0.6.2": "protected", "centos-stream-9": "", "build-in-progress": ""}
        await wait_for(lambda: "Deleted 2, 1 protected skipped" in notes(app), pilot)
        left = {image.id for image in await app.store.all_images()}
        assert ids["cirros-0.6.2"] in left
        assert not {ids["centos-stream-9"], ids["build-in-progress"]} & left
        assert marked_names(app) == ["cirros-0.6.2"]


async def test_bulk_share_goes_on_past_a_failure(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        # demo-app-golden is shared with research already: adding it again fails, the rest go on
        await mark(app, pilot, "cirros-0.6.2", "demo-app-golden", "centos-stream-9")
        await pilot.press("m")
        await wait_for(lambda: isinstance(app.screen, BulkDialog), pilot)
        await pilot.press("enter")  # nothing typed: the dialog says what is missing
        assert "project" in app.screen.error_text
        await pilot.press(*"research", "enter")
        await wait_for(lambda: not isinstance(app.screen, BulkDialog), pilot)
        await wait_for(
            lambda: any(n.startswith("Shared 2, 1 failed (demo-app-golden") for n in notes(app)), pilot
        )
        for name in ("cirros-0.6.2", "centos-stream-9"):
            image_id = image_named(app, name).id
            assert (await app.store.get_image(image_id)).visibility == "shared"
            assert [m.member_id for m in await app.store.list_members(image_id)] == ["research"]
        assert marked_names(app) == ["demo-app-golden"]


async def test_bulk_download_of_two_writes_two_verified_files(make_app, tmp_path) -> None:
    into = tmp_path / "downloads"
    into.mkdir()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await mark(app, pilot, "cirros-0.6.2", "centos-stream-9", "build-in-progress")
        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, BulkDialog), pilot)
        assert listed(app.screen)["build-in-progress"] == "queued"
        app.screen.query_one("#field", Input).value = str(into)
        await pilot.press("enter")
        await wait_for(
            lambda: any(n.startswith("Downloading 2, 1 queued skipped") for n in notes(app)), pilot
        )
        manager = app.jobs.manager
        assert manager is not None and len(manager.jobs()) == 2
        await wait_for(lambda: all(job.state == TransferState.DONE for job in manager.jobs()), pilot)
    samples = {sample.name: sample for sample in CATALOG}
    assert sorted(path.name for path in into.iterdir()) == ["centos-stream-9.raw", "cirros-0.6.2.qcow2"]
    assert (into / "cirros-0.6.2.qcow2").read_bytes() == sample_bytes(samples["cirros-0.6.2"])
    assert (into / "centos-stream-9.raw").read_bytes() == sample_bytes(samples["centos-stream-9"])


async def test_deactivate_without_marks_acts_on_the_image_under_the_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        cirros = image_named(app, "cirros-0.6.2").id
        await pilot.press("D")
        await wait_for(lambda: image_named(app, "cirros-0.6.2").status == "deactivated", pilot)
        await pilot.press("D")
        await wait_for(lambda: image_named(app, "cirros-0.6.2").status == "active", pilot)
        assert (await app.store.get_image(cirros)).status == "active"
