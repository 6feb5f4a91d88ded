"""Copy to another store (C) and convert (``:convert``, the palette's dialog) from the app.

Every job runs for real on the app's transfers engine: copies land in real local
stores (and in the lab's Glance), conversions run the installed qemu-img.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select
from textual.widgets.select import InvalidSelectValueError

from imagedeck.app import ImageDeckApp
from imagedeck.demo.images import qcow2_image
from imagedeck.dialogs import ConvertDialog, CopyDialog
from imagedeck.formats import inspect_file
from imagedeck.model import Image, ImageQuery
from imagedeck.stores.clouds import cloud_names
from imagedeck.stores.local import LocalStore
from imagedeck.transfers import TransferState, carried_fields
from imagedeck.transfers.convert import INSTALL_HINT
from tui_support import DEMO_PROJECT, image_named, loaded, notes, palette_offers, select, wait_for

#: What a copy must carry over from its source.
CARRIED = (
    "name",
    "disk_format",
    "container_format",
    "min_disk",
    "min_ram",
    "size",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
)


async def finished_job(app: ImageDeckApp, pilot):  # type: ignore[no-untyped-def]
    """The one transfer the test started, once it has ended."""
    await wait_for(
        lambda: (
            app.transfers is not None and app.transfers.jobs() and app.transfers.jobs()[-1].state.finished
        ),
        pilot,
        timeout=30,
    )
    job = app.transfers.jobs()[-1]
    pane = app.screen.transfers_pane
    # the screen has heard the end too (its notification, its refresh)
    await wait_for(lambda: job.id in pane.job_ids and pane.row(job.id).progress.state == job.state, pilot)
    return job


def assert_same_image(copy: Image, source: Image) -> None:
    """Same data (size and hashes) and the same metadata a copy keeps, in a new image."""
    for field in CARRIED:
        assert getattr(copy, field) == getattr(source, field), field
    kept = carried_fields(copy), carried_fields(source)
    assert sorted(kept[0].pop("tags")) == sorted(kept[1].pop("tags"))
    assert kept[0] == kept[1]
    assert copy.id != source.id and copy.status == "active"


async def images_in(path: Path, project: str = DEMO_PROJECT) -> list[Image]:
    async with LocalStore(path, project) as store:
        return await store.all_images(ImageQuery())


# -- copy -----------------------------------------------------------------------------


async def add_real_qcow2(store_path: Path, name: str) -> None:
    """A real qcow2 image beside the catalog's stand-in bytes: a copy inspects what it moves."""
    async with LocalStore(store_path, DEMO_PROJECT) as store:
        image = await store.create_image({"name": name, "disk_format": "qcow2", "container_format": "bare"})
        data = qcow2_image(4 * 1024 * 1024)

        async def chunks():  # type: ignore[no-untyped-def]
            yield data

        await store.upload(image.id, chunks(), len(data))


async def test_C_copies_into_another_local_store(make_app, store_path: Path, tmp_path: Path) -> None:
    second = tmp_path / "second-store"
    await add_real_qcow2(store_path, "real-golden")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "real-golden")
        source = image_named(app, "real-golden")
        await pilot.press("C")
        await wait_for(lambda: isinstance(app.screen, CopyDialog), pilot)
        dialog = app.screen
        assert app.focused is dialog.query_one("#path", Input)  # no other cloud: the path comes first
        assert dialog.query_one("#name", Input).value == "real-golden"
        await pilot.press(*str(second), "enter")
        job = await finished_job(app, pilot)
        assert job.state == TransferState.DONE, job.message
        assert "checksums match end to end" in (job.message or "")
        assert app.screen.query_one("#transfers").display
        assert app.focused is app.screen.image_list
        await pilot.press("j")  # the list keeps working
        assert app.screen.image_list.current.name != "real-golden"
    [copy] = await asyncio.wait_for(images_in(second), 10)
    assert_same_image(copy, source)


async def test_copy_is_refused_in_read_only_mode(make_app, tmp_path: Path) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("C")
        await wait_for(lambda: any("Read-only mode: cannot copy images" in n for n in notes(app)), pilot)
        assert not isinstance(app.screen, CopyDialog)
        assert app.transfers is None


async def test_copy_dialog_refuses_the_store_being_browsed_and_inactive_images(make_app, store_path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "legacy-appliance")  # deactivated: no data to read
        await pilot.press("C")
        await wait_for(lambda: any("only an active image has data to copy" in n for n in notes(app)), pilot)
        assert not isinstance(app.screen, CopyDialog)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("C")
        await wait_for(lambda: isinstance(app.screen, CopyDialog), pilot)
        await pilot.press(*str(store_path), "enter")
        assert "is the store this image is in" in app.screen.error_text
        await pilot.press("escape")
        assert app.transfers is None


async def test_an_unreachable_destination_cloud_is_a_notification(
    settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n"
        "  nowhere:\n"
        "    auth:\n"
        "      auth_url: http://127.0.0.1:9/v3\n"  # discard port: nothing answers there
        "      username: alice\n"
        "      password: secret\n"
        "      project_name: alpha\n"
        "      user_domain_name: Default\n"
        "      project_domain_name: Default\n"
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    app = ImageDeckApp(
        settings,
        LocalStore(settings.store_path, DEMO_PROJECT),
        environ={"OS_CLIENT_CONFIG_FILE": str(clouds)},
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("C")
        await wait_for(lambda: isinstance(app.screen, CopyDialog), pilot)
        await pilot.press("enter")  # the only destination: cloud nowhere
        await wait_for(
            lambda: any("cannot reach Keystone at http://127.0.0.1:9/v3" in n for n in notes(app)),
            pilot,
            timeout=30,
        )
        assert app.transfers is None
        await pilot.press("j")
        assert app.screen.image_list.current.name != "cirros-0.6.2"


# -- convert --------------------------------------------------------------------------


async def test_convert_command_writes_a_qcow2_file(make_app, tmp_path: Path) -> None:
    out = tmp_path / "converted"
    out.mkdir()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "centos-stream-9")  # raw, 384 KiB
        await pilot.press("colon", *f"convert qcow2 {out}", "enter")
        job = await finished_job(app, pilot)
        assert job.state == TransferState.DONE, job.message
    written = out / "centos-stream-9.qcow2"
    assert [p.name for p in out.iterdir()] == [written.name]
    report = inspect_file(written, None)
    assert report.detected_format == "qcow2" and report.safe
    assert report.virtual_size == 384 * 1024


async def test_convert_with_a_bad_format_names_the_good_ones(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "centos-stream-9")
        await pilot.press("colon", *f"convert qcow3 {tmp_path}", "enter")
        await wait_for(
            lambda: any("cannot convert to 'qcow3': choose one of qcow2, raw, vmdk" in n for n in notes(app)),
            pilot,
        )
        await pilot.press("colon", *"convert", "enter")
        await wait_for(lambda: any("usage: :convert FORMAT [PATH]" in n for n in notes(app)), pilot)
        assert app.transfers is None and list(tmp_path.glob("centos*")) == []


async def test_convert_without_qemu_img_shows_the_install_hint(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # fault injection: qemu-img is not installed
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await pilot.press("colon", *f"convert raw {tmp_path}", "enter")
        job = await finished_job(app, pilot)
        assert job.state == TransferState.FAILED
        assert INSTALL_HINT in (job.message or "")
        assert any(INSTALL_HINT in n for n in notes(app))
        assert not any("Traceback" in n for n in notes(app))
    assert list(tmp_path.glob("cirros*")) == []


async def test_palette_converts_back_into_this_store(make_app) -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        source = image_named(app, "cirros-0.6.2")
        await pilot.press("ctrl+p")
        await wait_for(lambda: isinstance(app.screen, CommandPalette), pilot)
        await pilot.press(*"convert image")
        await wait_for(lambda: palette_offers(app, "convert image"), pilot)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ConvertDialog), pilot)
        dialog = app.screen
        assert dialog.query_one("#format", Select).value == "raw"  # the first format it is not in
        assert dialog.query_one("#path", Input).value.endswith("cirros-0.6.2.raw")
        dialog.query_one("#format", Select).value = "vmdk"
        await wait_for(lambda: dialog.query_one("#path", Input).value.endswith("cirros-0.6.2.vmdk"), pilot)
        dialog.query_one("#output", Select).value = "store"
        await wait_for(lambda: dialog.query_one("#name", Input).value == "cirros-0.6.2-vmdk", pilot)
        await pilot.press("ctrl+s")
        job = await finished_job(app, pilot)
        assert job.state == TransferState.DONE, job.message
        await wait_for(
            lambda: any(i.name == "cirros-0.6.2-vmdk" for i in app.screen.image_list.images), pilot
        )
        converted = image_named(app, "cirros-0.6.2-vmdk")
        assert converted.disk_format == "vmdk" and converted.status == "active"
        assert converted.properties == source.properties and converted.min_ram == source.min_ram


async def test_convert_dialog_offers_files_only_in_read_only_mode(make_app) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        await app.run_action("screen.convert_image")
        await wait_for(lambda: isinstance(app.screen, ConvertDialog), pilot)
        await wait_for(lambda: any(select.is_mounted for select in app.screen.query("#output")), pilot)
        output = app.screen.query_one("#output", Select)
        with pytest.raises(InvalidSelectValueError):
            output.value = "store"
        hints = [str(hint.content) for hint in app.screen.query(".hint")]
        assert any("read-only mode: files only" in hint for hint in hints)


# -- help -----------------------------------------------------------------------------


async def test_help_and_footer_list_the_new_keys(make_app) -> None:
    from textual.widgets import Footer

    from imagedeck.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        footer_keys = [b.key for _, b, enabled, _ in app.screen.active_bindings.values() if b.show]
        assert "C" in footer_keys and app.screen.query_one(Footer).display
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen), pilot)
        rows = list(app.screen.rows)  # (keys, description); one key may act in several views
        assert any(k == "C" and text.startswith("Copy (to another cloud or store") for k, text in rows)
        assert any(keys.startswith(":convert FORMAT [PATH]") for keys, _ in rows)


# -- with the real Keystone + Glance lab ----------------------------------------------


def lab_app(settings, store, lab) -> ImageDeckApp:  # type: ignore[no-untyped-def]
    from tui_support import fixed_clock

    return ImageDeckApp(
        settings, store, clock=fixed_clock, environ={"OS_CLIENT_CONFIG_FILE": str(lab.clouds_yaml)}
    )


async def delete_from_lab(lab, image_id: str) -> None:  # type: ignore[no-untyped-def]
    from imagedeck.stores.glance import GlanceStore
    from tests.lab.plugin import lab_cloud

    async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as store:
        await store.delete_image(image_id)


@pytest.mark.lab
async def test_copy_from_the_local_store_into_a_cloud(settings, lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    app = lab_app(settings, LocalStore(settings.store_path, DEMO_PROJECT), lab)
    copied: list[str] = []
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(app, pilot)
            await select(app, pilot, "centos-stream-9")  # raw: Glance checks data against the format
            source = image_named(app, "centos-stream-9")
            await pilot.press("C")
            await wait_for(lambda: isinstance(app.screen, CopyDialog), pilot)
            choices = app.screen.query_one(OptionList)
            labels = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
            names = cloud_names({"OS_CLIENT_CONFIG_FILE": str(lab.clouds_yaml)})
            assert labels == [f"cloud {name}" for name in names]  # no local store: it is the one open
            await pilot.press(*["down"] * names.index("lab-alice"), "enter")
            job = await finished_job(app, pilot)
            if job.result is not None:
                copied.append(job.result.id)
            assert job.state == TransferState.DONE, job.message
            assert job.destination.startswith("cloud:lab-alice")
            assert_same_image(job.result, source)
    finally:
        for image_id in copied:
            await delete_from_lab(lab, image_id)


@pytest.mark.lab
async def test_C_enter_caches_a_cloud_image_in_the_local_store(
    settings, lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagedeck.stores.glance import GlanceStore
    from tests.lab.plugin import lab_cloud

    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    data = b"imagedeck cache test " * 4096
    async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as store:
        created = await store.create_image(
            {
                "name": f"tui-cache-{tmp_path.name}",
                "disk_format": "raw",
                "container_format": "bare",
                "os_distro": "cirros",
            }
        )

        async def chunks():  # type: ignore[no-untyped-def]
            yield data

        await store.upload(created.id, chunks(), len(data))
    cache = tmp_path / "cache"
    chosen = settings.replace(cloud="lab-alice", store_path=cache)
    app = lab_app(chosen, GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False), lab)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(app, pilot)
            assert app.screen.image_list.select_id(created.id)
            await wait_for(lambda: app.screen.detail.image is app.screen.image_list.current, pilot)
            source = app.screen.image_list.current
            await pilot.press("C")
            await wait_for(lambda: isinstance(app.screen, CopyDialog), pilot)
            first = app.screen.query_one(OptionList).get_option_at_index(0).prompt
            assert str(first) == f"this machine's local store (cache): {cache}"
            await pilot.press("enter")  # the default: the local store
            job = await finished_job(app, pilot)
            assert job.state == TransferState.DONE, job.message
        [copy] = await images_in(cache, chosen.project)
        assert_same_image(copy, source)
    finally:
        await delete_from_lab(lab, created.id)
