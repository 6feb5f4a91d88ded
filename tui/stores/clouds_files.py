"""clouds.yaml, secure.yaml and clouds-public.yaml on disk: where they are, what shape they must have.

The files are the user's but may be written by anything, so every value the loader goes on
to read is checked here: a wrong type is one Invalid naming the file and the key, never a
traceback further down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..model import Invalid

_EXTENSIONS = ("yaml", "yml", "json")

#: Auth settings that may also be written next to ``auth:`` (openstacksdk moves them in).
AUTH_OPTIONS = (
    "auth_url",
    "username",
    "user_id",
    "password",
    "system_scope",
    "default_domain_id",
    "default_domain_name",
    "application_credential_id",
    "application_credential_name",
    "application_credential_secret",
)

#: Auth settings openstacksdk takes from either place, the one next to ``auth:`` winning,
#: each with its older spellings (the last one given wins, as in openstacksdk).
AUTH_ALIASES = {
    "domain_id": ("domain_id",),
    "domain_name": ("domain_name",),
    "user_domain_id": ("user_domain_id",),
    "user_domain_name": ("user_domain_name",),
    "project_domain_id": ("project_domain_id",),
    "project_domain_name": ("project_domain_name",),
    "token": ("auth_token", "token"),
    "project_id": ("tenant_id", "project_id"),
    "project_name": ("tenant_name", "project_name"),
}

#: Settings read as text (auth values are text too).
_TEXT_KEYS = (
    "auth_type",
    "interface",
    "endpoint_type",
    "image_interface",
    "image_endpoint_type",
    "cacert",
    "cert",
    "key",
    "image_endpoint_override",
    "profile",
    "cloud",
    *AUTH_OPTIONS,
    *(alias for names in AUTH_ALIASES.values() for alias in names),
)


def config_dirs() -> list[Path]:
    """Where the OpenStack tools look, in order: the current directory, the user's, the system's."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [Path.cwd(), home / "openstack", Path("/etc/openstack")]


def candidates(stem: str, env_var: str | None, environ: Mapping[str, str]) -> list[Path]:
    paths: list[Path] = []
    if env_var and environ.get(env_var):
        paths.append(Path(environ[env_var]).expanduser())
    for directory in config_dirs():
        paths.extend(directory / f"{stem}.{ext}" for ext in _EXTENSIONS)
    return paths


def find_file(stem: str, env_var: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The first existing file among the candidates (only that one is read, like openstacksdk)."""
    for path in candidates(stem, env_var, os.environ if environ is None else environ):
        if path.is_file():
            return path
    return None


def load_section(path: Path | None, section: str = "clouds") -> dict[str, dict[str, Any]]:
    """The entries of one file's ``section``, each checked; a bad value is one Invalid naming file and key."""
    if path is None:
        return {}
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise Invalid(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise Invalid(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid(f"{path}: expected a mapping with a `{section}:` section, not {kind(data)}")
    entries = data.get(section)
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise Invalid(f"{path}: `{section}:` must map cloud names to their settings, not be {kind(entries)}")
    return {
        str(name): checked_entry(f"{path}: cloud {str(name)!r}", entry) for name, entry in entries.items()
    }


def kind(value: Any) -> str:
    """What a YAML value is, in words, for a message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    kinds = {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def checked_entry(where: str, entry: Any) -> dict[str, Any]:
    """One cloud's settings with dashes made underscores and every value the loader reads checked."""
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise Invalid(f"{where} must be a mapping of settings, not {kind(entry)}")
    out = {str(key).replace("-", "_"): value for key, value in entry.items()}
    if "auth" in out:
        out["auth"] = _checked_auth(where, out["auth"])
    for key in _TEXT_KEYS:
        if key in out:
            out[key] = text(where, key, out[key])
    for key in ("verify", "insecure"):
        if out.get(key) is not None and not isinstance(out[key], (bool, str)):
            raise Invalid(f"{where}: `{key}` must be true, false or a CA bundle path, not {kind(out[key])}")
    if isinstance(out.get("region_name"), list):
        out["region_name"] = [
            text(where, f"region_name[{index}]", name) for index, name in enumerate(out["region_name"])
        ]
    elif "region_name" in out:
        out["region_name"] = text(where, "region_name", out["region_name"])
    if "regions" in out:
        out["regions"] = _checked_regions(where, out["regions"])
    return out


def text(where: str, key: str, value: Any) -> str | None:
    """A text setting: text or a plain number (YAML reads unquoted digits as one); empty is unset."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Invalid(f"{where}: `{key}` must be text, not {kind(value)}")


def _checked_auth(where: str, auth: Any) -> dict[str, str]:
    if auth is None:
        return {}
    if not isinstance(auth, dict):
        raise Invalid(f"{where}: `auth` must be a mapping (auth_url, username...), not {kind(auth)}")
    out: dict[str, str] = {}
    for key, value in auth.items():
        key = str(key).replace("-", "_")
        checked = text(where, f"auth.{key}", value)
        if checked is not None:
            out[key] = checked
    return out


def _checked_regions(where: str, regions: Any) -> list[dict[str, Any]]:
    """Regions as openstacksdk takes them: names, or ``{name: ..., values: {settings}}``."""
    if regions is None:
        return []
    if not isinstance(regions, list):
        raise Invalid(f"{where}: `regions` must be a list of region names, not {kind(regions)}")
    out: list[dict[str, Any]] = []
    for index, region in enumerate(regions):
        at = f"regions[{index}]"
        if not isinstance(region, dict):
            name = text(where, at, region)
            if name:
                out.append({"name": name, "values": {}})
            continue
        if not set(region) <= {"name", "values"}:
            raise Invalid(
                f"{where}: `{at}` may have only `name` and `values`, not {sorted(map(str, region))}"
            )
        name = text(where, f"{at}.name", region.get("name"))
        if not name:
            raise Invalid(f"{where}: `{at}` has no `name`")
        values = checked_entry(f"{where}: {at}.values", region.get("values"))
        out.append({"name": name, "values": values})
    return out
