"""Keystone request bodies, catalog lookup and the token cache, without a server."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from imagedeck.model import Invalid, NotFound
from imagedeck.stores.clouds import CloudConfig
from imagedeck.stores.keystone import InsecureConnectionWarning, KeystoneSession, Token, auth_body
from imagedeck.stores.token_cache import TokenCache


def cloud(auth_type: str = "password", **auth: str) -> CloudConfig:
    return CloudConfig(name="c", auth_url="http://k/v3", auth_type=auth_type, auth=auth)


def test_password_by_names_scopes_to_the_project() -> None:
    body = auth_body(
        cloud(
            username="ann",
            password="pw",
            project_name="ops",
            user_domain_name="Users",
            project_domain_id="p-dom",
        )
    )["auth"]
    assert body["identity"] == {
        "methods": ["password"],
        "password": {"user": {"password": "pw", "name": "ann", "domain": {"name": "Users"}}},
    }
    assert body["scope"] == {"project": {"name": "ops", "domain": {"id": "p-dom"}}}


def test_v3password_by_ids_and_default_domain() -> None:
    body = auth_body(cloud("v3password", user_id="u1", password="pw", project_id="p1"))["auth"]
    assert body["identity"]["password"]["user"] == {"password": "pw", "id": "u1"}
    assert body["scope"] == {"project": {"id": "p1"}}
    named = auth_body(cloud(username="ann", password="pw", project_name="ops"))["auth"]
    assert named["scope"]["project"]["domain"] == {"id": "default"}


def test_application_credential_by_id_or_by_name_and_user() -> None:
    by_id = auth_body(
        cloud("v3applicationcredential", application_credential_id="a1", application_credential_secret="s")
    )["auth"]
    assert by_id == {
        "identity": {
            "methods": ["application_credential"],
            "application_credential": {"secret": "s", "id": "a1"},
        }
    }
    by_name = auth_body(
        cloud(
            "v3applicationcredential",
            application_credential_name="ci",
            application_credential_secret="s",
            username="ann",
            user_domain_id="default",
        )
    )["auth"]
    assert by_name["identity"]["application_credential"]["user"] == {
        "name": "ann",
        "domain": {"id": "default"},
    }
    with pytest.raises(Invalid, match="application_credential_id"):
        auth_body(cloud("v3applicationcredential", application_credential_secret="s"))


def test_token_auth_and_domain_scope() -> None:
    body = auth_body(cloud("v3token", token="t0k", domain_name="Default"))["auth"]
    assert body["identity"] == {"methods": ["token"], "token": {"id": "t0k"}}
    assert body["scope"] == {"domain": {"name": "Default"}}


def test_unknown_auth_type_is_invalid() -> None:
    with pytest.raises(Invalid, match="v3oidc"):
        auth_body(cloud("v3oidc"))


CATALOG = [
    {
        "type": "image",
        "endpoints": [
            {"interface": "public", "region_id": "East", "url": "http://east/image"},
            {"interface": "internal", "region_id": "West", "url": "http://west-internal:9292"},
            {"interface": "public", "region_id": "West", "url": "http://west:9292"},
        ],
    }
]


def test_catalog_lookup_by_interface_and_region() -> None:
    token = Token("x", datetime.now(UTC), catalog=CATALOG)
    assert token.endpoint("image", "public", "West") == "http://west:9292"
    assert token.endpoint("image", "internal", None) == "http://west-internal:9292"
    assert token.endpoint("image", "public", None) == "http://east/image"
    with pytest.raises(NotFound, match="admin image endpoint in region West"):
        token.endpoint("image", "admin", "West")


def test_token_value_never_in_repr() -> None:
    token = Token("gAAAA-secret-token", datetime.now(UTC))
    assert "secret-token" not in repr(token)


def test_cache_file_is_private_keyed_without_secret_and_expires(tmp_path: Path) -> None:
    c = cloud(username="ann", password="pw-not-in-name", project_name="ops")
    cache = TokenCache("my cloud", c.identity(), tmp_path)
    assert "pw-not-in-name" not in cache.path.name and cache.path.name.startswith("my_cloud-")
    token = Token("tok", datetime.now(UTC) + timedelta(hours=1), project_id="p")
    cache.save(token.to_cache())
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600
    assert Token.from_cache(cache.load()).project_id == "p"
    other = cloud(username="bob", password="pw", project_name="ops")
    assert TokenCache("my cloud", other.identity(), tmp_path).load() is None
    stale = Token("tok", datetime.now(UTC) + timedelta(seconds=5))
    cache.save(stale.to_cache())
    assert cache.load() is None and not cache.path.exists()


async def test_verify_false_warns(tmp_path: Path) -> None:
    import httpx

    insecure = CloudConfig(name="c", auth_url="https://k/v3", verify=False)
    async with httpx.AsyncClient() as client:
        with pytest.warns(InsecureConnectionWarning, match="verification is off"):
            session = KeystoneSession(insecure, client)
    assert any("verify: false" in w for w in session.warnings)
