"""Structured filters: a new ImageQuery from the form, bad input explained in place."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from dialog_fixtures import DialogHost
from imagedeck.dialogs import FilterDialog
from imagedeck.dialogs.fields import FieldError, parse_size
from imagedeck.model import ImageQuery, SortKey
from tui_support import wait_for


async def test_filters_typed_into_the_form_become_a_query() -> None:
    start = ImageQuery(name="jammy", sort=(SortKey("size", "desc"),))
    app = DialogHost(lambda: FilterDialog(start))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "visibility"
        screen = app.screen
        screen.query_one("#visibility", Select).value = "shared"
        screen.query_one("#member_status", Select).value = "pending"
        screen.query_one("#os_hidden", Select).value = "true"
        screen.query_one("#status", Input).value = "active, queued"
        screen.query_one("#disk_format", Input).value = "qcow2"
        screen.query_one("#tags", Input).value = "lts,ubuntu"
        screen.query_one("#size_min", Input).value = "100M"
        screen.query_one("#size_max", Input).focus()
        await pilot.press(*"2G", "enter")
    assert app.results == [
        ImageQuery(
            name="jammy",
            sort=(SortKey("size", "desc"),),
            visibility="shared",
            member_status="pending",
            os_hidden=True,
            status=("active", "queued"),
            disk_format=("qcow2",),
            tags=("lts", "ubuntu"),
            size_min=100 * 1024**2,
            size_max=2 * 1024**3,
        )
    ]


async def test_the_form_starts_from_the_current_query_and_clear_empties_it() -> None:
    start = ImageQuery(visibility="all", status=("killed",), size_max=1024, os_hidden=False)
    app = DialogHost(lambda: FilterDialog(start))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.query_one("#status", Input).value == "killed"
        assert screen.query_one("#size_max", Input).value == "1024"
        assert screen.query_one("#os_hidden", Select).value == "false"
        screen.query_one("#clear").press()
        await wait_for(lambda: screen.query_one("#status", Input).value == "", pilot)
        screen.query_one("#tags", Input).focus()
        await pilot.press("enter")
    assert app.results == [ImageQuery()]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("status", "active, sleeping", "status: sleeping not known"),
        ("disk_format", "qcow3", "disk format: qcow3 not known"),
        ("size_min", "lots", "size at least must be a size"),
        ("size_min", "3G", "size at least is larger than size at most"),
    ],
)
async def test_bad_filters_are_explained_and_not_returned(field: str, text: str, message: str) -> None:
    app = DialogHost(lambda: FilterDialog(ImageQuery(size_max=1024**3)))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        dialog.query_one(f"#{field}", Input).value = text
        await pilot.press("ctrl+s")
        assert message in dialog.error_text
        assert app.results == []
        await pilot.press("escape")
    assert app.results == [None]


def test_parse_size_units() -> None:
    assert parse_size("", "x") is None
    assert parse_size("1024", "x") == 1024
    assert parse_size("1.5K", "x") == 1536
    assert parse_size("2GiB", "x") == 2 * 1024**3
    assert parse_size(" 3 mb ", "x") == 3 * 1024**2
    with pytest.raises(FieldError):
        parse_size("-1G", "x")
