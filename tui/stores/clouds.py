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


def _load(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise Invalid(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("clouds", {}), dict):
        raise Invalid(f"{path}: expected a mapping with a `clouds:` section")
    return data.get("clouds") or {}


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _normalise(entry: Mapping[str, Any]) -> dict[str, Any]:
    """openstacksdk accepts dashes for underscores in keys; so do we."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        key = str(key).replace("-", "_")
        out[key] = _normalise(value) if isinstance(value, Mapping) and key == "auth" else value
    return out


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
    merged = {name: _normalise(_merge(entry or {}, secure.get(name) or {}))
              for name, entry in clouds.items()}
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
    region = entry.get("region_name")
    if not region and isinstance(entry.get("regions"), list) and entry["regions"]:
        first = entry["regions"][0]
        region = first.get("name") if isinstance(first, Mapping) else first
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
