"""Glance's image cache API (``/v2/cache``, API v2.14+), for the cloud's admin.

Glance answers 404 "Caching via API is not supported at this site" where no cache is
configured and 403 to anyone but an admin: both become `CacheNotAvailable`, one sentence
that says which, so a face can hide the cache rather than show an error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ..model import Forbidden, NotFound
from .operator import CacheEntry, CacheListing, CacheNotAvailable, ClearTarget, ImageCache, PruneResult

#: The store's request path: method, path, action, keyword arguments -> parsed JSON body.
JsonCall = Callable[..., Awaitable[Any]]
CLEAR_HEADER = "x-image-cache-clear-target"


class GlanceCache(ImageCache):
    """The cache of the Glance behind ``call`` (a `GlanceStore`'s JSON request path)."""

    def __init__(self, call: JsonCall, label: str) -> None:
        self._call = call
        self._label = label

    async def _request(self, method: str, path: str, action: str, **kwargs: Any) -> Any:
        try:
            return await self._call(method, path, action, **kwargs)
        except Forbidden:
            raise CacheNotAvailable(
                f"{self._label}: the image cache is managed by the cloud's admins only"
            ) from None
        except NotFound as exc:
            if path == "/v2/cache" or "not supported" in str(exc).lower():
                raise CacheNotAvailable(f"{self._label}: this cloud has no image cache") from None
            raise

    async def listing(self) -> CacheListing:
        body = await self._request("GET", "/v2/cache", "list the image cache")
        body = body if isinstance(body, dict) else {}
        return CacheListing(
            cached=tuple(_entry(e, "cached") for e in body.get("cached_images") or [] if _has_id(e)),
            queued=tuple(q for q in map(_queued, body.get("queued_images") or []) if q is not None),
        )

    async def queue(self, image_id: str) -> None:
        await self._request(
            "PUT", f"/v2/cache/{quote(image_id, safe='')}", f"queue image {image_id} for caching"
        )

    async def remove(self, image_id: str) -> None:
        await self._request(
            "DELETE", f"/v2/cache/{quote(image_id, safe='')}", f"remove image {image_id} from the cache"
        )

    async def clear(self, target: ClearTarget = "all") -> None:
        headers = {} if target == "all" else {CLEAR_HEADER: target}
        await self._request("DELETE", "/v2/cache", f"clear the image cache ({target})", headers=headers)

    async def prune(self) -> PruneResult:
        body = await self._request("POST", "/v2/cache/prune", "prune the image cache")
        body = body if isinstance(body, dict) else {}
        return PruneResult(_int(body.get("total_files_pruned")), _int(body.get("total_bytes_pruned")))

    async def clean(self) -> None:
        await self._request("POST", "/v2/cache/clean", "clean the image cache")


def _has_id(entry: object) -> bool:
    return isinstance(entry, dict) and bool(entry.get("image_id"))


def _queued(entry: object) -> CacheEntry | None:
    """Glance lists queued images by id alone; a record with an ``image_id`` is read as one."""
    if isinstance(entry, str) and entry:
        return CacheEntry(image_id=entry, state="queued")
    return _entry(entry, "queued") if _has_id(entry) and isinstance(entry, dict) else None


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _entry(data: dict[str, Any], state: str) -> CacheEntry:
    accessed = data.get("last_accessed")
    when = None
    if isinstance(accessed, int | float) and not isinstance(accessed, bool) and accessed > 0:
        when = datetime.fromtimestamp(accessed, UTC)
    size = data.get("size")
    return CacheEntry(
        image_id=str(data["image_id"]),
        state="cached" if state == "cached" else "queued",
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        hits=_int(data.get("hits")),
        last_accessed=when,
    )
