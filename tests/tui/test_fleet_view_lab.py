"""The fleet view on the real lab: two regions behind one Keystone, and `r` replicating an image
from one to the other with Glance's glance-download, the cell filling when it is done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fleet_fixtures import open_fleet
from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.dialogs import ConfirmDialog
from imagedeck.gallery import Place
from imagedeck.gallery.matrix import Presence
from imagedeck.model import ImageQuery
from imagedeck.stores.glance import GlanceStore
from tests.lab.plugin import lab_cloud
from tui_support import fixed_clock, notes, record_notes, wait_for


async def _chunks(data: bytes):  # type: ignore[no-untyped-def]
    yield data


@pytest.mark.lab
async def test_r_replicates_an_image_to_the_second_region(
    lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    record_notes(monkeypatch)
    name = f"fleet-tui-{tmp_path.name}"
    data = os.urandom(256 * 1024)
    one = GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False)
    two = GlanceStore(lab_cloud(lab, "lab-alice-r2"), token_cache=False)
    await one.open()
    await two.open()
    try:
        image = await one.create_image(
            {"name": name, "disk_format": "raw", "container_format": "bare", "os_distro": "debian"}
        )
        uploaded = await one.upload(image.id, _chunks(data), len(data))
        here, there = Place("cloud", "lab-alice", "RegionOne"), Place("cloud", "lab-alice", "RegionTwo")
        settings = Settings(cloud="lab-alice", token_cache=False, themes_dir=tmp_path / "themes")
        app = ImageDeckApp(
            settings,
            GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False),
            clock=fixed_clock,
            environ={},
        )
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_fleet(app, pilot, [here, there])
            row = next(row for row in screen.matrix.all_rows if row.name == name)
            assert row.cells[there.label].presence == Presence.MISSING
            screen.matrix.move_to(row.key, there.label)
            await pilot.press("r")
            await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
            assert there.label in app.screen.title_text
            await pilot.press("y")

            def replicated() -> bool:
                current = next(r for r in screen.matrix.all_rows if r.key == row.key)
                return current.cells[there.label].presence == Presence.ACTIVE

            await wait_for(replicated, pilot, timeout=90)
            assert any("glance-download" in note for note in notes(app)), notes(app)
        copies = await two.all_images(ImageQuery(name=name))
        assert [copy.os_hash_value for copy in copies] == [uploaded.os_hash_value]
        assert copies[0].properties.get("os_distro") == "debian"
    finally:
        for store in (one, two):
            for left in await store.all_images(ImageQuery(name=name)):
                await store.delete_image(left.id)
            await store.close()
