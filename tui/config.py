"""imagedeck's settings: one typed object built from defaults, a YAML file, the environment
and the command line, in that order of precedence.

The file lives at ``platformdirs.user_config_dir("imagedeck")/config.yaml`` unless
``IMAGEDECK_CONFIG`` names another one. Environment: ``IMAGEDECK_STORE`` (local store
directory), ``IMAGEDECK_PROJECT`` and ``OS_CLOUD`` (the same variable the ``openstack``
command reads; a sourced openrc, ``OS_AUTH_URL`` without ``OS_CLOUD``, selects the cloud
those ``OS_*`` variables describe). A broken file is reported as a `ConfigError` naming the file and the
problem, never as a traceback.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Invalid

APP_NAME = "imagedeck"

#: Environment variable naming another config file.
CONFIG_ENV = "IMAGEDECK_CONFIG"

#: Environment variables and the setting each one sets.
ENV_SETTINGS = {
    "IMAGEDECK_STORE": "store_path",
    "IMAGEDECK_PROJECT": "project",
    "OS_CLOUD": "cloud",
}


#: The cloud name the Glance store gives to a cloud described only by OS_* variables.
OPENRC_CLOUD = "envvars"


class ConfigError(Invalid):
    """The config file (or a setting's value) cannot be used as it stands."""

    kind = "config"


def user_config_dir() -> Path:
    import platformdirs  # loaded once a setting is needed, never for --version

    return Path(platformdirs.user_config_dir(APP_NAME))


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def default_project() -> str:
    """The login name: the local store acts as a project named after its user by default."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (some containers)
        return "default"


@dataclass(slots=True)
class Settings:
    """Everything imagedeck needs to know before it opens a store or a screen."""

    #: Directory of the embedded local store (used when ``cloud`` is None).
    store_path: Path = field(default_factory=lambda: user_data_dir() / "store")
    #: clouds.yaml entry to use; None means the local store.
    cloud: str | None = None
    #: Project the local store acts as.
    project: str = field(default_factory=default_project)
    #: Grant the admin role in the local store.
    admin: bool = False
    #: Refuse every write (CLI and TUI).
    read_only: bool = False
    theme: str = "imagedeck-dark"
    #: Binding id -> keys (comma separated, Textual's syntax), e.g. {"accept": "a,enter"}.
    keymap: dict[str, str] = field(default_factory=dict)
    #: Cache Keystone tokens between runs (file mode 0600 in the user cache dir).
    token_cache: bool = True
    #: Transfers that may run at once.
    max_transfers: int = 3
    #: Where users put their own theme YAML files.
    themes_dir: Path = field(default_factory=lambda: user_config_dir() / "themes")
    #: Places the fleet view shows when ``:fleet`` names none (cloud:NAME[:REGION][@STORE] or a path).
    fleet: list[str] = field(default_factory=list)
    #: Keys ``imagedeck lint`` requires of every image: comma-separated, ``scs`` for the SCS preset.
    lint_required: str = ""
    #: Run transfers in the per-user background service, so they outlive the app. A user's
    #: settings (`load_settings`) default to true; settings built in code (tests, benchmarks)
    #: keep transfers in their own process unless they ask.
    transfer_service: bool = False
    #: The config file that was read, if any (shown in error messages and help).
    config_file: Path | None = None

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (values are checked like the file's)."""
        return dataclasses.replace(self, **_coerce(changes, "settings"))


#: Settings a config file or the command line may set.
SETTING_NAMES = tuple(f.name for f in dataclasses.fields(Settings) if f.name != "config_file")


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file to read: ``IMAGEDECK_CONFIG`` or the platform's user config dir."""
    environ = os.environ if environ is None else environ
    named = environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    return user_config_dir() / "config.yaml"


def read_config_file(path: Path, *, required: bool = False) -> dict[str, Any]:
    """Settings from a YAML file; a missing default file is simply empty."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"config file {path} does not exist (named by {CONFIG_ENV})") from None
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {_reason(exc)}") from None
    import yaml  # only a config file that exists is parsed; without one, no YAML parser loads

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"config file {path} is not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings, not a {type(data).__name__}")
    return _coerce(data, f"config file {path}")


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Settings:
    """Defaults < config file < environment < ``overrides`` (the command line).

    ``overrides`` holds only what the user actually gave; None values are ignored.
    Choosing a local store path on the command line means the local store even when
    ``OS_CLOUD`` is set in the environment.
    """
    environ = os.environ if environ is None else environ
    file_path = path if path is not None else config_path(environ)
    explicit = path is not None or bool(environ.get(CONFIG_ENV))
    values = {"transfer_service": True, **read_config_file(file_path, required=explicit)}

    for variable, name in ENV_SETTINGS.items():
        if environ.get(variable):
            values[name] = environ[variable]
    if not environ.get("OS_CLOUD") and environ.get("OS_AUTH_URL"):
        # a sourced openrc file, as the openstack command reads it (OS_CLOUD_NAME renames its cloud)
        values["cloud"] = environ.get("OS_CLOUD_NAME") or OPENRC_CLOUD
    values = _coerce(values, "the environment")

    given = {key: value for key, value in (overrides or {}).items() if value is not None}
    if "store_path" in given and "cloud" not in given:
        given["cloud"] = None
    values.update(_coerce(given, "the command line"))
    exists = file_path.is_file()
    return Settings(**values, config_file=file_path if exists else None)


def _coerce(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Check names and types; turn strings into paths, "yes"/"no" into booleans."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name == "store":
            name = "store_path"
        if name not in SETTING_NAMES:
            raise ConfigError(
                f"unknown setting {key!r} in {source}; known settings: {', '.join(SETTING_NAMES)}"
            )
        out[name] = _convert(name, value, source)
    return out


def _convert(name: str, value: Any, source: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"setting {name!r} in {source} must be {expected}, not {value!r}")

    if name in ("store_path", "themes_dir"):
        if isinstance(value, Path):
            return value.expanduser()
        if not isinstance(value, str) or not value:
            raise bad("a path")
        return Path(value).expanduser()
    if name in ("admin", "read_only", "token_cache", "transfer_service"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _BOOLEANS:
            return _BOOLEANS[value.lower()]
        raise bad("true or false")
    if name == "max_transfers":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise bad("a whole number of at least 1")
        try:
            number = int(value)
        except ValueError:
            raise bad("a whole number of at least 1") from None
        if number < 1:
            raise bad("a whole number of at least 1")
        return number
    if name == "keymap":
        if not isinstance(value, Mapping):
            raise bad("a mapping of binding id to keys")
        keymap: dict[str, str] = {}
        for binding, keys in value.items():
            if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
                keys = ",".join(keys)
            if not isinstance(keys, str) or not keys:
                raise ConfigError(f"keymap entry {binding!r} in {source} must be keys like 'a' or 'a,enter'")
            keymap[str(binding)] = keys
        return keymap
    if name == "fleet":
        if not isinstance(value, list) or not all(isinstance(word, str) and word for word in value):
            raise bad("a list of places such as cloud:prod:RegionOne or ~/images")
        return list(value)
    if name == "lint_required":
        if isinstance(value, list) and all(isinstance(word, str) for word in value):
            value = ",".join(value)
        if not isinstance(value, str):
            raise bad("keys separated by commas, or scs")
        return value
    if name == "cloud":
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise bad("a cloud name from clouds.yaml")
        return value
    # project, theme
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise bad("a non-empty text")
    return value


_BOOLEANS = {
    "true": True,
    "yes": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "off": False,
    "0": False,
}


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


__all__ = [
    "APP_NAME",
    "CONFIG_ENV",
    "ENV_SETTINGS",
    "OPENRC_CLOUD",
    "SETTING_NAMES",
    "ConfigError",
    "Settings",
    "config_path",
    "default_project",
    "load_settings",
    "read_config_file",
    "user_config_dir",
    "user_data_dir",
]
