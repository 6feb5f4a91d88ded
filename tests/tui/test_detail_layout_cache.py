"""The detail pane lays an image out once per width: moving the field cursor, drawing the
pane again and coming back to an image reuse the layout (each key would otherwise pay
for it several times over)."""

from __future__ import annotations

import pytest

from imagedeck.widgets import detail_layout
from imagedeck.widgets.detail_layout import DetailBody, Field, Kind, cached_layout
from tui_support import loaded, wait_for


def _fields(n: int) -> tuple[Field, ...]:
    return (
        Field("Name", f"image {n}"),
        Field("sha512", "ab" * 64, Kind.HASH),
        Field("Properties", "", Kind.SECTION),
        *(Field(f"key_{k}", f"value {k} " * k) for k in range(30)),
    )


def test_a_layout_is_computed_once_per_fields_and_width(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = detail_layout.layout
    monkeypatch.setattr(
        detail_layout, "layout", lambda fields, width: calls.append(width) or real(fields, width)
    )
    cached_layout.cache_clear()
    first, second = DetailBody(_fields(1), cursor=3), DetailBody(_fields(2), cursor=3)
    for _ in range(3):
        assert first.lines(60) == tuple(real(_fields(1), 60))
        second.lines(60)
        first.lines(40)
    assert calls == [60, 60, 40]
    assert DetailBody(_fields(1), cursor=4).lines(60) is first.lines(60)  # another cursor, same layout


async def test_moving_the_field_cursor_lays_nothing_out_again(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = detail_layout.layout
    monkeypatch.setattr(
        detail_layout, "layout", lambda fields, width: calls.append(width) or real(fields, width)
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        detail = app.screen.detail
        await pilot.press("1")  # focus the detail pane: its cursor is drawn
        await wait_for(lambda: detail.has_focus, pilot)
        await pilot.pause()
        before = len(calls)
        start = detail.cursor
        await pilot.press("j", "j", "k")
        await wait_for(lambda: detail.cursor != start, pilot)
        await pilot.pause()
        assert len(calls) == before
