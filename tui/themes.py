"""Themes from YAML files turned into Textual `Theme` objects.

Theme files mirror `textual.theme.Theme` (name, primary, secondary, ... dark) plus a
``variables:`` mapping that carries imagedeck's own colours (image statuses, share
states, transfer states). Shipped themes live in ``themes/`` at the top of the source
tree (the package `imagedeck.builtin_themes`); users add their own in the themes directory named
by the settings. A broken file never stops the app:
`load_themes` returns a readable reason for it and loads the rest.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "imagedeck-dark"
MONO_THEME = "imagedeck-mono"

#: Colours of imagedeck's own CSS variables, used where a theme does not set them
#: (the app returns these from ``get_theme_variable_defaults``).
THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    "status-active": "#5cbf72",
    "status-queued": "#9aa5b1",
    "status-saving": "#4fb8e0",
    "status-uploading": "#4fb8e0",
    "status-importing": "#4fb8e0",
    "status-pending-delete": "#e5b94a",
    "status-deactivated": "#e5b94a",
    "status-killed": "#e5636b",
    "status-deleted": "#7a838c",
    "share-pending": "#e5b94a",
    "share-accepted": "#5cbf72",
    "share-rejected": "#e5636b",
    "transfer-running": "#4f9fe0",
    "transfer-done": "#5cbf72",
    "transfer-failed": "#e5636b",
    "pane-border": "#3a4654",
    "pane-focus": "#e0a84f",
}

#: Theme keys holding a colour; ``primary`` is the only one Textual requires.
COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)
_OTHER_KEYS = {"name", "dark", "variables", "luminosity_spread", "text_alpha"}


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the problem."""


def packaged_themes_dir() -> Path | None:
    """The directory of the themes shipped with imagedeck, the package `imagedeck.builtin_themes`.

    The same in a source checkout (the top-level themes/ folder), an editable install, a
    ``--user`` install and a wheel, because it is found through the import system.
    """
    try:
        folder = Path(str(resources.files(f"{__package__}.builtin_themes")))
    except ModuleNotFoundError:
        return None
    return folder if (folder / f"{DEFAULT_THEME}.yaml").is_file() else None


def _colour(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where} must be a colour string, not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{where}: {value!r} is not a colour") from None
    return value


def theme_from_mapping(data: Mapping[str, Any]) -> Theme:
    """Build a Theme from parsed YAML, checking every colour with `Color.parse`."""
    unknown = sorted(set(data) - set(COLOUR_KEYS) - _OTHER_KEYS)
    if unknown:
        raise ThemeFileError(f"unknown key(s): {', '.join(map(str, unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError("'name' is missing")
    if "primary" not in data:
        raise ThemeFileError("'primary' is missing")
    kwargs: dict[str, Any] = {"name": name.strip()}
    for key in COLOUR_KEYS:
        if data.get(key) is not None:
            kwargs[key] = _colour(data[key], key)
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(f"'dark' must be true or false, not {dark!r}")
    kwargs["dark"] = dark
    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ThemeFileError(f"'{key}' must be a number, not {value!r}")
            kwargs[key] = float(value)
    variables = data.get("variables") or {}
    if not isinstance(variables, Mapping):
        raise ThemeFileError("'variables' must be a mapping of name: value")
    checked: dict[str, str] = {}
    for key, value in variables.items():
        key = str(key)
        if key in THEME_VARIABLE_DEFAULTS:
            checked[key] = _colour(value, f"variables.{key}")
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            checked[key] = str(value)  # one of Textual's own variables, passed through
        else:
            raise ThemeFileError(f"variables.{key} must be a string, not {value!r}")
    kwargs["variables"] = checked
    return Theme(**kwargs)


def load_theme_file(path: Path) -> Theme:
    """One theme from one YAML file; every failure is a `ThemeFileError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ThemeFileError(f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ThemeFileError("cannot read: not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ThemeFileError(f"not valid YAML{where}") from None
    if not isinstance(data, Mapping):
        raise ThemeFileError("expected a mapping of theme keys")
    return theme_from_mapping(data)


def load_themes(dirs: Sequence[Path]) -> tuple[list[Theme], list[str]]:
    """Every ``*.yaml``/``*.yml`` theme in ``dirs``, in order, plus errors for bad files.

    Never raises. A later directory's theme replaces an earlier one of the same name,
    so a user can restyle a shipped theme by reusing its name.
    """
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    for directory in dirs:
        try:
            files = sorted(p for p in Path(directory).iterdir() if p.suffix in (".yaml", ".yml"))
        except FileNotFoundError:
            continue
        except OSError as exc:
            errors.append(f"theme directory {directory}: {exc.strerror or exc}")
            continue
        for path in files:
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                errors.append(f"theme file {path}: {exc}")
                continue
            themes[theme.name] = theme
    return list(themes.values()), errors


def theme_dirs(user_dir: Path | None) -> list[Path]:
    """Where themes come from: the shipped ones, then the user's own directory."""
    dirs: list[Path] = []
    packaged = packaged_themes_dir()
    if packaged is not None:
        dirs.append(packaged)
    if user_dir is not None:
        dirs.append(user_dir)
    return dirs


def theme_names(available: Collection[str]) -> list[str]:
    """The themes offered by name, sorted: what ``:theme`` completes to and the palette's theme
    list shows, both read from the app's registered themes."""
    return sorted(available)


def pick_theme(
    settings_theme: str | None,
    environ: Mapping[str, str],
    available: Collection[str] | None = None,
) -> str:
    """The theme to start with: mono when ``NO_COLOR`` is set (any non-empty value), else the setting.

    With ``available`` (the registered names), a setting naming a theme that did not
    load falls back to the default instead of failing at start.
    """
    if environ.get("NO_COLOR"):
        return MONO_THEME
    chosen = settings_theme or DEFAULT_THEME
    if available is not None and chosen not in available:
        return DEFAULT_THEME
    return chosen
