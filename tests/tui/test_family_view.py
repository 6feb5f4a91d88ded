"""The family view: versions per place, the latest marked, lifecycle badges, and plans before changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from fleet_fixtures import Fleet, app_for, make_fleet, open_fleet
from imagedeck.model import ImageQuery
from imagedeck.screens.families import FamiliesScreen
from imagedeck.screens.family_dialogs import AskDialog, PlanDialog, check_day, check_keep
from imagedeck.stores.local import LocalStore
from tui_support import notes, wait_for


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    return make_fleet(tmp_path)


def lines(screen: FamiliesScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def highlight(screen: FamiliesScreen, text: str, place: str) -> None:
    options = screen.query_one(OptionList)
    for index, shown in enumerate(lines(screen)):
        if text in shown and place in shown:
            options.highlighted = index
            return
    raise AssertionError(f"no line with {text} at {place}")


async def answer(app, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(Input).value = text
    await pilot.press("enter")


async def shown_in(root: Path, name: str) -> dict[str, object]:
    async with LocalStore(root, "alpha") as store:
        found = await store.all_images() + await store.all_images(ImageQuery(os_hidden=True))
        image = next(i for i in found if i.name == name)
        return {"hidden": image.os_hidden, "until": image.properties.get("provided_until")}


async def test_versions_per_place_latest_badges_grouping_and_a_promote_plan(
    fleet: Fleet, tmp_path: Path
) -> None:
    app = app_for(fleet)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_fleet(app, pilot, fleet.places)
        await pilot.press("F")
        await wait_for(lambda: isinstance(app.screen, FamiliesScreen), pilot)
        screen = app.screen
        await wait_for(lambda: screen.families, pilot)
        shown = lines(screen)
        assert "family web — 4 versions" in shown
        web3 = next(text for text in shown if "web-3" in text)
        assert web3.startswith("* east") and "property image_family" in web3
        web1_east = next(text for text in shown if "web-1" in text and "east" in text)
        assert not web1_east.startswith("*") and "⚠ PAST end of life 2026-01-31" in web1_east
        assert next(text for text in shown if "web-1" in text and "west" in text).startswith("* west")
        assert any("tools" in text and "grouped" not in text and "· name" in text for text in shown)

        highlight(screen, "web-2", "east")
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PlanDialog), pilot)
        steps = str(app.screen.query_one("#steps").render())
        assert "show (latest): web-2" not in steps and "already shown (latest): web-2" in steps
        assert "hide (deprecated): web-3" in steps and "hide (deprecated): web-1" in steps
        await pilot.press("n")
        assert (await shown_in(tmp_path / "east", "web-3"))["hidden"] is False  # a preview changes nothing
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PlanDialog), pilot)
        await pilot.press("y")
        await wait_for(lambda: any("Promote: 2 images changed" in note for note in notes(app)), pilot)
        await wait_for(lambda: any(t.startswith("* east") and "web-2" in t for t in lines(screen)), pilot)
        assert (await shown_in(tmp_path / "east", "web-3"))["hidden"] is True


async def test_end_of_life_checks_the_day_then_shows_the_plan(fleet: Fleet, tmp_path: Path) -> None:
    app = app_for(fleet)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_fleet(app, pilot, fleet.places[:2])
        await pilot.press("F")
        await wait_for(lambda: isinstance(app.screen, FamiliesScreen) and app.screen.families, pilot)
        screen = app.screen
        highlight(screen, "web-3", "east")
        await pilot.press("e")
        await wait_for(lambda: isinstance(app.screen, AskDialog), pilot)
        await answer(app, pilot, "2027-13-01")
        assert "not a day of the calendar" in app.screen.error_text
        await answer(app, pilot, "2027-06-30")
        await wait_for(lambda: isinstance(app.screen, PlanDialog), pilot)
        assert "end of life 2027-06-30: web-3" in str(app.screen.query_one("#steps").render())
        await pilot.press("y")
        await wait_for(
            lambda: any("end of life 2027-06-30" in t and "web-3" in t for t in lines(screen)), pilot
        )
        assert (await shown_in(tmp_path / "east", "web-3"))["until"] == "2027-06-30"

        highlight(screen, "family web", "")
        await pilot.press("x")
        await wait_for(lambda: isinstance(app.screen, AskDialog), pilot)
        await answer(app, pilot, "0")
        assert "at least 1" in app.screen.error_text
        await answer(app, pilot, "1")
        await wait_for(lambda: isinstance(app.screen, PlanDialog), pilot)
        steps = str(app.screen.query_one("#steps").render())
        assert "keep: web-3" in steps and "hide (retired): web-2" in steps
        await pilot.press("escape")
        assert (await shown_in(tmp_path / "east", "web-2"))["hidden"] is False


def test_day_and_count_checks() -> None:
    assert check_day("2027-06-30") is None
    assert "YYYY-MM-DD" in (check_day("30.06.2027") or "")
    assert "calendar" in (check_day("2027-02-30") or "")
    assert check_keep("2") is None and check_keep("0") and check_keep("two")
