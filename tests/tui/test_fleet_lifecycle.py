"""The fleet view's lifecycle column and the progress of a replication in its cell, on local stores."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fleet_fixtures import add, app_for, open_fleet
from imagedeck.config import Settings
from imagedeck.dialogs import ConfirmDialog
from imagedeck.gallery import Place, ReplicateJob
from imagedeck.gallery.matrix import Presence
from imagedeck.model import Conflict
from imagedeck.stores.local import LocalStore
from imagedeck.widgets.presence_matrix import HEADER_LINES
from tui_support import notes, wait_for


class Fleet2:
    def __init__(self, root: Path) -> None:
        self.east = Place("local", str(root / "east"))
        self.west = Place("local", str(root / "west"))
        self.broken = Place("local", str(root / "broken"))
        self.settings = Settings(
            store_path=root / "east", project="alpha", token_cache=False, themes_dir=root / "themes"
        )


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet2:
    """east holds four versions of web: past end of life, dated, hidden and latest; west holds none."""

    async def seed() -> None:
        async with LocalStore(tmp_path / "east", "alpha") as east:
            family = {"image_family": "web"}
            await add(east, "web-1", 1, image_build_date="2026-01-01", provided_until="2026-01-31", **family)
            await add(east, "web-2", 2, image_build_date="2026-02-01", provided_until="2027-06-30", **family)
            await add(east, "web-3", 3, image_build_date="2026-03-01", os_hidden=True, **family)
            await add(east, "web-4", 4, image_build_date="2026-04-01", **family)
        async with LocalStore(tmp_path / "west", "alpha") as west:
            await add(west, "tools", 7)

    asyncio.run(seed())
    (tmp_path / "broken").write_text("a file, not a store")
    return Fleet2(tmp_path)


def row_text(screen, name: str) -> str:  # type: ignore[no-untyped-def]
    index = next(n for n, row in enumerate(screen.matrix.rows) if row.name == name)
    return screen.matrix.render_line(HEADER_LINES + index).text


class Gated(ReplicateJob):
    """A replication that reports 40 % and waits to be let go; ``fail`` makes it fail then."""

    gate: asyncio.Event
    fail = False

    async def run(self) -> None:
        self.begin(100)
        self.set_done(40)
        await self.gate.wait()
        if self.fail:
            raise Conflict("the target refused the copy")
        await super().run()


async def replicate(pilot, screen, name: str, place: str) -> None:  # type: ignore[no-untyped-def]
    key = next(row.key for row in screen.matrix.rows if row.name == name)
    screen.matrix.move_to(key, place)
    await pilot.press("r")
    await wait_for(lambda: isinstance(pilot.app.screen, ConfirmDialog), pilot)
    await pilot.press("y")


async def test_badges_then_a_replication_reads_progress_then_active_or_failed_with_why(
    fleet: Fleet2, monkeypatch: pytest.MonkeyPatch
) -> None:
    Gated.gate = asyncio.Event()
    monkeypatch.setattr("imagedeck.screens.fleet.ReplicateJob", Gated)
    app = app_for(fleet)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_fleet(app, pilot, [fleet.east, fleet.west])
        assert "Lifecycle" in screen.matrix.render_line(0).text
        assert "⚠ past EOL" in row_text(screen, "web-1")
        assert "EOL 2027-06-30" in row_text(screen, "web-2")
        assert "deprecated" in row_text(screen, "web-3")
        assert "latest" in row_text(screen, "web-4") and "latest" not in row_text(screen, "web-2")

        west = fleet.west.label
        await replicate(pilot, screen, "web-4", west)
        await wait_for(lambda: "↻ 40%" in row_text(screen, "web-4"), pilot)
        detail = str(screen.query_one("#fleet-detail").render())
        assert f"at {west}: replicating 40%" in detail
        Gated.gate.set()
        await wait_for(
            lambda: (
                screen.matrix.current_row.cells[west].presence == Presence.ACTIVE
                and not screen.matrix.cell_notes
            ),
            pilot,
        )
        assert row_text(screen, "web-4").count("● active") == 2

        Gated.gate, Gated.fail = asyncio.Event(), True
        await replicate(pilot, screen, "web-2", west)
        await wait_for(lambda: "↻ 40%" in row_text(screen, "web-2"), pilot)
        Gated.gate.set()
        await wait_for(lambda: "✕ failed" in row_text(screen, "web-2"), pilot)
        await wait_for(lambda: not screen.reading, pilot)
        assert "✕ failed" in row_text(screen, "web-2")  # still after the target was read again
        why = "the target refused the copy"
        assert why in str(screen.query_one("#fleet-status").render())
        assert why in str(screen.query_one("#fleet-detail").render())
        assert any("web-2 at " + west + ": failed" in note for note in notes(app))


async def test_a_narrow_terminal_drops_the_lifecycle_column_first(fleet: Fleet2) -> None:
    app = app_for(fleet)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_fleet(app, pilot, [fleet.east, fleet.west, fleet.broken])
        assert "Lifecycle" not in screen.matrix.render_line(0).text
        assert "● active" in row_text(screen, "web-4")
