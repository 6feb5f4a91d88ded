"""The help screen: every key in columns that fit 120x36, scrolling at 80x24, and a live search."""

from __future__ import annotations

from imagedeck.actions import ACTIONS
from imagedeck.screens.help import HelpScreen
from imagedeck.screens.help_layout import DIALOGS_TITLE, Row, help_groups, layout
from tui_support import loaded, wait_for


def _keys(entry) -> list[str]:
    return entry.key_list({})


def test_every_keyed_action_has_a_row_dialogs_included() -> None:
    rows = [row for _, group in help_groups(_keys) for row in group]
    for entry in ACTIONS:
        if entry.keys:
            assert any(entry.long in row.text for row in rows), entry.id
    titles = [title for title, _ in help_groups(_keys)]
    assert DIALOGS_TITLE in titles and len(titles) == len(set(titles))


def test_a_title_never_ends_a_column_and_columns_keep_to_the_height() -> None:
    groups = [(f"group {n}", [Row(str(k), "x", f"group {n}") for k in range(n + 1)]) for n in range(9)]
    columns = layout(groups, 116, 16)
    assert len(columns) == 4
    for column in columns:
        lines = sum(len(rows) + (0 if continued else 1) for _, rows, continued in column)
        assert lines <= 16


async def test_every_key_fits_120x36_without_scrolling(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen) and app.screen.column_count, pilot)
        body = app.screen.query_one("#help-body")
        await pilot.pause()
        assert app.screen.column_count == 4 and body.max_scroll_y == 0
        shown = app.screen.shown_rows()
        assert len(shown) == sum(len(rows) for _, rows in app.screen.groups) < len(app.screen.rows)


async def test_80x24_scrolls_and_typing_searches_keys_and_descriptions(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen) and app.screen.column_count, pilot)
        screen = app.screen
        body = screen.query_one("#help-body")
        await wait_for(lambda: body.max_scroll_y > 0, pilot)
        await pilot.press("down", "down")
        await wait_for(lambda: body.scroll_y > 0, pilot)
        shown_before = screen.shown_rows()
        await pilot.press(*"pend")
        shown = screen.shown_rows()
        assert shown and all("pend" in f"{r.keys} {r.text} {r.group}".lower() for r in shown)
        assert any(r.text == "Undo (set back to pending)" for r in shown)
        assert screen.column_count == 1 and body.max_scroll_y == 0
        await pilot.press("ctrl+u", *"^s")  # keys are searched as shown
        assert {r.group for r in screen.shown_rows()} == {DIALOGS_TITLE}
        await pilot.press("ctrl+u", *"zz")
        assert screen.shown_rows() == [] and screen.query_one("#help-none").display
        await pilot.press("escape")
        assert isinstance(app.screen, HelpScreen) and screen.search.value == ""
        await wait_for(lambda: len(screen.shown_rows()) == len(shown_before), pilot)
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, HelpScreen), pilot)
