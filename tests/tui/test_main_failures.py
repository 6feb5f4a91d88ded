"""Failures become notifications with what to do next; themes and NO_COLOR; polling updates rows."""

from __future__ import annotations

from imagedeck.app import ImageDeckApp
from imagedeck.dialogs import ImportUrlDialog, UploadDialog
from imagedeck.formats import overriding
from imagedeck.model import Forbidden
from imagedeck.stores.local import LocalStore
from tui_support import fixed_clock, image_named, loaded, notes, select, wait_for


class RefusingStore(LocalStore):
    """Fault injection: every metadata change is refused as a cloud policy would."""

    async def update_image(self, image_id, changes):
        raise Forbidden("policy does not allow modify_image for this project")


async def test_a_store_error_is_a_notification_not_a_crash(settings) -> None:
    store = RefusingStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("p")
        await wait_for(lambda: any("forbidden: policy does not allow" in n for n in notes(app)), pilot)
        assert app.is_running and not image_named(app, "cirros-0.6.2").protected


async def test_no_color_starts_in_mono(settings) -> None:
    store = LocalStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={"NO_COLOR": "1"})
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert app.theme == "imagedeck-mono"


async def test_broken_user_theme_is_reported(settings) -> None:
    settings.themes_dir.mkdir(parents=True)
    (settings.themes_dir / "broken.yaml").write_text("name: broken\nprimary: not-a-colour\n")
    store = LocalStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert any("broken.yaml" in n for n in notes(app))
        assert app.theme == "imagedeck-dark"


async def test_poll_picks_up_a_status_change(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        queued = image_named(app, "build-in-progress")
        assert queued.status == "queued"

        async def data():
            yield b"\0" * 4096

        with overriding(force_format=True):  # zeros stand in for the qcow2 data
            await app.store.upload(queued.id, data(), 4096)
        app.screen.poll([queued.id])  # what the poll timer asks for every few seconds
        await wait_for(lambda: image_named(app, "build-in-progress").status == "active", pilot)
        await wait_for(
            lambda: not app.screen.image_list.polling, pilot
        )  # nothing transitional any more  # nothing transitional on screen any more


async def test_u_and_i_open_upload_and_import(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("u")
        await wait_for(lambda: isinstance(app.screen, UploadDialog), pilot)
        app.screen.dismiss(None)
        await wait_for(lambda: not isinstance(app.screen, UploadDialog), pilot)
        await pilot.press("i")
        await wait_for(lambda: isinstance(app.screen, ImportUrlDialog), pilot)
        app.screen.dismiss(None)
        await wait_for(lambda: not isinstance(app.screen, ImportUrlDialog), pilot)
        assert app.transfers is None  # cancelled dialogs start nothing


async def test_upload_request_becomes_an_image(make_app, tmp_path) -> None:
    from imagedeck.dialogs import UploadRequest

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        source = tmp_path / "disk.raw"
        source.write_bytes(bytes(64 * 1024))
        app.jobs.start_upload(
            UploadRequest(
                path=source, fields={"name": "fresh-upload", "disk_format": "raw", "container_format": "bare"}
            )
        )
        await wait_for(lambda: app.screen.query_one("#transfers").display, pilot)
        await wait_for(
            lambda: any(
                i.name == "fresh-upload" and i.status == "active" for i in app.screen.image_list.images
            ),
            pilot,
            timeout=20,
        )


async def test_a_failed_import_is_reported(make_app) -> None:
    from imagedeck.dialogs import ImportRequest

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        app.jobs.start_import(
            ImportRequest(
                url="http://127.0.0.1:9/disk.qcow2",  # nothing listens
                fields={"name": "from-url", "disk_format": "qcow2", "container_format": "bare"},
            )
        )
        await wait_for(
            lambda: any("cannot fetch http://127.0.0.1:9/disk.qcow2" in n for n in notes(app)),
            pilot,
            timeout=20,
        )
        assert app.is_running and not any(i.name == "from-url" for i in app.screen.image_list.images)
        pane = app.screen.query_one("#transfers")
        assert pane.display and pane.job_ids
