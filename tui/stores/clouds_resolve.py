"""One cloud's settings resolved the way openstacksdk (and so the ``openstack`` command) resolves them.

A checked entry goes through the same steps, in the same order, as openstacksdk's
``get_one``: the vendor profile under it, the first region (and that region's values), auth
settings written next to ``auth:`` or under their old ``tenant_*`` names moved into it,
``*endpoint_type`` read as ``*interface``, a shared ``domain_*`` spread to the user and project,
``default_domain_*`` filling what is missing, and ``{placeholders}`` in URLs filled in.
The result is a flat entry: ``auth`` plus top-level settings, ready for a CloudConfig.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..model import Invalid
from .clouds_files import AUTH_ALIASES, AUTH_OPTIONS

#: profile name -> that public cloud's checked entry, or None when no clouds-public file has it.
ProfileLookup = Callable[[str], "dict[str, Any] | None"]

#: OS_* variables that choose a cloud or a file rather than describe the environment's cloud.
_SELECTORS = frozenset({"cloud", "cloud_name", "client_config_file", "client_secure_file"})
#: OS_* prefixes openstacksdk leaves alone (test-runner variables).
_NOT_SETTINGS = ("OS_TEST", "OS_STD", "OS_LOG")


def env_entry(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The cloud an openrc file makes: every OS_* variable as a setting, as openstacksdk reads them.

    Only an ``OS_AUTH_URL`` makes such a cloud: a stray OS_* variable in a shell that uses
    clouds.yaml does not.
    """
    if not environ.get("OS_AUTH_URL"):
        return None
    entry: dict[str, Any] = {}
    for var, value in environ.items():
        if not var.startswith("OS_") or var.startswith(_NOT_SETTINGS) or not value:
            continue
        key = var[3:].lower()
        if key not in _SELECTORS and key not in ("auth", "regions"):  # structures, never text
            entry[key] = value
    return entry


def resolve(name: str, entry: Mapping[str, Any], profiles: ProfileLookup) -> dict[str, Any]:
    """``entry`` (the cloud ``name``) with its profile, region and openstacksdk's fix-ups applied."""
    profile = _profile(name, entry, profiles)
    merged = _layer(profile, entry)
    merged.pop("profile", None)
    merged.pop("cloud", None)
    region = next(iter(_regions(entry) or _regions(profile)), None)
    merged.pop("regions", None)
    merged["region_name"] = region["name"] if region else None
    if region:
        merged = _layer(merged, region["values"])
    merged = _interfaces(merged)
    auth = _auth_keys(merged)
    _spread_domain(auth)
    _default_domain(auth)
    merged["auth"] = auth
    if auth.get("auth_url"):
        auth["auth_url"] = _fill(name, "auth_url", auth["auth_url"], merged)
    if merged.get("image_endpoint_override"):
        merged["image_endpoint_override"] = _fill(
            name, "image_endpoint_override", merged["image_endpoint_override"], merged
        )
    return merged


def _profile(name: str, entry: Mapping[str, Any], profiles: ProfileLookup) -> dict[str, Any]:
    """The public cloud ``profile:`` (or its old spelling ``cloud:``) names, from clouds-public.yaml."""
    wanted = entry.get("profile") or entry.get("cloud")
    if not wanted:
        return {}
    found = profiles(wanted)
    if found is None:
        raise Invalid(
            f"cloud {name!r} uses profile {wanted!r}, which no clouds-public.yaml defines; vendor profiles "
            "built into openstacksdk are not available here: add it under `public-clouds:` in a "
            "clouds-public.yaml next to clouds.yaml, or write its auth_url and regions into the cloud"
        )
    return found


def _layer(under: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``under``; the two ``auth`` mappings are merged key by key."""
    merged = {**under, **over}
    if "auth" in under or "auth" in over:
        merged["auth"] = {**(under.get("auth") or {}), **(over.get("auth") or {})}
    return merged


def _regions(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``regions:`` if given, else ``region_name``: a list, or text openstacksdk splits at commas."""
    if entry.get("regions"):
        return list(entry["regions"])
    names = entry.get("region_name")
    if not names:
        return []
    if isinstance(names, str):
        names = names.split(",")
    return [{"name": str(name), "values": {}} for name in names if name]


def _interfaces(entry: Mapping[str, Any]) -> dict[str, Any]:
    """``endpoint_type`` and ``<service>_endpoint_type`` are read as ``interface`` (the later one wins)."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        out[key.replace("endpoint_type", "interface") if key.endswith("endpoint_type") else key] = value
    return out


def _auth_keys(entry: dict[str, Any]) -> dict[str, Any]:
    """Auth settings gathered under ``auth``; they are taken out of the top level."""
    auth = dict(entry.get("auth") or {})
    for target, aliases in AUTH_ALIASES.items():
        value = None
        for alias in aliases:
            if alias in auth:
                value = auth.pop(alias)
            if alias in entry:
                value = entry.pop(alias)
        if value:
            auth[target] = str(value)
    for key in AUTH_OPTIONS:
        value = entry.pop(key, None)
        if value and not auth.get(key):
            auth[key] = str(value)
    return auth


def _spread_domain(auth: dict[str, Any]) -> None:
    """With a project scope, ``domain_*`` is the user's and the project's domain, not a scope of its own."""
    if not (auth.get("project_id") or auth.get("project_name")):
        return
    for shared in ("domain_id", "domain_name"):
        if shared in auth:
            value = auth.pop(shared)
            for who in ("user", "project"):
                auth.setdefault(shared.replace("domain", f"{who}_domain"), value)


def _default_domain(auth: dict[str, Any]) -> None:
    """``default_domain_*`` stands for any user or project domain not given (keystoneauth's rule)."""
    for form in ("id", "name"):
        value = auth.pop(f"default_domain_{form}", None)
        if not value:
            continue
        for who in ("user", "project"):
            if not auth.get(f"{who}_domain_{form}"):
                auth[f"{who}_domain_{form}"] = value


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(name: str, key: str, value: str, settings: Mapping[str, Any]) -> str:
    """``{region_name}`` and other settings' names in a URL replaced by their values, as openstacksdk does."""

    def one(match: re.Match[str]) -> str:
        setting = settings.get(match.group(1))
        if not isinstance(setting, str) or not setting:
            raise Invalid(
                f"cloud {name!r}: `{key}` {value!r} names {{{match.group(1)}}}, "
                "which is not a text setting of this cloud"
            )
        return setting

    return _PLACEHOLDER.sub(one, value)
