"""Shipped themes load and work in an app; broken user files are reported, not raised."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.color import Color

from imagedeck.themes import (
    COLOUR_KEYS,
    DEFAULT_THEME,
    MONO_THEME,
    THEME_VARIABLE_DEFAULTS,
    load_themes,
    packaged_themes_dir,
    pick_theme,
    theme_dirs,
)
from tui_support import wait_for

SHIPPED = {"imagedeck-dark", "imagedeck-light", "imagedeck-high-contrast", "imagedeck-mono"}


def test_every_shipped_theme_loads_with_every_app_colour() -> None:
    themes, errors = load_themes(theme_dirs(None))
    assert errors == []
    by_name = {theme.name: theme for theme in themes}
    assert set(by_name) == SHIPPED
    for theme in themes:
        assert set(THEME_VARIABLE_DEFAULTS) <= set(theme.variables), theme.name
        for value in theme.variables.values():
            Color.parse(value)
    assert by_name["imagedeck-light"].dark is False
    assert by_name[DEFAULT_THEME].dark is True


def test_mono_theme_uses_greys_only() -> None:
    themes, _ = load_themes(theme_dirs(None))
    mono = next(theme for theme in themes if theme.name == MONO_THEME)
    colours = [value for key in COLOUR_KEYS if (value := getattr(mono, key, None)) is not None]
    colours += list(mono.variables.values())
    for value in colours:
        colour = Color.parse(value)
        assert colour.r == colour.g == colour.b, (value, mono.name)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_USER_THEME = """
name: my-theme
primary: "#ff8800"
background: "#101010"
variables:
  status-active: "lime"
"""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: broken\nprimary: [unclosed\n", "not valid YAML"),
        ("name: badcolour\nprimary: '#12345z'\n", "is not a colour"),
        ("name: badvar\nprimary: red\nvariables:\n  share-pending: notacolour\n", "variables.share-pending"),
        ("primary: red\n", "'name' is missing"),
        ("name: nokey\n", "'primary' is missing"),
        ("name: typo\nprimary: red\nbakground: black\n", "unknown key(s): bakground"),
        ("- just\n- a list\n", "expected a mapping"),
        ("name: d\nprimary: red\ndark: perhaps\n", "'dark' must be true or false"),
    ],
)
def test_a_broken_user_theme_is_reported_and_the_others_still_load(
    tmp_path: Path, text: str, reason: str
) -> None:
    broken = _write(tmp_path, "broken.yaml", text)
    _write(tmp_path, "mine.yaml", GOOD_USER_THEME)
    themes, errors = load_themes(theme_dirs(tmp_path))
    names = {theme.name for theme in themes}
    assert SHIPPED | {"my-theme"} <= names
    assert len(errors) == 1
    assert str(broken) in errors[0] and reason in errors[0]


def test_unreadable_file_and_missing_directory(tmp_path: Path) -> None:
    _write(tmp_path, "binary.yaml", "").write_bytes(b"\xff\xfe\x00name")
    themes, errors = load_themes([tmp_path / "absent", tmp_path])
    assert themes == []
    assert len(errors) == 1 and "binary.yaml" in errors[0] and "cannot read" in errors[0]


def test_a_user_theme_may_replace_a_shipped_one(tmp_path: Path) -> None:
    _write(tmp_path, "dark.yml", "name: imagedeck-dark\nprimary: '#123456'\n")
    themes, errors = load_themes(theme_dirs(tmp_path))
    assert errors == []
    dark = [theme for theme in themes if theme.name == DEFAULT_THEME]
    assert len(dark) == 1 and dark[0].primary == "#123456"


def test_packaged_directory_is_the_repository_themes_dir() -> None:
    found = packaged_themes_dir()
    assert found is not None
    assert found == Path(__file__).resolve().parents[2] / "themes"


@pytest.mark.parametrize(
    ("setting", "environ", "expected"),
    [
        ("imagedeck-light", {}, "imagedeck-light"),
        ("imagedeck-light", {"NO_COLOR": "1"}, MONO_THEME),
        (None, {}, DEFAULT_THEME),
        ("imagedeck-light", {"NO_COLOR": ""}, "imagedeck-light"),
    ],
)
def test_pick_theme_honours_no_color(setting: str | None, environ: dict[str, str], expected: str) -> None:
    assert pick_theme(setting, environ) == expected


def test_pick_theme_falls_back_when_the_setting_names_a_missing_theme() -> None:
    assert pick_theme("gone", {}, available=SHIPPED) == DEFAULT_THEME
    assert pick_theme("imagedeck-light", {}, available=SHIPPED) == "imagedeck-light"
    assert pick_theme("gone", {"NO_COLOR": "yes"}, available=SHIPPED) == MONO_THEME


class ThemedApp(App[None]):
    CSS = "Screen { background: $status-killed; color: $share-pending; }"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)


async def test_each_theme_can_be_registered_and_applied() -> None:
    themes, _ = load_themes(theme_dirs(None))
    app = ThemedApp()
    async with app.run_test(size=(40, 10)) as pilot:
        for theme in themes:
            app.register_theme(theme)
        for theme in themes:
            app.theme = theme.name
            expected = Color.parse(theme.variables["status-killed"])
            await wait_for(lambda expected=expected: app.screen.styles.background.rgb == expected.rgb, pilot)
