"""The local store's catalog: built in until a cloud's is imported into its directory."""

from __future__ import annotations

import os

import pytest

from imagedeck.catalog import PropertyCatalog, PropertyDef
from imagedeck.model import Invalid
from imagedeck.stores.local import LocalStore
from imagedeck.stores.local_catalog_file import CATALOG_FILE


async def test_builtin_then_imported(tmp_path) -> None:
    async with LocalStore(tmp_path / "s", "alpha") as store:
        first = await store.property_catalog()
        assert first.source == "builtin" and first.known("hw_disk_bus")
        cloud = PropertyCatalog.of(
            [PropertyDef("hw_only_here", enum=("a",))], "metadefs", "metadefs of cloud:x"
        )
        written = await store.save_property_catalog(cloud)
        assert written == tmp_path / "s" / CATALOG_FILE
        assert os.stat(written).st_mode & 0o777 == 0o600
    async with LocalStore(tmp_path / "s", "alpha", read_only=True) as again:
        catalog = await again.property_catalog()
        assert catalog.source == "imported" and catalog.known("hw_only_here")
        assert catalog.validate("hw_only_here", "b") is not None
        with pytest.raises(Invalid, match="read-only"):
            await again.save_property_catalog(cloud)


async def test_a_damaged_catalog_file_is_one_clear_error(tmp_path) -> None:
    async with LocalStore(tmp_path, "alpha") as store:
        (tmp_path / CATALOG_FILE).write_text("{not json")
        with pytest.raises(Invalid, match="is damaged"):
            await store.property_catalog()
