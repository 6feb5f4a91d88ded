"""Keystone v3 authentication: password, application credential and token, with a catalog.

The session hands out a valid token, renewing it when it comes within `EXPIRY_MARGIN` of
the expiry Keystone wrote into it, or when a service refused it (see `glance_auth`); it finds
the image endpoint in the catalog. A token Keystone gives no expiry is used until a service
refuses it, and is never cached between runs. Secrets and tokens never appear in reprs, logs
or messages.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from ..model import AuthFailed, ImageDeckError, Invalid, NotFound, Unavailable
from .clouds import SECRET_AUTH_KEYS, CloudConfig
from .glance_errors import glance_message
from .token_cache import TokenCache, near_expiry

_AUTH_TYPES = {
    "password": "password",
    "v3password": "password",
    "v3applicationcredential": "application_credential",
    "applicationcredential": "application_credential",
    "application_credential": "application_credential",
    "token": "token",
    "v3token": "token",
}


class InsecureConnectionWarning(UserWarning):
    """TLS certificate checks are off for a cloud (``verify: false``)."""


@dataclass(slots=True)
class Token:
    """A scoped Keystone token, what it says about its holder, and where it may be sent.

    A token travels only to the Keystone that issued it, to an endpoint of its own service
    catalog, or to the ``image_endpoint_override`` configured when it was issued.
    """

    value: str = field(repr=False)
    #: When Keystone said the token expires; None when it did not say.
    expires_at: datetime | None
    project_id: str | None = None
    project_name: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    roles: tuple[str, ...] = ()
    catalog: list[dict[str, Any]] = field(default_factory=list, repr=False)
    #: The Keystone base URL (``.../v3``) that issued the token.
    issuer: str | None = None
    #: The image endpoint override the token was issued for.
    override: str | None = None

    @classmethod
    def from_body(
        cls, value: str, body: Any, *, issuer: str | None = None, override: str | None = None
    ) -> Token:
        """The token in a Keystone answer (or a cache entry); TypeError/ValueError if malformed."""
        if not isinstance(value, str) or not value:
            raise TypeError("no token value")
        token = _mapping(_mapping(body).get("token", body))
        project, user = _mapping(token.get("project")), _mapping(token.get("user"))
        roles = token.get("roles") or []
        if not isinstance(roles, list):
            raise TypeError("roles is not a list")
        return cls(
            value=value,
            expires_at=_parse_time(token.get("expires_at")),
            project_id=_opt_text(project.get("id")),
            project_name=_opt_text(project.get("name")),
            user_id=_opt_text(user.get("id")),
            user_name=_opt_text(user.get("name")),
            roles=tuple(_opt_text(_mapping(r).get("name")) or "" for r in roles),
            catalog=_catalog(token.get("catalog")),
            issuer=_opt_text(issuer),
            override=_opt_text(override),
        )

    def to_cache(self) -> dict[str, Any] | None:
        """The cache entry for this token; None for a token without an expiry (never cached)."""
        if self.expires_at is None:
            return None
        expires = self.expires_at.isoformat()
        return {
            "value": self.value,
            "expires_at": expires,
            "issuer": self.issuer,
            "override": self.override,
            "token": {
                "project": {"id": self.project_id, "name": self.project_name},
                "user": {"id": self.user_id, "name": self.user_name},
                "roles": [{"name": r} for r in self.roles],
                "catalog": self.catalog,
                "expires_at": expires,
            },
        }

    @classmethod
    def from_cache(cls, entry: Any) -> Token:
        """A token from a cache entry; TypeError/ValueError if any field has the wrong shape."""
        entry = _mapping(entry)
        body = entry.get("token")
        if not isinstance(body, dict) or not isinstance(entry.get("expires_at"), str):
            raise TypeError("not a token entry")
        return cls.from_body(
            entry.get("value"),
            {**body, "expires_at": entry["expires_at"]},
            issuer=entry.get("issuer"),
            override=entry.get("override"),
        )

    def expiring(self) -> bool:
        """Within the margin of its expiry; a token without one is good until refused."""
        return self.expires_at is not None and near_expiry(self.expires_at)

    def endpoint(self, service_type: str, interface: str, region: str | None) -> str:
        """The catalog URL of a service for an interface and (optionally) a region."""
        for service in self.catalog:
            if service["type"] != service_type:
                continue
            for ep in service["endpoints"]:
                if ep["interface"] != interface:
                    continue
                if region and region != ep["region_id"]:
                    continue
                return str(ep["url"])
        where = f" in region {region}" if region else ""
        raise NotFound(
            f"the service catalog has no {interface} {service_type} endpoint{where}; "
            "set image_endpoint_override in clouds.yaml or check region_name"
        )

    def may_go_to(self, url: str) -> bool:
        """Whether ``url`` lies under the issuing Keystone, a catalog endpoint or the override."""
        bases = [
            self.issuer,
            self.override,
            *(ep["url"] for service in self.catalog for ep in service["endpoints"]),
        ]
        return any(base and _under(url, base) for base in bases)


def _mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"expected a mapping, got {type(value).__name__}")
    return value


def _opt_text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _catalog(value: Any) -> list[dict[str, Any]]:
    """The catalog reduced to what is used (type; interface, region and URL of each endpoint)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError("catalog is not a list")
    services = []
    for service in map(_mapping, value):
        endpoints = service.get("endpoints") or []
        if not isinstance(endpoints, list):
            raise TypeError("endpoints is not a list")
        services.append(
            {
                "type": _opt_text(service.get("type")),
                "endpoints": [
                    {
                        "interface": _opt_text(ep.get("interface")),
                        "region_id": _opt_text(ep.get("region_id") or ep.get("region")),
                        "url": _url_text(ep.get("url")),
                    }
                    for ep in map(_mapping, endpoints)
                ],
            }
        )
    return services


def _url_text(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise TypeError("endpoint url is not an http(s) URL")
    return value


_VERSION_SUFFIXES = ("/v2", "/v2.0", "/v2.1", "/v3")


def _under(url: str, base: str) -> bool:
    """Same scheme, host and port, and a path at or below the base's (less a version suffix)."""
    try:
        target, root = httpx.URL(url), httpx.URL(base)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    if target.userinfo:
        return False
    if (target.scheme, target.host, _port(target)) != (root.scheme, root.host, _port(root)):
        return False
    prefix = root.path.rstrip("/")
    for suffix in _VERSION_SUFFIXES:
        prefix = prefix.removesuffix(suffix)
    return target.path == prefix or target.path.startswith(prefix + "/")


def _port(url: httpx.URL) -> int | None:
    return url.port or {"http": 80, "https": 443}.get(url.scheme)


def _parse_time(text: Any) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("expires_at is not text")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
        raise Invalid(
            f"cloud {cloud.name!r}: auth_type {cloud.auth_type!r} is not supported; "
            "use password, v3applicationcredential or token"
        )
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
                cred["user"] = {
                    "name": str(auth["username"]),
                    "domain": _domain(auth, "user") or {"id": "default"},
                }
            else:
                raise Invalid(
                    f"cloud {cloud.name!r}: an application credential by name needs username or user_id"
                )
        else:
            raise Invalid(
                f"cloud {cloud.name!r}: application credential auth needs application_credential_id or _name"
            )
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
        return {
            "project": {
                "name": str(auth["project_name"]),
                "domain": _domain(auth, "project") or {"id": "default"},
            }
        }
    if auth.get("system_scope"):
        return {"system": {str(auth["system_scope"]): True}}
    domain = (
        {"id": str(auth["domain_id"])}
        if auth.get("domain_id")
        else {"name": str(auth["domain_name"])}
        if auth.get("domain_name")
        else None
    )
    return {"domain": domain} if domain else None


def project_id_form(text: str) -> str | None:
    """``text`` as Keystone writes a project id (32 lower-case hex digits), if it is a well-formed id."""
    candidate = text.strip()
    if re.fullmatch(r"[0-9A-Fa-f]{32}", candidate):
        return candidate.lower()
    if re.fullmatch(r"[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}", candidate):
        return candidate.replace("-", "").lower()
    return None


def tokens_url(auth_url: str) -> str:
    base = auth_url.rstrip("/")
    if not base.endswith("/v3"):
        base += "/v3"
    return base + "/auth/tokens"


class KeystoneSession:
    """Hands out a valid token for one cloud, authenticating (or reading the cache) as needed."""

    def __init__(
        self, cloud: CloudConfig, client: httpx.AsyncClient, *, cache: TokenCache | None = None
    ) -> None:
        self.cloud = cloud
        self._client = client
        self._cache = cache
        self._token: Token | None = None
        self._lock = asyncio.Lock()
        self.warnings: list[str] = []
        if not cloud.verify:
            message = (
                f"cloud {cloud.name!r}: TLS certificate verification is off "
                "(verify: false); anyone on the path can read its traffic"
            )
            self.warnings.append(message)
            warnings.warn(message, InsecureConnectionWarning, stacklevel=2)

    @property
    def keystone_base(self) -> str:
        return tokens_url(self.cloud.auth_url).removesuffix("/auth/tokens")

    async def token(self) -> Token:
        """A token valid for at least a little while longer."""
        async with self._lock:
            if self._token is None and self._cache is not None:
                self._token = self._cached()
            if self._token is None or self._token.expiring():
                self._token = await self._authenticate()
                self._keep(self._token)
            return self._token

    def _keep(self, token: Token) -> None:
        """Cache a token for the next run; one without an expiry is not kept, and the old entry goes."""
        if self._cache is None:
            return
        entry = token.to_cache()
        if entry is None:
            self._cache.drop()
        else:
            self._cache.save(entry)

    def _cached(self) -> Token | None:
        """The cache's token if it was issued by this cloud's Keystone for this configuration."""
        entry = self._cache.load() if self._cache else None
        if entry is None:
            return None
        try:
            token = Token.from_cache(entry)
        except (TypeError, ValueError):
            return None  # not ours or malformed: ignored, replaced by the next save
        if token.issuer != self.keystone_base or token.override != self.cloud.image_endpoint_override:
            return None
        return token

    def secrets(self) -> tuple[str, ...]:
        """The secret values of this cloud's auth and its current token, to keep out of messages."""
        found = [str(v) for k, v in self.cloud.auth.items() if k in SECRET_AUTH_KEYS and v]
        if self._token is not None:
            found.append(self._token.value)
        return tuple(found)

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
            raise Unavailable(
                f"cloud {self.cloud.name!r}: Keystone at {url} timed out; check the network or try again"
            ) from None
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"cloud {self.cloud.name!r}: cannot reach Keystone at {url} "
                f"({type(exc).__name__}); check auth_url and the network"
            ) from None
        if resp.status_code >= 400:
            raise self._refusal(resp, url)
        value = resp.headers.get("X-Subject-Token")
        try:
            body = resp.json()
            if not isinstance(body, dict) or not isinstance(body.get("token"), dict):
                raise TypeError("no token in the answer")
            return Token.from_body(
                value, body, issuer=self.keystone_base, override=self.cloud.image_endpoint_override
            )
        except (TypeError, ValueError, RecursionError):
            raise Unavailable(
                f"cloud {self.cloud.name!r}: Keystone at {url} sent an unreadable token response"
            ) from None

    def _refusal(self, resp: httpx.Response, url: str) -> ImageDeckError:
        """The typed error for a failed sign-in, in Keystone's words less any secret they echo."""
        detail = glance_message(resp, secrets=self.secrets())
        status = resp.status_code
        if status in (401, 403):
            return AuthFailed(
                f"cloud {self.cloud.name!r}: Keystone refused the credentials "
                f"({status}: {detail}); check clouds.yaml"
            )
        if status == 404:
            return AuthFailed(
                f"cloud {self.cloud.name!r}: Keystone at {url} answered 404 "
                f"({detail}); the project, domain or user may not exist"
            )
        err = Unavailable if status >= 500 else Invalid
        return err(f"cloud {self.cloud.name!r}: Keystone answered {status}: {detail}")
