"""Places for the fleet and family views: two local stores sharing some content, and one that cannot open."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagedeck.app import ImageDeckApp
from imagedeck.config import Settings
from imagedeck.gallery import Place
from imagedeck.stores.local import LocalStore
from tui_support import fixed_clock, wait_for


@dataclass(frozen=True)
class Fleet:
    east: Place
    west: Place
    broken: Place
    settings: Settings

    @property
    def places(self) -> list[Place]:
        return [self.east, self.west, self.broken]


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def payload(seed: int) -> bytes:
    return seed.to_bytes(4, "big") * 4096


async def add(store: LocalStore, name: str, seed: int, **fields: Any) -> str:
    image = await store.create_image(
        {"name": name, "disk_format": "raw", "container_format": "bare", **fields}
    )
    data = payload(seed)
    await store.upload(image.id, _once(data), len(data))
    return image.id


def make_fleet(root: Path) -> Fleet:
    """east: web-1..3 of family web (web-1 past its end of life); west: web-1 and its own tools."""

    async def seed() -> None:
        async with LocalStore(root / "east", "alpha") as east:
            for n in (1, 2, 3):
                extra = {"provided_until": "2026-01-31"} if n == 1 else {}
                await add(east, f"web-{n}", n, image_family="web", image_build_date=f"2026-0{n}-01", **extra)
        async with LocalStore(root / "west", "alpha") as west:
            await add(west, "web-1", 1, image_family="web", image_build_date="2026-01-01")
            await add(west, "tools", 7)

    asyncio.run(seed())
    (root / "broken").write_text("a file, not a store")
    settings = Settings(
        store_path=root / "east", project="alpha", token_cache=False, themes_dir=root / "themes"
    )
    return Fleet(
        Place("local", str(root / "east")),
        Place("local", str(root / "west")),
        Place("local", str(root / "broken")),
        settings,
    )


def app_for(fleet: Fleet, **changes: object) -> ImageDeckApp:
    settings = fleet.settings.replace(**changes) if changes else fleet.settings
    store = LocalStore(settings.store_path, settings.project, read_only=settings.read_only)
    return ImageDeckApp(settings, store, clock=fixed_clock, environ={})


async def open_fleet(app: ImageDeckApp, pilot, places: list[Place]):  # type: ignore[no-untyped-def]
    """Push the fleet view and wait until every place has answered."""
    from imagedeck.screens.fleet import FleetScreen

    await wait_for(lambda: app.screen is not None and type(app.screen).__name__ == "MainScreen", pilot)
    screen = FleetScreen(places)
    await app.push_screen(screen)
    await wait_for(lambda: not screen.reading, pilot)
    await pilot.pause()
    return screen
