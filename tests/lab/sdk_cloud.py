"""Print, as JSON lines, how openstacksdk's loader reads clouds: run with the lab venv's python.

    echo '[{"cwd": DIR, "env": {...}, "cloud": NAME or null}, ...]' | python sdk_cloud.py

Each case runs in its own working directory and environment, and the loader module is
reloaded for it, so openstacksdk computes its own search path (current directory, HOME's
config directory, /etc/openstack) exactly as it would in a fresh process.

The token request is captured, not sent: the auth plugin builds its v3 body against a session
that records the POST, so the output is exactly what keystoneauth would ask Keystone for.
This file runs outside the test package (another interpreter): it imports only openstacksdk.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings
from typing import Any


class _Captured(Exception):
    def __init__(self, url: str, body: Any) -> None:
        super().__init__(url)
        self.url = url
        self.body = body


class _RecordingSession:
    """Stands in for a keystoneauth Session: the first POST is the token request."""

    def post(self, url: str, json: Any = None, **_: Any) -> None:
        raise _Captured(url, json)


def _token_request(plugin: Any) -> tuple[str, Any]:
    from keystoneauth1.identity.generic.base import BaseGenericPlugin

    session = _RecordingSession()
    if isinstance(plugin, BaseGenericPlugin):
        plugin = plugin.create_plugin(session, (3, 0), plugin.auth_url)
    try:
        plugin.get_auth_ref(session)
    except _Captured as captured:
        return captured.url, captured.body
    raise RuntimeError("the auth plugin made no token request")


def describe(name: str | None) -> dict[str, Any]:
    from openstack.config import loader

    region = importlib.reload(loader).OpenStackConfig().get_one(name)
    config = region.config
    url, body = _token_request(region.get_auth())
    verify, _cert = region.get_requests_verify_args()
    return {
        "ok": True,
        "name": region.name,
        "auth_type": config.get("auth_type"),
        "auth_url": config["auth"].get("auth_url"),
        "token_url": url.removesuffix("?nocatalog"),
        "body": body,
        "region_name": region.region_name or None,
        "interface": region.get_interface("image"),
        "image_endpoint_override": config.get("image_endpoint_override"),
        "verify": verify,
    }


def run(case: dict[str, Any]) -> dict[str, Any]:
    os.chdir(case["cwd"])
    os.environ.clear()
    os.environ.update(case["env"])
    try:
        return describe(case.get("cloud"))
    except Exception as exc:  # noqa: BLE001 - every refusal is reported, not raised: the caller compares them
        return {"ok": False, "error": f"{type(exc).__name__}: {' '.join(str(exc).split())}"}


def main() -> int:
    warnings.simplefilter("ignore")
    for case in json.load(sys.stdin):
        print(json.dumps(run(case), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
