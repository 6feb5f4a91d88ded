"""Glance's metadata definitions as the store's property catalog.

The namespaces associated with ``OS::Glance::Image`` are listed (paged, 1000 at a time),
then each is read with the resource type applied, so its keys carry their prefix. What a
cloud defines is laid over imagedeck's built-in catalog: metadefs leave out the lifecycle
keys, and some namespaces (the operating-system ones) are visible to admins only. A cloud
that offers no metadefs (404, 403 or none for images) gets the built-in catalog, and its
``note`` says why. The answer is kept for the life of the store instance.
"""

from __future__ import annotations

import abc
import asyncio
from typing import Any
from urllib.parse import quote

from ..catalog import (
    IMAGE_RESOURCE_TYPE,
    PropertyCatalog,
    PropertyDef,
    builtin_catalog,
    namespace_definitions,
)
from ..model import Forbidden, NotFound
from .base import ImageStore

#: Namespaces asked for per page (Glance's maximum).
NAMESPACE_PAGE = 1000
#: Namespace reads in flight at once.
PARALLEL_READS = 8


class GlanceMetadefs(ImageStore):
    """`property_catalog` for `GlanceStore`, read from ``/v2/metadefs``."""

    _catalog: PropertyCatalog | None = None
    _catalog_lock: asyncio.Lock | None = None

    @abc.abstractmethod
    async def _json(self, method: str, path: str, action: str, **kwargs: Any) -> Any: ...

    async def property_catalog(self) -> PropertyCatalog:
        if self._catalog_lock is None:
            self._catalog_lock = asyncio.Lock()
        async with self._catalog_lock:
            if self._catalog is None:
                self._catalog = await self._read_catalog()
            return self._catalog

    async def _read_catalog(self) -> PropertyCatalog:
        builtin = builtin_catalog()
        try:
            names = await self._namespace_names()
        except (NotFound, Forbidden) as exc:
            return builtin.renamed("builtin", f"built-in: {self.label} offers no metadefs ({exc.kind})")
        if not names:
            return builtin.renamed("builtin", f"built-in: {self.label} has no image metadefs")
        limit = asyncio.Semaphore(PARALLEL_READS)
        groups = await asyncio.gather(*(self._namespace(name, limit) for name in names))
        cloud = PropertyCatalog.of(d for group in groups for d in group)
        note = f"metadefs of {self.label} ({len(names)} namespaces, {len(cloud)} properties) and built-in"
        return builtin.merged(cloud, "metadefs", note)

    async def _namespace_names(self) -> list[str]:
        params: dict[str, str] | None = {"resource_types": IMAGE_RESOURCE_TYPE, "limit": str(NAMESPACE_PAGE)}
        path = "/v2/metadefs/namespaces"
        names: list[str] = []
        while path:
            body = await self._json("GET", path, "list metadata definition namespaces", params=params)
            if not isinstance(body, dict):
                break
            names += [str(ns["namespace"]) for ns in body.get("namespaces") or [] if ns.get("namespace")]
            following = body.get("next")
            if not following or not body.get("namespaces"):
                break
            path, params = str(following), None
        return list(dict.fromkeys(names))

    async def _namespace(self, name: str, limit: asyncio.Semaphore) -> list[PropertyDef]:
        """One namespace's definitions; one this project may not read counts as empty."""
        async with limit:
            try:
                body = await self._json(
                    "GET",
                    f"/v2/metadefs/namespaces/{quote(name, safe='')}",
                    f"read metadata definitions {name}",
                    params={"resource_type": IMAGE_RESOURCE_TYPE},
                )
            except (NotFound, Forbidden):
                return []
        return namespace_definitions(body)


__all__ = ["GlanceMetadefs"]
