"""`imagedeck fleet` on the real lab with a place per backend store of one Glance (multi-store)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from cli_kit import isolate, run
from gallery_support import add_image, settings_for
from imagedeck.gallery import close_places, open_places, parse_place
from imagedeck.model import ImageDeckError
from tests.lab import Lab

pytestmark = pytest.mark.lab


def test_fleet_shows_a_column_per_backend_store(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(tmp_path, monkeypatch)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(lab.clouds_yaml))
    name = f"fleet-stores-{tmp_path.name}"

    async def made() -> str:
        opened = await open_places([parse_place("lab-alice")], settings_for(tmp_path))
        try:
            image = await add_image(opened[0].store, name, 31)  # type: ignore[arg-type]
            assert image.stores == "fast"
            return image.id
        finally:
            await close_places(opened)

    async def removed(image_id: str) -> None:
        opened = await open_places([parse_place("lab-alice")], settings_for(tmp_path))
        with contextlib.suppress(ImageDeckError):
            await opened[0].store.delete_image(image_id)  # type: ignore[union-attr]
        await close_places(opened)

    image_id = asyncio.run(made())
    try:
        result = run(
            capsys, ["fleet", "--json", "--place", "lab-alice@fast", "--place", "cloud:lab-alice@cheap"]
        )
        assert result.code == 0, result.err
        data = result.json()
        assert [c["place"] for c in data["columns"]] == ["cloud:lab-alice@fast", "cloud:lab-alice@cheap"]
        row = next(r for r in data["rows"] if r["name"] == name)
        assert row["cells"]["cloud:lab-alice@fast"] == {"presence": "active", "image_ids": [image_id]}
        assert row["cells"]["cloud:lab-alice@cheap"]["presence"] == "missing"
        text = run(capsys, ["fleet", "--place", "lab-alice@fast", "--place", "lab-alice@cheap"]).out
        line = next(line for line in text.splitlines() if name in line)
        assert "● active" in line and "· missing" in line
    finally:
        asyncio.run(removed(image_id))
