"""Edit metadata: checked fields, a preview of changes, store errors kept in place."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, Select, Static, TextArea

from dialog_fixtures import SCHEMA, DialogHost, sample_image
from imagedeck.dialogs import EditImageDialog
from imagedeck.dialogs.changes import describe
from imagedeck.model import Change, ChangeOp, Schema
from imagedeck.stores.local import LocalStore
from tui_support import wait_for


def _preview(app: DialogHost) -> str:
    return str(app.screen.query_one("#preview", Static).content)


async def test_first_field_focused_and_unchanged_form_returns_no_changes() -> None:
    app = DialogHost(lambda: EditImageDialog(sample_image(), SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "name"
        assert _preview(app) == "no changes"
        await pilot.press("enter")
    assert app.results == [[]]


async def test_typed_edits_become_changes_with_a_preview_in_words() -> None:
    app = DialogHost(lambda: EditImageDialog(sample_image(), SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end", *"-v2")
        screen = app.screen
        screen.query_one("#min_disk", Input).value = "10"
        screen.query_one("#protected", Checkbox).value = True
        screen.query_one("#tags", Input).value = "ubuntu, golden"
        screen.query_one("#properties", TextArea).load_text("architecture=aarch64\nhw_firmware_type=uefi\n")
        await wait_for(lambda: "hw_firmware_type" in _preview(app), pilot)
        preview = _preview(app)
        assert "name: jammy-server → jammy-server-v2" in preview
        assert "min_disk: 3 → 10" in preview
        assert "protected: no → yes" in preview
        assert "tags: ubuntu, lts → ubuntu, golden" in preview
        assert "architecture: x86_64 → aarch64" in preview
        assert "add property hw_firmware_type = uefi" in preview
        assert "remove property os_distro (was ubuntu)" in preview
        await pilot.press("ctrl+s")
    assert app.results == [
        [
            Change.replace("name", "jammy-server-v2"),
            Change.replace("min_disk", 10),
            Change.replace("protected", True),
            Change.replace("tags", ["ubuntu", "golden"]),
            Change.replace("architecture", "aarch64"),
            Change.add("hw_firmware_type", "uefi"),
            Change.remove("os_distro"),
        ]
    ]


async def test_invalid_values_are_shown_in_place_and_nothing_is_returned() -> None:
    app = DialogHost(lambda: EditImageDialog(sample_image(), SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, EditImageDialog)
        dialog.query_one("#min_ram", Input).value = "-5"
        await pilot.press("ctrl+s")
        assert "min RAM must be a whole number" in dialog.error_text
        dialog.query_one("#min_ram", Input).value = "1024"
        dialog.query_one("#properties", TextArea).load_text("min_disk=4\n")
        # editing a field takes the error away
        await wait_for(lambda: "cannot apply yet" in _preview(app) and dialog.error_text == "", pilot)
        await pilot.press("ctrl+s")
        assert "'min_disk' is an image field" in dialog.error_text
        dialog.query_one("#properties", TextArea).load_text("os_glance_importing_to_stores=x\n")
        await pilot.press("ctrl+s")
        assert "reserved for the image service" in dialog.error_text
        dialog.query_one("#properties", TextArea).load_text("no equals sign\n")
        await pilot.press("ctrl+s")
        assert "line 1: write key=value" in dialog.error_text
        assert app.results == []
        await pilot.press("escape")
    assert app.results == [None]


async def test_formats_follow_the_schema_and_only_change_while_queued() -> None:
    schema = Schema(disk_formats=("qcow2", "raw"), container_formats=("bare",))
    app = DialogHost(lambda: EditImageDialog(sample_image(status="active"), schema))
    async with app.run_test(size=(80, 24)):
        assert app.screen.query_one("#disk_format", Select).disabled
    app = DialogHost(lambda: EditImageDialog(sample_image(status="queued", disk_format=None), schema))
    async with app.run_test(size=(80, 24)) as pilot:
        select = app.screen.query_one("#disk_format", Select)
        assert not select.disabled
        overlay = select.query_one(OptionList)
        prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert [p for p in prompts if p != select.prompt] == ["qcow2", "raw"]
        select.value = "raw"
        await pilot.press("ctrl+s")
    assert app.results == [[Change.replace("disk_format", "raw")]]


async def test_show_error_keeps_every_edit() -> None:
    app = DialogHost(lambda: EditImageDialog(sample_image(), SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, EditImageDialog)
        dialog.query_one("#name", Input).value = "renamed"
        dialog.query_one("#properties", TextArea).load_text("architecture=ppc64le\n")
        await wait_for(lambda: "ppc64le" in _preview(app), pilot)  # the edits have been seen
        dialog.show_error("conflict: the image changed meanwhile")
        assert dialog.error_text == "conflict: the image changed meanwhile"
        assert dialog.query_one("#name", Input).value == "renamed"
        assert dialog.changes()[0] == Change.replace("name", "renamed")


async def test_apply_through_a_real_store_shows_its_error_in_place(tmp_path: Path) -> None:
    """A store error (here: the image was deleted meanwhile) keeps the dialog and the edits."""
    store = LocalStore(tmp_path / "store", "alpha")
    await store.open()
    try:
        image = await store.create_image(
            {"name": "edit-me", "disk_format": "raw", "container_format": "bare"}
        )
        other = await store.create_image({"name": "other", "disk_format": "raw", "container_format": "bare"})
        current = {"id": image.id}

        async def apply(changes: list[Change]) -> None:
            await store.update_image(current["id"], changes)

        app = DialogHost(lambda: EditImageDialog(image, SCHEMA, apply=apply))
        async with app.run_test(size=(80, 24)) as pilot:
            dialog = app.screen
            assert isinstance(dialog, EditImageDialog)
            await store.delete_image(image.id)
            dialog.query_one("#name", Input).value = "edited"
            await pilot.press("ctrl+s")
            await dialog.workers.wait_for_complete()
            await wait_for(lambda: dialog.error_text.startswith("not found"), pilot)
            assert dialog.query_one("#name", Input).value == "edited"
            assert app.results == []
            current["id"] = other.id  # the caller points at an image that exists: apply succeeds
            await pilot.press("ctrl+s")
            await dialog.workers.wait_for_complete()
            await wait_for(lambda: app.results == [[Change.replace("name", "edited")]], pilot)
        assert (await store.get_image(other.id)).name == "edited"
    finally:
        await store.close()


def test_describe_says_each_operation() -> None:
    image = sample_image()
    assert describe(Change(ChangeOp.REMOVE, "os_distro"), image) == "remove property os_distro (was ubuntu)"
    assert describe(Change.add("k", "v"), image) == "add property k = v"
    assert describe(Change.replace("name", None), image) == "name: jammy-server → (empty)"
