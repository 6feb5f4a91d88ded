"""Confirm, visibility and cloud picker: keyboard-only answers and typed results."""

from __future__ import annotations

from dialog_fixtures import DialogHost
from imagedeck.dialogs import LOCAL_STORE, CloudPickerDialog, ConfirmDialog, VisibilityDialog


async def test_confirm_focuses_cancel_so_enter_is_safe() -> None:
    app = DialogHost(lambda: ConfirmDialog("Delete image", "Delete jammy-server?"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "cancel"
        await pilot.press("enter")
    assert app.results == [False]


async def test_confirm_by_y_and_by_tab_enter() -> None:
    app = DialogHost(lambda: ConfirmDialog("Delete image", "Delete?", confirm_label="Delete"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
    assert app.results == [True]
    app = DialogHost(lambda: ConfirmDialog("Delete image", "Delete?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "enter")
    assert app.results == [True]


async def test_confirm_escape_answers_false() -> None:
    app = DialogHost(lambda: ConfirmDialog("Quit", "Transfers are running. Quit?", "Quit"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
    assert app.results == [False]


async def test_visibility_starts_on_current_and_returns_choice() -> None:
    app = DialogHost(lambda: VisibilityDialog("private", ["private", "shared", "community"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # from private: shared is the next one
    assert app.results == ["shared"]


async def test_visibility_public_is_disabled_for_non_admin_and_explained() -> None:
    app = DialogHost(lambda: VisibilityDialog("private", ["private", "shared", "community"]))
    async with app.run_test(size=(80, 24)) as pilot:
        from textual.widgets import OptionList

        choices = app.screen.query_one(OptionList)
        public = choices.get_option("public")
        assert public.disabled
        assert "only an admin" in str(public.prompt)
        seen = set()
        for _ in range(5):
            await pilot.press("down")
            seen.add(choices.get_option_at_index(choices.highlighted).id)
        assert seen == {"private", "shared", "community"}
        await pilot.press("enter")
        assert len(app.results) == 1 and app.results[0] in seen


async def test_visibility_escape_cancels() -> None:
    app = DialogHost(lambda: VisibilityDialog("shared", ["public", "private", "shared", "community"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
    assert app.results == [None]


async def test_cloud_picker_offers_local_store_first_and_marks_current() -> None:
    app = DialogHost(lambda: CloudPickerDialog(["alpha-cloud", "beta-cloud"], "beta-cloud"))
    async with app.run_test(size=(80, 24)) as pilot:
        from textual.widgets import OptionList

        choices = app.screen.query_one(OptionList)
        assert choices.get_option_at_index(0).id == LOCAL_STORE
        assert choices.highlighted == 2
        assert "(current)" in str(choices.get_option("beta-cloud").prompt)
        await pilot.press("up", "up", "enter")
    assert app.results == [LOCAL_STORE]


async def test_cloud_picker_returns_a_cloud_name_and_cancels() -> None:
    app = DialogHost(lambda: CloudPickerDialog(["alpha-cloud"], None))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
    assert app.results == ["alpha-cloud"]
    app = DialogHost(lambda: CloudPickerDialog([], LOCAL_STORE))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "no clouds found" in str(app.screen.query_one(".hint").content)
        await pilot.press("escape")
    assert app.results == [None]
