"""Members: list with status, queue adds by id or name, mark removals, typed result."""

from __future__ import annotations

from textual.widgets import OptionList

from dialog_fixtures import MEMBERS, DialogHost, sample_image
from imagedeck.dialogs import MembersDialog, MembersResult


def _rows(app: DialogHost) -> list[str]:
    members = app.screen.query_one(OptionList)
    return [str(members.get_option_at_index(i).prompt) for i in range(members.option_count)]


async def test_members_listed_with_status_and_input_focused() -> None:
    app = DialogHost(lambda: MembersDialog(sample_image(), MEMBERS))
    async with app.run_test(size=(80, 24)):
        assert app.focused is not None and app.focused.id == "project"
        rows = _rows(app)
        assert [row.split() for row in rows] == [
            ["beta", "accepted"],
            ["gamma", "pending"],
            ["delta", "rejected"],
        ]
        members = app.screen.query_one(OptionList)
        styles = [{span.style for span in members.get_option_at_index(i).prompt.spans} for i in range(3)]
        assert styles == [{"$share-accepted"}, {"$share-pending"}, {"$share-rejected"}]


async def test_add_and_remove_by_keyboard() -> None:
    app = DialogHost(lambda: MembersDialog(sample_image(), MEMBERS))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"omega", "enter")
        await pilot.press(*"4f1c2d", "enter")
        assert "+ omega" in _rows(app)[3] and "to add" in _rows(app)[3]
        await pilot.press("tab")  # into the list: first row (beta)
        await pilot.press("down", "x")  # mark gamma
        assert _rows(app)[1].startswith("- gamma")
        await pilot.press("down", "down", "down", "x")  # the queued 4f1c2d: dropped
        assert not any("4f1c2d" in row for row in _rows(app))
        await pilot.press("ctrl+s")
    assert app.results == [MembersResult(add=["omega"], remove=["gamma"])]


async def test_second_x_unmarks_and_readding_a_marked_member_unmarks_it() -> None:
    app = DialogHost(lambda: MembersDialog(sample_image(), MEMBERS))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "x", "x", "down", "x")  # beta marked then unmarked; gamma marked
        await pilot.press("shift+tab", *"gamma", "enter")  # typing gamma again keeps it
        await pilot.press("ctrl+s")
    assert app.results == [MembersResult(add=[], remove=[])]
    assert app.results[0].empty


async def test_add_errors_are_shown_in_place() -> None:
    app = DialogHost(lambda: MembersDialog(sample_image(), MEMBERS))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, MembersDialog)
        await pilot.press("enter")
        assert "type a project id or name" in dialog.error_text
        await pilot.press(*"beta", "enter")
        assert dialog.error_text == "beta is already a member"
        await pilot.press("ctrl+a", "ctrl+k", *"alpha", "enter")
        assert "owner project" in dialog.error_text
        await pilot.press("escape")
    assert app.results == [None]


async def test_non_shared_image_explains_members_need_shared() -> None:
    app = DialogHost(lambda: MembersDialog(sample_image(visibility="private"), []))
    async with app.run_test(size=(80, 24)):
        hints = " ".join(str(h.content) for h in app.screen.query(".hint"))
        assert "members only apply to shared images" in hints
        assert _rows(app) == ["not shared with any project"]
