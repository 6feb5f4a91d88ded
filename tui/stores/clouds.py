"""clouds.yaml, secure.yaml and OS_* variables, read the way the `openstack` command reads them.

A user's existing cloud names must just work: the same files in the same search order, the
first clouds file found wins, secure.yaml's values are merged over it, and plain OS_*
variables (an openrc file) make a cloud of their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model import Invalid, NotFound

#: Name of the cloud built from OS_* variables (openstacksdk's default name too).
ENV_CLOUD = "envvars"

_EXTENSIONS = ("yaml", "yml", "json")

#: Auth fields that hold secrets: never logged, never part of a cache key.
SECRET_AUTH_KEYS = frozenset({"password", "application_credential_secret", "token"})

#: OS_* variable -> auth field, for an openrc-style cloud.
_ENV_AUTH = {
    "OS_AUTH_URL": "auth_url",
    "OS_USERNAME": "username",
    "OS_USER_ID": "user_id",
    "OS_PASSWORD": "password",
    "OS_PROJECT_NAME": "project_name",
    "OS_TENANT_NAME": "project_name",
    "OS_PROJECT_ID": "project_id",
    "OS_TENANT_ID": "project_id",
    "OS_USER_DOMAIN_NAME": "user_domain_name",
    "OS_USER_DOMAIN_ID": "user_domain_id",
    "OS_PROJECT_DOMAIN_NAME": "project_domain_name",
    "OS_PROJECT_DOMAIN_ID": "project_domain_id",
    "OS_DOMAIN_NAME": "domain_name",
    "OS_DOMAIN_ID": "domain_id",
    "OS_TOKEN": "token",
    "OS_APPLICATION_CREDENTIAL_ID": "application_credential_id",
    "OS_APPLICATION_CREDENTIAL_NAME": "application_credential_name",
    "OS_APPLICATION_CREDENTIAL_SECRET": "application_credential_secret",
    "OS_SYSTEM_SCOPE": "system_scope",
}


@dataclass(slots=True)
class CloudConfig:
    """One cloud's connection settings, resolved from files or the environment."""

    name: str
    auth_url: str
    auth_type: str = "password"
    auth: dict[str, Any] = field(default_factory=dict, repr=False)
    region_name: str | None = None
    interface: str = "public"
    verify: bool = True
    cacert: str | None = None
    cert: str | None = None
    key: str | None = None
    image_endpoint_override: str | None = None

    def identity(self) -> dict[str, Any]:
        """Who this cloud authenticates as, without any secret (safe to hash or show)."""
        safe = {k: v for k, v in sorted(self.auth.items()) if k not in SECRET_AUTH_KEYS}
        return {"auth_url": self.auth_url, "auth_type": self.auth_type, **safe}

    def token_binding(self) -> dict[str, Any]:
        """Everything that decides where this cloud's token goes and whom it belongs to.

        A cached token is reused only by a configuration with the same binding: another
        endpoint override, auth URL, region, interface or TLS choice gets a token of its own.
        """
        return {**self.identity(), "region_name": self.region_name, "interface": self.interface,
                "image_endpoint_override": self.image_endpoint_override, "verify": self.verify,
                "cacert": self.cacert, "cert": self.cert, "key": self.key}


def config_dirs() -> list[Path]:
    """Where the OpenStack tools look, in order: the current directory, the user's, the system's."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [Path.cwd(), home / "openstack", Path("/etc/openstack")]


def _candidates(stem: str, env_var: str, environ: Mapping[str, str]) -> list[Path]:
    paths: list[Path] = []
    if environ.get(env_var):
        paths.append(Path(environ[env_var]).expanduser())
    for directory in config_dirs():
        paths.extend(directory / f"{stem}.{ext}" for ext in _EXTENSIONS)
    return paths


def find_file(stem: str, env_var: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The first existing file among the candidates (only that one is read, like openstacksdk)."""
    for path in _candidates(stem, env_var, os.environ if environ is None else environ):
        if path.is_file():
            return path
    return None


def _load(path: Path | None) -> dict[str, dict[str, Any]]:
    """The cloud entries of one file, each checked; any bad value is one Invalid naming file and key."""
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
        raise Invalid(f"{path}: expected a mapping with a `clouds:` section, not {_kind(data)}")
    clouds = data.get("clouds")
    if clouds is None:
        return {}
    if not isinstance(clouds, dict):
        raise Invalid(f"{path}: `clouds:` must map cloud names to their settings, not be {_kind(clouds)}")
    return {str(name): _checked_entry(path, str(name), entry) for name, entry in clouds.items()}


#: Settings read as text (auth values are text too).
_TEXT_KEYS = ("auth_type", "region_name", "interface", "endpoint_type", "cacert", "cert", "key",
              "image_endpoint_override")


def _kind(value: Any) -> str:
    """What a YAML value is, in words, for a message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    kinds = {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def _checked_entry(path: Path, name: str, entry: Any) -> dict[str, Any]:
    """One cloud's settings with dashes made underscores and every value the loader reads checked."""
    if entry is None:
        return {}
    where = f"{path}: cloud {name!r}"
    if not isinstance(entry, dict):
        raise Invalid(f"{where} must be a mapping of settings, not {_kind(entry)}")
    out = {str(key).replace("-", "_"): value for key, value in entry.items()}
    if "auth" in out:
        out["auth"] = _checked_auth(where, out["auth"])
    for key in _TEXT_KEYS:
        if key in out:
            out[key] = _text(where, key, out[key])
    for key in ("verify", "insecure"):
        if out.get(key) is not None and not isinstance(out[key], (bool, str)):
            raise Invalid(f"{where}: `{key}` must be true, false or a CA bundle path, not {_kind(out[key])}")
    if "regions" in out:
        out["regions"] = _checked_regions(where, out["regions"])
    return out


def _text(where: str, key: str, value: Any) -> str | None:
    """A text setting: text or a plain number (YAML reads unquoted digits as one); empty is unset."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Invalid(f"{where}: `{key}` must be text, not {_kind(value)}")


def _checked_auth(where: str, auth: Any) -> dict[str, str]:
    if auth is None:
        return {}
    if not isinstance(auth, dict):
        raise Invalid(f"{where}: `auth` must be a mapping (auth_url, username...), not {_kind(auth)}")
    out: dict[str, str] = {}
    for key, value in auth.items():
        key = str(key).replace("-", "_")
        text = _text(where, f"auth.{key}", value)
        if text is not None:
            out[key] = text
    return out


def _checked_regions(where: str, regions: Any) -> list[str]:
    if regions is None:
        return []
    if not isinstance(regions, list):
        raise Invalid(f"{where}: `regions` must be a list of region names, not {_kind(regions)}")
    names: list[str] = []
    for index, region in enumerate(regions):
        value = region.get("name") if isinstance(region, dict) else region
        name = _text(where, f"regions[{index}]" + (".name" if isinstance(region, dict) else ""), value)
        if name:
            names.append(name)
    return names


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_entry(environ: Mapping[str, str]) -> dict[str, Any] | None:
    auth = {field_: environ[var] for var, field_ in _ENV_AUTH.items() if environ.get(var)}
    if "auth_url" not in auth:
        return None
    entry: dict[str, Any] = {"auth": auth}
    for var, key in (("OS_AUTH_TYPE", "auth_type"), ("OS_REGION_NAME", "region_name"),
                     ("OS_INTERFACE", "interface"), ("OS_ENDPOINT_TYPE", "interface"),
                     ("OS_CACERT", "cacert"), ("OS_CERT", "cert"), ("OS_KEY", "key"),
                     ("OS_IMAGE_ENDPOINT_OVERRIDE", "image_endpoint_override")):
        if environ.get(var):
            entry.setdefault(key, environ[var])
    if environ.get("OS_INSECURE", "").lower() in ("1", "true", "yes"):
        entry["verify"] = False
    return entry


def load_clouds(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every known cloud's raw entry: clouds.yaml with secure.yaml over it, plus OS_* vars."""
    environ = os.environ if environ is None else environ
    clouds = _load(find_file("clouds", "OS_CLIENT_CONFIG_FILE", environ))
    secure = _load(find_file("secure", "OS_CLIENT_SECURE_FILE", environ))
    merged = {name: _merge(entry, secure.get(name) or {}) for name, entry in clouds.items()}
    env = _env_entry(environ)
    if env is not None:
        merged[environ.get("OS_CLOUD_NAME") or ENV_CLOUD] = env
    return merged


def cloud_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """Names the user can pass to ``--cloud``, sorted."""
    return sorted(load_clouds(environ))


def get_cloud(name: str | None = None, environ: Mapping[str, str] | None = None) -> CloudConfig:
    """The named cloud (else ``OS_CLOUD``, else the OS_* variables) as a CloudConfig."""
    environ = os.environ if environ is None else environ
    clouds = load_clouds(environ)
    name = name or environ.get("OS_CLOUD") or None
    if name is None:
        name = environ.get("OS_CLOUD_NAME") or ENV_CLOUD
        if name not in clouds:
            raise NotFound(_no_cloud_message(None, clouds, environ))
    if name not in clouds:
        raise NotFound(_no_cloud_message(name, clouds, environ))
    return _to_config(name, clouds[name])


def _no_cloud_message(name: str | None, clouds: Mapping[str, Any],
                      environ: Mapping[str, str]) -> str:
    where = ", ".join(str(p) for p in _candidates("clouds", "OS_CLIENT_CONFIG_FILE", environ)
                      if p.suffix == ".yaml")
    known = ", ".join(sorted(clouds)) or "none"
    head = f"no cloud named {name!r}" if name else "no cloud selected (use --cloud NAME or OS_CLOUD)"
    return f"{head}; known clouds: {known} (clouds.yaml searched in {where})"


def _verify_setting(entry: Mapping[str, Any]) -> tuple[bool, str | None]:
    verify = entry.get("verify", True)
    if entry.get("insecure") in (True, "true", "True", "1"):
        verify = False
    if isinstance(verify, str):  # openstacksdk allows a CA bundle path here too
        if verify.lower() in ("false", "0", "no"):
            return False, None
        if verify.lower() in ("true", "1", "yes"):
            return True, entry.get("cacert")
        return True, verify
    return bool(verify), entry.get("cacert")


def _to_config(name: str, entry: Mapping[str, Any]) -> CloudConfig:
    auth = dict(entry.get("auth") or {})
    auth_url = auth.pop("auth_url", None)
    if not auth_url:
        raise Invalid(f"cloud {name!r} has no auth.auth_url")
    verify, cacert = _verify_setting(entry)
    interface = str(entry.get("interface") or entry.get("endpoint_type") or "public")
    region = entry.get("region_name") or next(iter(entry.get("regions") or ()), None)
    return CloudConfig(
        name=name,
        auth_url=str(auth_url),
        auth_type=str(entry.get("auth_type") or _guess_auth_type(auth)),
        auth=auth,
        region_name=str(region) if region else None,
        interface=interface.removesuffix("URL"),
        verify=verify,
        cacert=str(cacert) if cacert else None,
        cert=entry.get("cert"),
        key=entry.get("key"),
        image_endpoint_override=entry.get("image_endpoint_override"),
    )


def _guess_auth_type(auth: Mapping[str, Any]) -> str:
    if "application_credential_secret" in auth:
        return "v3applicationcredential"
    if "token" in auth and "password" not in auth:
        return "token"
    return "password"
