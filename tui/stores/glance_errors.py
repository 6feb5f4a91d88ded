"""Glance's HTTP answers turned into imagedeck's typed errors, keeping Glance's own words."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import httpx

from ..model import (
    AuthFailed,
    Conflict,
    Forbidden,
    FormatRejected,
    ImageDeckError,
    Invalid,
    NotFound,
    QuotaExceeded,
    Unavailable,
)


class RangeNotSatisfiable(Invalid):
    """A download offset at or past the end of the image (HTTP 416)."""


_BY_STATUS: dict[int, type[ImageDeckError]] = {
    400: Invalid,
    401: AuthFailed,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: QuotaExceeded,
    415: FormatRejected,
    416: RangeNotSatisfiable,
}


def glance_message(resp: httpx.Response, secrets: Iterable[str] = ()) -> str:
    """The human text of an error body: JSON ``message`` (Glance or Keystone style), else text.

    A service may echo the request in its answer: every value in ``secrets`` (the password or
    credential secret that was sent) and the token the request carried are blanked out
    wherever they appear.
    """
    secrets = (*secrets, *_sent_token(resp))
    text = ""
    try:
        body = resp.json()
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            text = str(err.get("message") or err.get("title") or "")
    if not text:
        text = resp.text if resp.headers.get("content-type", "").startswith("text/") else ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", _without(text, secrets)))
    text = " ".join(_without(text, secrets).split())
    for prefix in (f"{resp.status_code} {resp.reason_phrase}", resp.reason_phrase):
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :].strip(" :")
    text = _without(text, secrets)[:500]
    return text or _without(resp.reason_phrase, secrets) or f"HTTP {resp.status_code}"


def _sent_token(resp: httpx.Response) -> tuple[str, ...]:
    """The token on the request that got ``resp`` (none for a response built without one)."""
    try:
        token = resp.request.headers.get("X-Auth-Token")
    except RuntimeError:  # no request attached
        return ()
    return (token,) if token else ()


def _without(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def error_for(resp: httpx.Response, cloud: str, action: str, secrets: Iterable[str] = ()) -> ImageDeckError:
    """The typed error for a failed answer; the message names the cloud and the action."""
    detail = glance_message(resp, secrets)
    status = resp.status_code
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = Unavailable if status >= 500 else Invalid
    if cls is Unavailable:
        return Unavailable(
            f"{cloud}: {action} failed, Glance answered {status} ({detail}); "
            "try again later or ask the cloud's operators"
        )
    if cls is AuthFailed:
        return AuthFailed(
            f"{cloud}: {action} refused even after signing in again ({detail}); "
            "check the credentials in clouds.yaml"
        )
    return cls(f"{cloud}: {action}: {detail}")


def transport_error(exc: httpx.HTTPError, cloud: str, url: str, action: str) -> Unavailable:
    """A network failure as an Unavailable that says where and what to try."""
    if isinstance(exc, httpx.TimeoutException):
        return Unavailable(
            f"{cloud}: {action} timed out talking to {url}; the cloud is slow "
            "or unreachable, try again or raise the timeout"
        )
    return Unavailable(
        f"{cloud}: {action} could not reach {url} ({type(exc).__name__}); "
        "check the network, VPN or proxy, then retry"
    )
