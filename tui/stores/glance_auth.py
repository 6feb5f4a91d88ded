"""Keystone tokens on outgoing requests, as an httpx auth flow.

The flow puts the session's token on a request only when the URL lies where that token may
travel (its issuing Keystone, its service catalog or the endpoint override it was issued
for). When the service answers 401 it renews the token once and sends the request again,
unless the body is a stream: a file or generator read while sending cannot be sent twice,
so the token is renewed and the caller is told to start that transfer over.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import httpx

from ..model import AuthFailed, Invalid
from .keystone import KeystoneSession, Token


class KeystoneAuth(httpx.Auth):
    """Signs one request with a Keystone token; ``context`` starts its error messages."""

    #: A streamed upload is sent as it is read, never buffered whole to allow a resend.
    requires_request_body = False

    def __init__(self, session: KeystoneSession, context: str) -> None:
        self._session = session
        self._context = context

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        resendable = replayable(request)  # asked before sending: a transport may buffer what it read
        token = await self._sign(request)
        response = yield request
        if response.status_code != 401:
            return
        self._session.invalidate(token)
        if not resendable:
            await self._session.token()  # the transfer's next attempt starts with a good token
            raise AuthFailed(
                f"{self._context}: the token was refused while the data was being sent; "
                "signed in again, retry the transfer to send the data from the start"
            )
        await self._sign(request)
        yield request

    async def _sign(self, request: httpx.Request) -> Token:
        token = await self._session.token()
        url = str(request.url)
        if not token.may_go_to(url):
            raise Invalid(
                f"{self._context}: will not send the token to {url!r}, which is neither in the "
                "token's service catalog nor the image_endpoint_override it was issued for"
            )
        request.headers["X-Auth-Token"] = token.value
        return token


def replayable(request: httpx.Request) -> bool:
    """Whether the body is held in memory (JSON, bytes or none), so it can be sent again."""
    return isinstance(request.stream, httpx.ByteStream)
