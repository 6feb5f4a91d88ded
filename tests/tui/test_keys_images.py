"""Keys that act on the selected image: y p v e m delete d f c, and their permission checks."""

from __future__ import annotations

from imagedeck.dialogs import (
    CloudPickerDialog,
    ConfirmDialog,
    DownloadDialog,
    EditImageDialog,
    FilterDialog,
    MembersDialog,
    VisibilityDialog,
)
from imagedeck.model import NotFound
from tui_support import image_named, loaded, notes, select, wait_for


async def test_y_copies_the_id(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("y")
        image = image_named(app, "cirros-0.6.2")
        assert app.clipboard == image.id
        assert any(image.id in n for n in notes(app))


async def test_p_toggles_protected(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("p")
        await wait_for(lambda: image_named(app, "cirros-0.6.2").protected, pilot)
        assert (await app.store.get_image(image_named(app, "cirros-0.6.2").id)).protected
        await pilot.press("p")
        await wait_for(lambda: not image_named(app, "cirros-0.6.2").protected, pilot)


async def test_not_owner_is_told_why(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "ubuntu-24.04-server")  # owned by ops
        for count, key in enumerate(("p", "e", "v", "m", "delete"), start=1):
            await pilot.press(key)
            await wait_for(
                lambda count=count: sum("Only the owner project (ops)" in n for n in notes(app)) == count,
                pilot,
            )
            assert app.screen is not None and not isinstance(app.screen, (ConfirmDialog, EditImageDialog))


async def test_read_only_refuses_writes_with_a_reason(make_app) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        for count, key in enumerate(("p", "e", "v", "m", "delete", "u", "i"), start=1):
            await pilot.press(key)
            await wait_for(lambda count=count: sum("Read-only mode" in n for n in notes(app)) == count, pilot)
        assert not image_named(app, "cirros-0.6.2").protected
        assert "read-only" in str(app.screen.query_one("#header").render())


async def test_delete_asks_then_deletes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "centos-stream-9")
        image = image_named(app, "centos-stream-9")
        await pilot.press("delete")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        await pilot.press("n")
        await wait_for(lambda: not isinstance(app.screen, ConfirmDialog), pilot)
        assert any(i.id == image.id for i in app.screen.image_list.images)
        await pilot.press("ctrl+d")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        await pilot.press("y")
        await wait_for(lambda: all(i.id != image.id for i in app.screen.image_list.images), pilot)
        try:
            await app.store.get_image(image.id)
        except NotFound:
            pass
        else:
            raise AssertionError("image still in the store")


async def test_protected_image_is_not_offered_for_deletion(make_app) -> None:
    app = make_app(admin=True)  # debian is owned by ops; an admin may act, but it is protected
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "debian-12-genericcloud")
        await pilot.press("delete")
        await wait_for(lambda: any("is protected" in n for n in notes(app)), pilot)
        assert not isinstance(app.screen, ConfirmDialog)


async def test_v_changes_visibility_public_is_admin_only(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("v")
        await wait_for(lambda: isinstance(app.screen, VisibilityDialog), pilot)
        assert "public" not in app.screen.allowed
        app.screen.dismiss("shared")
        await wait_for(lambda: image_named(app, "cirros-0.6.2").visibility == "shared", pilot)


async def test_e_edits_through_the_dialog(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("e")
        await wait_for(lambda: isinstance(app.screen, EditImageDialog), pilot)
        dialog = app.screen
        from imagedeck.model import Change

        await dialog.apply([Change.replace("min_ram", 128)])
        dialog.dismiss([Change.replace("min_ram", 128)])
        await wait_for(lambda: image_named(app, "cirros-0.6.2").min_ram == 128, pilot)
        assert any("Updated cirros" in n for n in notes(app))


async def test_m_adds_a_member(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "demo-app-golden")
        await wait_for(lambda: app.screen.detail.members is not None, pilot)
        assert {m.member_id for m in app.screen.detail.members} == {"research", "ops"}
        await pilot.press("m")
        await wait_for(lambda: isinstance(app.screen, MembersDialog), pilot)
        from imagedeck.dialogs import MembersResult

        app.screen.dismiss(MembersResult(add=["qa"], remove=["ops"]))
        image = image_named(app, "demo-app-golden")

        async def members() -> set[str]:
            return {m.member_id for m in await app.store.list_members(image.id)}

        await wait_for(
            lambda: (
                app.screen.detail.members is not None
                and {m.member_id for m in app.screen.detail.members} == {"research", "qa"}
            ),
            pilot,
        )
        assert await members() == {"research", "qa"}


async def test_m_on_private_image_explains(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("m")
        await wait_for(lambda: any("members apply only to shared images" in n for n in notes(app)), pilot)
        assert not isinstance(app.screen, MembersDialog)


async def test_d_download_f_filters_c_cloud_open_dialogs(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, DownloadDialog), pilot)
        app.screen.dismiss(None)
        await pilot.press("f")
        await wait_for(lambda: isinstance(app.screen, FilterDialog), pilot)
        from imagedeck.model import ImageQuery

        app.screen.dismiss(ImageQuery(disk_format=("raw",)))
        await wait_for(
            lambda: app.screen.all_loaded and app.screen.image_query.disk_format == ("raw",), pilot
        )
        await wait_for(lambda: {i.disk_format for i in app.screen.image_list.images} == {"raw"}, pilot)
        await pilot.press("c")
        await wait_for(lambda: isinstance(app.screen, CloudPickerDialog), pilot)
        app.screen.dismiss(None)
        await wait_for(lambda: not isinstance(app.screen, CloudPickerDialog), pilot)
        assert app.settings.cloud is None


async def test_download_runs_as_a_transfer(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        target = tmp_path / "cirros.qcow2"
        app.jobs.start_download(image_named(app, "cirros-0.6.2"), target)
        pane = app.screen.query_one("#transfers")
        await wait_for(lambda: pane.display and pane.job_ids, pilot)
        await app.transfers.wait(pane.job_ids[0])
        assert target.stat().st_size == image_named(app, "cirros-0.6.2").size


async def test_members_that_fail_to_load_say_so_in_the_detail_pane(settings) -> None:
    from imagedeck.app import ImageDeckApp
    from imagedeck.model import Unavailable
    from imagedeck.stores.local import LocalStore
    from tui_support import fixed_clock

    class MembersDown(LocalStore):
        """Fault injection: the member list does not answer."""

        async def list_members(self, image_id: str):  # type: ignore[no-untyped-def]
            raise Unavailable("cannot reach the image service (timed out)")

    app = ImageDeckApp(
        settings, MembersDown(settings.store_path, settings.project), clock=fixed_clock, environ={}
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "demo-app-golden")
        await wait_for(lambda: app.screen.detail.members_note.startswith("not loaded"), pilot)
        assert "timed out" in app.screen.detail.members_note and app.screen.detail.members is None
        await select(app, pilot, "cirros-0.6.2")  # private: no members section at all
        await wait_for(lambda: app.screen.detail.image.name == "cirros-0.6.2", pilot)
        assert app.screen.detail.members_note == "" and app.screen.detail.members is None
