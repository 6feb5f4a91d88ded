"""Fault injection on the wire for the real Glance: an httpx transport that cuts or bends
image data on its way, and records the ranges asked for and the statuses answered."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


class _CutBody(httpx.AsyncByteStream):
    """A response body that flips one byte and/or breaks off after ``cut_after`` bytes."""

    def __init__(self, inner: httpx.AsyncByteStream, cut_after: int | None, flip_at: int | None) -> None:
        self.inner = inner
        self.cut_after = cut_after
        self.flip_at = flip_at

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self.inner:
            if self.flip_at is not None and seen <= self.flip_at < seen + len(chunk):
                bent = bytearray(chunk)
                bent[self.flip_at - seen] ^= 0xFF
                chunk = bytes(bent)
            if self.cut_after is not None and seen + len(chunk) > self.cut_after:
                if self.cut_after > seen:
                    yield chunk[: self.cut_after - seen]
                raise httpx.ReadError("connection reset by peer (injected)")
            seen += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class _CutUpload(httpx.AsyncByteStream):
    """A request body that stops after ``after`` bytes, as a dropped connection does."""

    def __init__(self, inner: httpx.AsyncByteStream, after: int) -> None:
        self.inner = inner
        self.after = after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        async for chunk in self.inner:
            if sent + len(chunk) > self.after:
                raise httpx.WriteError("connection reset by peer (injected)")
            sent += len(chunk)
            yield chunk


class FaultyTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the lab, with the next ``cuts`` data downloads cut at ``cut_after``,
    every download bent at ``flip_at``, and the next ``upload_cuts`` uploads cut."""

    def __init__(
        self,
        *,
        cut_after: int | None = None,
        cuts: int = 1,
        flip_at: int | None = None,
        upload_cut_after: int | None = None,
        upload_cuts: int = 1,
    ) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.cut_after = cut_after
        self.cuts = cuts
        self.flip_at = flip_at
        self.upload_cut_after = upload_cut_after
        self.upload_cuts = upload_cuts
        #: (Range header or None, status) of every image data GET.
        self.downloads: list[tuple[str | None, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_data = request.url.path.endswith("/file")
        if is_data and request.method == "PUT" and self.upload_cut_after is not None and self.upload_cuts > 0:
            self.upload_cuts -= 1
            request.stream = _CutUpload(request.stream, self.upload_cut_after)  # type: ignore[arg-type]
        response = await self.inner.handle_async_request(request)
        if is_data and request.method == "GET":
            self.downloads.append((request.headers.get("range"), response.status_code))
            cut = self.cut_after if self.cuts > 0 else None
            if cut is not None:
                self.cuts -= 1
            if cut is not None or self.flip_at is not None:
                response.stream = _CutBody(response.stream, cut, self.flip_at)  # type: ignore[arg-type]
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
