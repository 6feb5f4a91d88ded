"""clouds.yaml, secure.yaml and OS_* variables, read the way the `openstack` command reads them.

A user's existing cloud names must just work: the same files in the same search order, the
first clouds file found wins, secure.yaml's values are merged over it, plain OS_* variables
(an openrc file) make a cloud of their own, and ``profile:`` takes a cloud's defaults from
clouds-public.yaml. Reading the files by hand keeps start-up quick; clouds_resolve follows
openstacksdk's rules step by step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Invalid, NotFound
from .clouds_files import candidates, config_dirs, find_file, load_section
from .clouds_resolve import ProfileLookup, env_entry, resolve

__all__ = [
    "ENV_CLOUD",
    "SECRET_AUTH_KEYS",
    "CloudConfig",
    "cloud_names",
    "config_dirs",
    "find_file",
    "get_cloud",
    "load_clouds",
]

#: Name of the cloud built from OS_* variables (openstacksdk's default name too).
ENV_CLOUD = "envvars"

#: Auth fields that hold secrets: never logged, never part of a cache key.
SECRET_AUTH_KEYS = frozenset({"password", "application_credential_secret", "token"})


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
        return {
            **self.identity(),
            "region_name": self.region_name,
            "interface": self.interface,
            "image_endpoint_override": self.image_endpoint_override,
            "verify": self.verify,
            "cacert": self.cacert,
            "cert": self.cert,
            "key": self.key,
        }


def load_clouds(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every known cloud's raw entry: clouds.yaml with secure.yaml over it, plus OS_* vars.

    A cloud only secure.yaml names is a cloud too, as in openstacksdk.
    """
    environ = os.environ if environ is None else environ
    clouds = load_section(find_file("clouds", "OS_CLIENT_CONFIG_FILE", environ))
    secure = load_section(find_file("secure", "OS_CLIENT_SECURE_FILE", environ))
    merged = {name: _merge(clouds.get(name) or {}, secure.get(name) or {}) for name in {**clouds, **secure}}
    env = env_entry(environ)
    if env is not None:
        env_name = environ.get("OS_CLOUD_NAME") or ENV_CLOUD
        if env_name in merged:
            raise Invalid(
                f"clouds.yaml defines a cloud named {env_name!r} and the OS_* variables make one "
                "of the same name; rename the file's cloud or set OS_CLOUD_NAME to another name"
            )
        merged[env_name] = env
    return merged


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def cloud_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """Names the user can pass to ``--cloud``, sorted."""
    return sorted(load_clouds(environ))


def get_cloud(name: str | None = None, environ: Mapping[str, str] | None = None) -> CloudConfig:
    """The named cloud (else ``OS_CLOUD``, else the OS_* variables) as a CloudConfig.

    Unlike openstacksdk, a lone cloud in clouds.yaml is not picked when none is named: no
    cloud means the local store, never a guess.
    """
    environ = os.environ if environ is None else environ
    clouds = load_clouds(environ)
    name = name or environ.get("OS_CLOUD") or None
    if name is None:
        name = environ.get("OS_CLOUD_NAME") or ENV_CLOUD
        if name not in clouds:
            raise NotFound(_no_cloud_message(None, clouds, environ))
    if name not in clouds:
        raise NotFound(_no_cloud_message(name, clouds, environ))
    return _to_config(name, resolve(name, clouds[name], _profiles(environ)))


def _profiles(environ: Mapping[str, str]) -> ProfileLookup:
    """A lookup of ``public-clouds:`` entries, reading clouds-public.yaml only when a profile is named."""

    def lookup(wanted: str) -> dict[str, Any] | None:
        return load_section(find_file("clouds-public", None, environ), "public-clouds").get(wanted)

    return lookup


def _no_cloud_message(name: str | None, clouds: Mapping[str, Any], environ: Mapping[str, str]) -> str:
    where = ", ".join(
        str(p) for p in candidates("clouds", "OS_CLIENT_CONFIG_FILE", environ) if p.suffix == ".yaml"
    )
    known = ", ".join(sorted(clouds)) or "none"
    head = f"no cloud named {name!r}" if name else "no cloud selected (use --cloud NAME or OS_CLOUD)"
    return f"{head}; known clouds: {known} (clouds.yaml searched in {where})"


def _verify_setting(entry: Mapping[str, Any]) -> tuple[bool, str | None]:
    """TLS checks: ``insecure`` wins (only true or "true" counts, as in openstacksdk), then ``verify``."""
    insecure = entry.get("insecure")
    if insecure is True or (isinstance(insecure, str) and insecure.lower() == "true"):
        return False, None
    verify = entry.get("verify", True)
    if isinstance(verify, str):  # openstacksdk allows a CA bundle path here too
        if verify.lower() in ("false", "0", "no"):
            return False, None
        if verify.lower() in ("true", "1", "yes"):
            return True, entry.get("cacert")
        return True, verify
    return bool(verify), entry.get("cacert")


def _path(value: Any) -> str | None:
    """A file setting with ``~`` expanded, as openstacksdk expands it."""
    return os.path.expanduser(value) if value else None


def _to_config(name: str, entry: Mapping[str, Any]) -> CloudConfig:
    auth = dict(entry.get("auth") or {})
    auth_url = auth.pop("auth_url", None)
    if not auth_url:
        raise Invalid(f"cloud {name!r} has no auth.auth_url")
    verify, cacert = _verify_setting(entry)
    interface = str(entry.get("image_interface") or entry.get("interface") or "public")
    return CloudConfig(
        name=name,
        auth_url=str(auth_url),
        auth_type=str(entry.get("auth_type") or _guess_auth_type(auth)),
        auth=auth,
        region_name=entry.get("region_name") or None,
        interface=interface.removesuffix("URL"),
        verify=verify,
        cacert=_path(cacert),
        cert=_path(entry.get("cert")),
        key=_path(entry.get("key")),
        image_endpoint_override=entry.get("image_endpoint_override"),
    )


def _guess_auth_type(auth: Mapping[str, Any]) -> str:
    """The auth type when none is given: what the credentials present can do, as `openstack` guesses."""
    if "application_credential_secret" in auth:
        return "v3applicationcredential"
    if "token" in auth and "password" not in auth:
        return "token"
    return "password"
