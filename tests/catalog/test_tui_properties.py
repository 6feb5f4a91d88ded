"""Property help in the edit dialog and the detail pane's lint marks, from the store's catalog."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.widgets import Input, Static, TextArea

from imagedeck.catalog import PropertyCatalog, PropertyDef, builtin_catalog
from imagedeck.dialogs import EditImageDialog
from imagedeck.model import Change, Image
from imagedeck.widgets.detail_layout import Kind
from imagedeck.widgets.detail_pane import image_fields
from tests.tui.dialog_fixtures import SCHEMA, DialogHost, sample_image


class StoreStub:
    """Only what the dialog asks a store for: its catalog, counted."""

    def __init__(self, catalog: PropertyCatalog) -> None:
        self.catalog, self.reads = catalog, 0

    async def property_catalog(self) -> PropertyCatalog:
        self.reads += 1
        return self.catalog


class StoreHost(DialogHost):
    def __init__(self, make_dialog: Any, store: StoreStub) -> None:
        super().__init__(make_dialog)
        self.store = store


def shown(entry: Input) -> str:
    """What the entry draws: the typed text and the suggestion after it."""
    return str(entry.render_line(0).text).strip()


def _help(app: DialogHost) -> str:
    return str(app.screen.query_one("#property-help", Static).content)


async def test_entry_completes_names_and_values_and_explains_them() -> None:
    app = DialogHost(lambda: EditImageDialog(sample_image(), SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        entry = app.screen.query_one("#property-entry", Input)
        entry.focus()
        await pilot.press(*"hw_disk_b")
        await pilot.pause()
        assert shown(entry) == "hw_disk_bus="
        assert "hw_disk_bus: Bus the root disk is attached with. Values: scsi, virtio" in _help(app)
        await pilot.press("right", *"vi")
        await pilot.pause()
        assert shown(entry) == "hw_disk_bus=virtio"
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.screen.query_one("#properties", TextArea).text.splitlines()[-1] == "hw_disk_bus=virtio"
        assert entry.value == "" and app.results == []  # enter in the entry adds, it does not apply


async def test_a_bad_value_is_refused_and_an_unknown_key_needs_a_second_apply() -> None:
    app = DialogHost(lambda: EditImageDialog(sample_image(), SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, EditImageDialog)
        area = dialog.query_one("#properties", TextArea)
        kept = area.text
        area.load_text(kept + "\nhw_disk_bus=virtoi\n")
        await pilot.press("ctrl+s")
        assert "hw_disk_bus must be one of scsi, virtio" in dialog.error_text
        await pilot.press("ctrl+s")
        assert app.results == []  # a bad value is never saved, however often you ask

        area.load_text(kept + "\nhw_disk_buss=virtio\n")
        await pilot.press("ctrl+s")
        assert "did you mean hw_disk_bus?" in dialog.error_text and "Apply again" in dialog.error_text
        assert app.results == []
        await pilot.press("ctrl+s")
    assert app.results == [[Change.add("hw_disk_buss", "virtio")]]


async def test_the_dialog_uses_the_stores_catalog() -> None:
    store = StoreStub(PropertyCatalog.of([PropertyDef("site_tier", enum=("gold",))], "metadefs", "metadefs"))
    app = StoreHost(lambda: EditImageDialog(sample_image(properties={}), SCHEMA), store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EditImageDialog)
        dialog.query_one("#properties", TextArea).load_text("site_tier=silver\n")
        await pilot.press("ctrl+s")
        assert "site_tier must be one of gold" in dialog.error_text
        assert store.reads == 1


def test_detail_pane_marks_properties_with_findings() -> None:
    image = Image(id="i", properties={"hw_disk_buss": "scsi", "os_distro": "debian", "os_type": "bsd"})
    fields = image_fields(image, None, "", datetime(2026, 1, 1, tzinfo=UTC), builtin_catalog())
    labels = [(f.label, f.value, f.kind) for f in fields]
    at = labels.index(("hw_disk_buss", "scsi", Kind.TEXT))
    assert labels[at + 1][2] == Kind.NOTE and labels[at + 1][1].startswith("! hw_disk_buss is not a known")
    after_os_type = labels[labels.index(("os_type", "bsd", Kind.TEXT)) + 1]
    assert after_os_type[1].startswith("! os_type must be one of linux, windows")
    distro = labels.index(("os_distro", "debian", Kind.TEXT))
    assert labels[distro + 1][0] == "os_type"  # a clean property has no mark
    assert all(not f.value.startswith("!") for f in image_fields(image, None, "", datetime.now(UTC)))
