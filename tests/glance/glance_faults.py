"""Fault injection for the Glance store: an httpx transport that breaks chosen requests.

Everything not matched goes to the real lab through httpx's own transport.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx

#: A rule sees the request and the attempt number for that (method, path) and returns a
#: replacement response, raises a transport error, or returns None to pass through.
Rule = Callable[[httpx.Request, int], httpx.Response | None]


@dataclass
class FaultyTransport(httpx.AsyncBaseTransport):
    rules: list[tuple[str, str, Rule]] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    #: Cut response bodies of matching requests after this many bytes.
    drop_after: dict[tuple[str, str], int] = field(default_factory=dict)

    def on(self, method: str, path_suffix: str, rule: Rule) -> None:
        self.rules.append((method, path_suffix, rule))

    def count(self, method: str, path_suffix: str) -> int:
        return sum(1 for m, p in self.seen if m == method and p.endswith(path_suffix))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.seen.append((request.method, path))
        for method, suffix, rule in self.rules:
            if request.method == method and path.endswith(suffix):
                replacement = rule(request, self.count(method, suffix))
                if replacement is not None:
                    return replacement
        response = await self.inner.handle_async_request(request)
        for (method, suffix), limit in self.drop_after.items():
            if request.method == method and path.endswith(suffix):
                return httpx.Response(
                    response.status_code,
                    headers=response.headers,
                    stream=_Cut(response, limit),
                    request=request,
                )
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Cut(httpx.AsyncByteStream):
    """A response body that fails like a dropped connection after ``limit`` bytes."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        self.response, self.limit = response, limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        async for chunk in self.response.stream:
            if sent + len(chunk) > self.limit:
                yield chunk[: self.limit - sent]
                raise httpx.RemoteProtocolError("peer closed connection mid-body")
            sent += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.response.aclose()


def respond(status: int, body: bytes = b"", content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": content_type})


async def chunks_of(data: bytes, piece: int = 256 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


def random_bytes(size: int) -> bytes:
    return os.urandom(size)
