"""The property catalog on the real Glance: its metadefs, the fallback, and the CLI using them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest

from imagedeck.catalog import key_findings
from imagedeck.stores.glance import GlanceStore
from imagedeck.stores.local import LocalStore
from tests.cli_kit import isolate, run
from tests.glance.glance_faults import FaultyTransport
from tests.lab import Lab
from tests.lab.plugin import lab_cloud

pytestmark = pytest.mark.lab


async def test_metadefs_make_the_catalog(lab: Lab) -> None:
    async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as store:
        catalog = await store.property_catalog()
        assert catalog.source == "metadefs", catalog.note
        bus = catalog.get("hw_disk_bus")
        assert bus is not None and {"virtio", "scsi", "ide"} <= set(bus.enum)
        assert bus.namespace.startswith("OS::")
        assert catalog.known("hw_boot_menu")  # defined as boot_menu, prefixed hw_ for images
        assert catalog.known("image_build_date")  # the built-in lifecycle keys stay
        typo = key_findings("hw_disk_buss", "scsi", catalog)
        assert "did you mean hw_disk_bus?" in typo[0].message
        assert await store.property_catalog() is catalog  # read once per store


@pytest.mark.parametrize("status", [403, 404])
async def test_a_cloud_without_metadefs_falls_back_and_says_so(lab: Lab, status: int) -> None:
    transport = FaultyTransport()
    transport.on("GET", "/v2/metadefs/namespaces", lambda request, attempt: httpx.Response(status))
    async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False, transport=transport) as store:
        catalog = await store.property_catalog()
    assert catalog.source == "builtin"
    assert "offers no metadefs" in catalog.note and catalog.known("hw_disk_bus")


def test_set_with_a_typo_is_refused_and_a_catalog_can_be_imported(
    lab: Lab, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate(tmp_path, monkeypatch)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    name = f"lint-{uuid.uuid4().hex[:8]}"

    async def create() -> str:
        async with GlanceStore(lab_cloud(lab, "lab-alice"), token_cache=False) as store:
            return (
                await store.create_image({"name": name, "disk_format": "raw", "container_format": "bare"})
            ).id

    image_id = asyncio.run(create())
    try:
        typo = run(capsys, ["--cloud", "lab-alice", "set", image_id, "--property", "hw_disk_buss=scsi"])
        assert typo.code == 1 and "did you mean hw_disk_bus?" in typo.err
        good = run(
            capsys, ["--cloud", "lab-alice", "set", image_id, "--property", "hw_disk_bus=scsi", "--json"]
        )
        assert good.code == 0, good.err
    finally:
        run(capsys, ["--cloud", "lab-alice", "delete", image_id])

    store_dir = tmp_path / "local"
    imported = run(capsys, ["--store", str(store_dir), "catalog", "import", "--from-cloud", "lab-alice"])
    assert imported.code == 0, imported.err
    assert "saved" in imported.out

    async def local_catalog() -> tuple[str, bool]:
        async with LocalStore(store_dir, "alpha", read_only=True) as local:
            catalog = await local.property_catalog()
            return catalog.source, catalog.known("hw_boot_menu")

    assert asyncio.run(local_catalog()) == ("imported", True)
