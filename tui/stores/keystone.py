"""Keystone v3 authentication: password, application credential and token, with a catalog.

The session hands out a valid token, renewing it before it expires and once more when a
service answers 401; it finds the image endpoint in the catalog. Secrets and tokens never
appear in reprs, logs or messages.
"""

from __future__ import annotations

import asyncio
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from ..model import AuthFailed, Invalid, NotFound, Unavailable
from .clouds import CloudConfig
from .glance_errors import glance_message
from .token_cache import TokenCache

#: Renew a token this long before Keystone says it expires.
RENEW_MARGIN = timedelta(seconds=30)

_AUTH_TYPES = {
    "password": "password", "v3password": "password",
    "v3applicationcredential": "application_credential",
    "applicationcredential": "application_credential",
    "application_credential": "application_credential",
    "token": "token", "v3token": "token",
}


class InsecureConnectionWarning(UserWarning):
    """TLS certificate checks are off for a cloud (``verify: false``)."""


@dataclass(slots=True)
class Token:
    """A scoped Keystone token and what it says about its holder."""

    value: str = field(repr=False)
    expires_at: datetime
    project_id: str | None = None
    project_name: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    roles: tuple[str, ...] = ()
    catalog: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @classmethod
    def from_body(cls, value: str, body: dict[str, Any]) -> Token:
        token = body.get("token", body)
        project = token.get("project") or {}
        user = token.get("user") or {}
        return cls(
            value=value,
            expires_at=_parse_time(token.get("expires_at")),
            project_id=project.get("id"),
            project_name=project.get("name"),
            user_id=user.get("id"),
            user_name=user.get("name"),
            roles=tuple(r.get("name", "") for r in token.get("roles") or ()),
            catalog=list(token.get("catalog") or ()),
        )

    def to_cache(self) -> dict[str, Any]:
        return {"value": self.value, "expires_at": self.expires_at.isoformat(),
                "token": {"project": {"id": self.project_id, "name": self.project_name},
                          "user": {"id": self.user_id, "name": self.user_name},
                          "roles": [{"name": r} for r in self.roles], "catalog": self.catalog,
                          "expires_at": self.expires_at.isoformat()}}

    @classmethod
    def from_cache(cls, entry: dict[str, Any]) -> Token:
        return cls.from_body(entry["value"], entry["token"])

    def expiring(self) -> bool:
        return self.expires_at - RENEW_MARGIN <= datetime.now(timezone.utc)

    def endpoint(self, service_type: str, interface: str, region: str | None) -> str:
        """The catalog URL of a service for an interface and (optionally) a region."""
        for service in self.catalog:
            if service.get("type") != service_type:
                continue
            for ep in service.get("endpoints") or ():
                if ep.get("interface") != interface:
                    continue
                if region and region not in (ep.get("region_id"), ep.get("region")):
                    continue
                return str(ep["url"])
        where = f" in region {region}" if region else ""
        raise NotFound(f"the service catalog has no {interface} {service_type} endpoint{where}; "
                       "set image_endpoint_override in clouds.yaml or check region_name")


def _parse_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc) + timedelta(hours=1)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _domain(auth: dict[str, Any], prefix: str) -> dict[str, str] | None:
    """A domain reference from ``<prefix>_domain_id/name``, falling back to ``domain_id/name``."""
    for key in (f"{prefix}_domain_id", "domain_id"):
        if auth.get(key):
            return {"id": str(auth[key])}
    for key in (f"{prefix}_domain_name", "domain_name"):
        if auth.get(key):
            return {"name": str(auth[key])}
    return None


def auth_body(cloud: CloudConfig) -> dict[str, Any]:
    """The JSON body of ``POST /v3/auth/tokens`` for this cloud's auth settings."""
    auth = cloud.auth
    method = _AUTH_TYPES.get(cloud.auth_type.lower().replace("-", ""))
    if method is None:
        raise Invalid(f"cloud {cloud.name!r}: auth_type {cloud.auth_type!r} is not supported; "
                      "use password, v3applicationcredential or token")
    identity: dict[str, Any] = {"methods": [method]}
    if method == "password":
        user: dict[str, Any] = {"password": str(auth.get("password") or "")}
        if auth.get("user_id"):
            user["id"] = str(auth["user_id"])
        elif auth.get("username"):
            user["name"] = str(auth["username"])
            user["domain"] = _domain(auth, "user") or {"id": "default"}
        else:
            raise Invalid(f"cloud {cloud.name!r}: password auth needs username or user_id")
        identity["password"] = {"user": user}
    elif method == "application_credential":
        cred: dict[str, Any] = {"secret": str(auth.get("application_credential_secret") or "")}
        if auth.get("application_credential_id"):
            cred["id"] = str(auth["application_credential_id"])
        elif auth.get("application_credential_name"):
            cred["name"] = str(auth["application_credential_name"])
            if auth.get("user_id"):
                cred["user"] = {"id": str(auth["user_id"])}
            elif auth.get("username"):
                cred["user"] = {"name": str(auth["username"]),
                                "domain": _domain(auth, "user") or {"id": "default"}}
            else:
                raise Invalid(f"cloud {cloud.name!r}: an application credential by name "
                              "needs username or user_id")
        else:
            raise Invalid(f"cloud {cloud.name!r}: application credential auth needs "
                          "application_credential_id or _name")
        identity["application_credential"] = cred
        return {"auth": {"identity": identity}}  # the credential carries its own scope
    else:
        if not auth.get("token"):
            raise Invalid(f"cloud {cloud.name!r}: token auth needs auth.token")
        identity["token"] = {"id": str(auth["token"])}
    body: dict[str, Any] = {"auth": {"identity": identity}}
    scope = _scope(auth)
    if scope:
        body["auth"]["scope"] = scope
    return body


def _scope(auth: dict[str, Any]) -> dict[str, Any] | None:
    if auth.get("project_id"):
        return {"project": {"id": str(auth["project_id"])}}
    if auth.get("project_name"):
        return {"project": {"name": str(auth["project_name"]),
                            "domain": _domain(auth, "project") or {"id": "default"}}}
    if auth.get("system_scope"):
        return {"system": {str(auth["system_scope"]): True}}
    domain = ({"id": str(auth["domain_id"])} if auth.get("domain_id")
              else {"name": str(auth["domain_name"])} if auth.get("domain_name") else None)
    return {"domain": domain} if domain else None


def tokens_url(auth_url: str) -> str:
    base = auth_url.rstrip("/")
    if not base.endswith("/v3"):
        base += "/v3"
    return base + "/auth/tokens"


class KeystoneSession:
    """Hands out a valid token for one cloud, authenticating (or reading the cache) as needed."""

    def __init__(self, cloud: CloudConfig, client: httpx.AsyncClient, *,
                 cache: TokenCache | None = None) -> None:
        self.cloud = cloud
        self._client = client
        self._cache = cache
        self._token: Token | None = None
        self._lock = asyncio.Lock()
        self.warnings: list[str] = []
        if not cloud.verify:
            message = (f"cloud {cloud.name!r}: TLS certificate verification is off "
                       "(verify: false); anyone on the path can read its traffic")
            self.warnings.append(message)
            warnings.warn(message, InsecureConnectionWarning, stacklevel=2)

    @property
    def keystone_base(self) -> str:
        return tokens_url(self.cloud.auth_url).removesuffix("/auth/tokens")

    async def token(self) -> Token:
        """A token valid for at least a little while longer."""
        async with self._lock:
            if self._token is None and self._cache is not None:
                entry = self._cache.load()
                if entry is not None:
                    try:
                        self._token = Token.from_cache(entry)
                    except (KeyError, TypeError, ValueError):
                        self._cache.drop()
            if self._token is None or self._token.expiring():
                self._token = await self._authenticate()
                if self._cache is not None:
                    self._cache.save(self._token.to_cache())
            return self._token

    def invalidate(self, token: Token | None = None) -> None:
        """Forget a token a service refused (only if it is still the current one)."""
        if token is None or token is self._token:
            self._token = None
            if self._cache is not None:
                self._cache.drop()

    async def _authenticate(self) -> Token:
        url = tokens_url(self.cloud.auth_url)
        try:
            resp = await self._client.post(url, json=auth_body(self.cloud))
        except httpx.TimeoutException:
            raise Unavailable(f"cloud {self.cloud.name!r}: Keystone at {url} timed out; "
                              "check the network or try again") from None
        except httpx.HTTPError as exc:
            raise Unavailable(f"cloud {self.cloud.name!r}: cannot reach Keystone at {url} "
                              f"({type(exc).__name__}); check auth_url and the network") from None
        if resp.status_code in (401, 403):
            raise AuthFailed(f"cloud {self.cloud.name!r}: Keystone refused the credentials "
                             f"({resp.status_code}: {glance_message(resp)}); check clouds.yaml")
        if resp.status_code == 404:
            raise AuthFailed(f"cloud {self.cloud.name!r}: Keystone at {url} answered 404 "
                             f"({glance_message(resp)}); the project, domain or user may not exist")
        if resp.status_code >= 400:
            err = Unavailable if resp.status_code >= 500 else Invalid
            raise err(f"cloud {self.cloud.name!r}: Keystone answered {resp.status_code}: "
                      f"{glance_message(resp)}")
        value = resp.headers.get("X-Subject-Token")
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not value or not isinstance(body, dict):
            raise Unavailable(f"cloud {self.cloud.name!r}: Keystone at {url} sent an "
                              "unreadable token response")
        return Token.from_body(value, body)

