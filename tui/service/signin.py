"""Clouds described only by ``OS_*`` variables: the service cannot read the client's
environment, and a password must never leave it. So the client signs in itself and hands
the service a scoped token and the image endpoint; the service trades that token for its
own. The token lives in the service's memory only, never in its journal: a job of such a
cloud that must resume after a restart asks to be started again instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..model import AuthFailed
from ..stores.clouds import CloudConfig
from .spec import JobSpec, Place


def token_only(place: Place) -> bool:
    return place.signed is not None


async def sign_in(place: Place) -> tuple[Place, str]:
    """``place`` with where its token goes filled in, and a scoped token for it."""
    import httpx

    from ..stores.clouds import get_cloud
    from ..stores.keystone import KeystoneSession

    cloud = get_cloud(place.cloud)
    verify: Any = cloud.cacert or cloud.verify
    async with httpx.AsyncClient(verify=verify, timeout=30.0) as client:
        token = await KeystoneSession(cloud, client).token()
    endpoint = cloud.image_endpoint_override or token.endpoint("image", cloud.interface, cloud.region_name)
    signed = {
        "auth_url": cloud.auth_url,
        "endpoint": endpoint,
        "project_id": token.project_id,
        "interface": cloud.interface,
        "verify": cloud.verify,
        "cacert": cloud.cacert,
    }
    return dataclasses.replace(place, signed=signed, region=cloud.region_name), token.value


async def sign_spec(spec: JobSpec) -> tuple[JobSpec, dict[str, str]]:
    """``spec`` with its token-only places signed in, and their tokens by place key."""
    tokens: dict[str, str] = {}
    place = spec.place
    if token_only(place):
        place, token = await sign_in(place)
        tokens[place.key] = token
    what = dict(spec.what)
    target = what.get("to")
    if isinstance(target, Place) and token_only(target):
        signed, token = await sign_in(target)
        what["to"], tokens[signed.key] = signed, token
    return JobSpec(spec.kind, place, what), tokens


def token_cloud(place: Place, token: str | None) -> CloudConfig:
    """The cloud the service reaches with a token a client handed over."""
    signed = place.signed or {}
    if token is None:
        raise AuthFailed(
            f"cloud {place.cloud!r} comes from OS_* variables: the service holds no sign-in for it "
            "after a restart; start the transfer again from imagedeck"
        )
    return CloudConfig(
        name=place.cloud or "envvars",
        auth_url=str(signed.get("auth_url") or ""),
        auth_type="token",
        auth={"token": token, "project_id": signed.get("project_id")},
        region_name=place.region,
        interface=str(signed.get("interface") or "public"),
        verify=bool(signed.get("verify", True)),
        cacert=signed.get("cacert"),
        image_endpoint_override=signed.get("endpoint"),
    )


__all__ = ["sign_in", "sign_spec", "token_cloud", "token_only"]
