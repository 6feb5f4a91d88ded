"""The ``:`` line and the ``/`` filter remember what was entered; Tab completes commands and arguments."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from imagedeck.completion import Names, complete
from imagedeck.line_history import MAX_ENTRIES, Histories, Walk, history_path
from imagedeck.widgets import command_line
from imagedeck.widgets.command_line import CommandLine, CompletionHint, FilterLine
from tui_support import loaded, notes, wait_for

NAMES = Names(clouds=("prod", "lab"), themes=("imagedeck-dark", "imagedeck-light", "textual-dark"))


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        (":f", [":filter ", ":fleet ", ":families "]),
        ("so", ["sort "]),
        (":q", [":quit"]),
        (":cloud ", [":cloud prod ", ":cloud lab ", ":cloud local "]),
        (":cloud P", [":cloud prod "]),
        (":theme imagedeck-", [":theme imagedeck-dark ", ":theme imagedeck-light "]),
        (":sort si", [":sort size "]),
        (":sort size d", [":sort size desc "]),
        (":filter vis", [":filter visibility="]),
        (":filter status=ac", [":filter status=active "]),
        (":filter status=active status", []),
        (":fleet ", [":fleet cloud:prod ", ":fleet cloud:lab "]),
        (":convert q", [":convert qcow2 "]),
        (":nosuch ", []),
    ],
)
def test_completion_offers_whole_lines(typed: str, offered: list[str]) -> None:
    assert complete(typed, NAMES) == offered


def test_history_is_deduplicated_capped_and_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "history.json"
    histories = Histories.load(path)
    for number in range(MAX_ENTRIES + 5):
        histories.add("command", f"sort name {number}")
    histories.add("command", "sort name 100")
    histories.add("filter", "deb")
    again = Histories.load(path)
    entries = again.of("command")
    assert len(entries) == MAX_ENTRIES and entries[-1] == "sort name 100"
    assert entries.count("sort name 100") == 1 and "sort name 0" not in entries
    assert again.of("filter") == ["deb"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        json.dumps(["cloud prod"]).encode(),
        json.dumps({"command": ["cloud prod\x1b]0;owned\x07"]}).encode(),
        json.dumps({"command": ["x" * 5000]}).encode(),
        json.dumps({"filter": "deb"}).encode(),
    ],
)
def test_a_hostile_history_file_is_ignored_with_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.json"
    path.write_bytes(content)
    histories = Histories.load(path)
    assert histories.of("command") == [] and histories.of("filter") == []
    assert histories.warning.startswith(f"history file {path} ignored: ")
    assert "\x1b" not in histories.warning and "\n" not in histories.warning


def test_walk_keeps_the_draft_below_the_newest() -> None:
    walk = Walk(["a", "b"], "dra")
    assert (walk.older(), walk.older(), walk.older()) == ("b", "a", None)
    assert (walk.newer(), walk.newer(), walk.newer()) == ("b", "dra", None)


def test_a_store_in_the_temporary_directory_keeps_no_history_file(tmp_path: Path) -> None:
    assert history_path(tmp_path / "store") is None
    assert history_path(Path.home() / "images") is not None


@pytest.fixture
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "history.json"
    monkeypatch.setattr(command_line, "history_path", lambda store_path: path)
    return path


async def test_up_and_down_walk_commands_and_filters_across_runs(make_app, history_file: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        line = app.screen.query_one(CommandLine)
        for command in ("sort name", "sort size desc"):
            await pilot.press("colon", *command, "enter")
        await pilot.press("slash", *"deb", "enter")
    assert json.loads(history_file.read_text()) == {
        "command": ["sort name", "sort size desc"],
        "filter": ["deb"],
    }
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        line = app.screen.query_one(CommandLine)
        await pilot.press("colon", *"so", "up")
        assert line.value == "sort size desc"
        await pilot.press("up", "up")
        assert line.value == "sort name"
        await pilot.press("down", "down")
        assert line.value == "so" and line.cursor_position == 2
        await pilot.press("escape", "slash", "up")
        filter_line = app.screen.query_one(FilterLine)
        assert filter_line.value == "deb"
        await wait_for(lambda: app.screen.image_list.rows.filter_text == "deb", pilot)


async def test_a_corrupt_history_warns_once(make_app, history_file: Path) -> None:
    history_file.parent.mkdir()
    history_file.write_text('{"command": 3}')
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon", "up", "escape", "slash", "up", "escape", "colon", "up")
        warnings = [n for n in notes(app) if "history file" in n]
        assert len(warnings) == 1 and "ignored" in warnings[0]


async def test_tab_completes_shows_matches_cycles_and_never_goes_stale(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        line = app.screen.query_one(CommandLine)
        await pilot.press("colon", "f", "tab")
        hint = app.screen.query_one(CompletionHint)
        assert line.value == "filter " and hint.display
        assert str(hint.render()).split() == ["filter", "fleet", "families"]
        assert hint.region.y == line.region.y + 1  # under the line, above the footer
        await pilot.press("tab")
        assert line.value == "fleet " and line.cursor_position == len("fleet ")
        await pilot.press("shift+tab")
        assert line.value == "filter "
        await pilot.press("backspace")
        await wait_for(lambda: not hint.display, pilot)
        await pilot.press("ctrl+u", *"cloud ", "tab")
        assert line.value == "cloud local " and not hint.display  # one match: no list
        assert list(line.names().themes) == sorted(app.available_themes)  # the palette's list
        await pilot.press("ctrl+u", *"theme imagedeck-m", "tab")
        assert line.value == "theme imagedeck-mono "
        await pilot.press("enter")
        await wait_for(lambda: app.theme == "imagedeck-mono", pilot)
