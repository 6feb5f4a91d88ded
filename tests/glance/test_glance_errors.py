"""Glance's HTTP error answers become typed errors that keep Glance's own words."""

from __future__ import annotations

import httpx
import pytest

from imagedeck.model import (
    AuthFailed,
    Conflict,
    Forbidden,
    FormatRejected,
    Invalid,
    NotFound,
    QuotaExceeded,
    Unavailable,
)
from imagedeck.stores.glance_errors import RangeNotSatisfiable, error_for, glance_message


def answer(status: int, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": content_type})


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, Invalid),
        (401, AuthFailed),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (413, QuotaExceeded),
        (415, FormatRejected),
        (416, RangeNotSatisfiable),
        (500, Unavailable),
        (502, Unavailable),
        (503, Unavailable),
        (418, Invalid),
    ],
)
def test_status_maps_to_kind(status: int, kind: type) -> None:
    error = error_for(answer(status, b'{"message": "why it failed"}'), "cloud:x", "do it")
    assert type(error) is kind
    assert "why it failed" in str(error) and "cloud:x" in str(error)


def test_glance_json_body_with_html_breaks_is_cleaned() -> None:
    body = (
        b'{"message": "Image status transition from active to active is not allowed'
        b'<br /><br />\\n\\n\\n", "code": "409 Conflict", "title": "Conflict"}'
    )
    assert glance_message(answer(409, body)) == (
        "Image status transition from active to active is not allowed"
    )


def test_keystone_style_and_html_bodies() -> None:
    keystone = (
        b'{"error": {"code": 401, "message": "The request you have made requires authentication.", '
        b'"title": "Unauthorized"}}'
    )
    assert glance_message(answer(401, keystone)).startswith("The request you have made")
    html = b"<html><body><h1>403 Forbidden</h1>Access was denied to this resource.</body></html>"
    assert glance_message(answer(403, html, "text/html")) == "Access was denied to this resource."
    assert glance_message(answer(502, b"", "text/plain")) == "Bad Gateway"
