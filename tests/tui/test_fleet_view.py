"""The fleet view on local stores: glyphs and words per cell, a failed place, cell moves and cell actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleet_fixtures import Fleet, app_for, make_fleet, open_fleet
from imagedeck.config import Settings
from imagedeck.dialogs import ConfirmDialog
from imagedeck.gallery.matrix import Presence
from imagedeck.model import Invalid
from imagedeck.screens.fleet import detail_lines, fleet_places
from imagedeck.screens.place_image import ImageAtPlace
from imagedeck.widgets.presence_matrix import HEADER_LINES
from tui_support import notes, wait_for


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    return make_fleet(tmp_path)


def line(screen, y: int) -> str:  # type: ignore[no-untyped-def]
    return screen.matrix.render_line(y).text


def row_line(screen, name: str) -> str:  # type: ignore[no-untyped-def]
    index = next(n for n, row in enumerate(screen.matrix.rows) if row.name == name)
    return line(screen, HEADER_LINES + index)


def presence(screen, name: str, place: str) -> Presence:  # type: ignore[no-untyped-def]
    row = next(row for row in screen.matrix.all_rows if row.name == name)
    return row.cells[place].presence


async def test_cells_read_as_glyph_and_word_a_failed_place_says_why_and_read_only_refuses(
    fleet: Fleet,
) -> None:
    app = app_for(fleet, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_fleet(app, pilot, fleet.places)
        assert [r.name for r in screen.matrix.rows] == ["tools", "web-1", "web-2", "web-3"]
        web1 = row_line(screen, "web-1")
        assert web1.count("● active") == 2 and "? unknown" in web1
        assert "● active" in row_line(screen, "web-2") and "· missing" in row_line(screen, "web-2")
        names, counts = line(screen, 0), line(screen, 1)
        assert "east" in names and "west" in names and "broken" in names
        assert "3 here" in counts and "2 here" in counts and "✕" in counts
        status = str(screen.query_one("#fleet-status").render())
        assert f"{fleet.broken.label} not read" in status
        await pilot.press("g", "j", "j", "l", "r", "d")  # web-2, missing at west
        assert app.screen is screen
        assert sum("Read-only mode" in note for note in notes(app)) == 2


async def test_the_cursor_moves_by_cell_and_keys_act_on_the_cell(fleet: Fleet) -> None:
    app = app_for(fleet)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_fleet(app, pilot, fleet.places)
        matrix = screen.matrix
        assert matrix.current_place == fleet.east.label
        await pilot.press("g", "l", "l", "l")  # rows that came later may have moved the cursor down
        assert matrix.current_place == fleet.broken.label  # the last column holds the cursor
        await pilot.press("h", "j")
        assert (matrix.current_row.name, matrix.current_place) == ("web-1", fleet.west.label)
        assert "at " + fleet.west.label in "\n".join(detail_lines(matrix.current_row, matrix.current_place))
        await pilot.press("y")
        west_id = matrix.current_row.cells[fleet.west.label].image_ids[0]
        assert f"Copied id {west_id} ({fleet.west.label})" in notes(app)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ImageAtPlace), pilot)
        assert app.screen.image.id == west_id
        await pilot.press("escape")
        await pilot.press("slash", *"web-3", "enter")
        assert [r.name for r in matrix.rows] == ["web-3"]
        await pilot.press("escape")  # clears the filter first
        assert len(matrix.rows) == 4 and app.screen is screen
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MainScreen"


async def test_replicating_fills_a_missing_cell_and_delete_asks_naming_the_place(fleet: Fleet) -> None:
    app = app_for(fleet)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_fleet(app, pilot, fleet.places)
        key = next(row.key for row in screen.matrix.rows if row.name == "web-2")
        screen.matrix.move_to(key, fleet.west.label)
        await pilot.press("r")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        assert fleet.west.label in app.screen.title_text and fleet.east.label in app.screen.message
        await pilot.press("y")
        await wait_for(lambda: presence(screen, "web-2", fleet.west.label) == Presence.ACTIVE, pilot)
        assert any("web-2 at " + fleet.west.label + ": completed" in note for note in notes(app))
        assert "3 here" in line(screen, 1).split("3 here", 1)[1]  # west now holds three too

        key = next(row.key for row in screen.matrix.rows if row.name == "web-1")
        screen.matrix.move_to(key, fleet.west.label)
        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        assert fleet.west.label in app.screen.message and fleet.west.label in app.screen.title_text
        await pilot.press("y")
        await wait_for(lambda: presence(screen, "web-1", fleet.west.label) == Presence.MISSING, pilot)
        assert presence(screen, "web-1", fleet.east.label) == Presence.ACTIVE


def test_fleet_places_come_from_the_command_else_the_config(tmp_path: Path) -> None:
    settings = Settings(store_path=tmp_path, fleet=["prod:RegionOne", "~/images"])
    assert fleet_places([], settings)[0].label == "cloud:prod:RegionOne"
    assert [p.label for p in fleet_places(["local:/x"], settings)] == ["local:/x"]
    with pytest.raises(Invalid, match=":fleet PLACE"):
        fleet_places([], Settings(store_path=tmp_path))
    with pytest.raises(Invalid):
        fleet_places(["prod:"], settings)
