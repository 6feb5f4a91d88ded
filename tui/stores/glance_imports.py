"""Glance's multi-store and cross-region imports: what replicating an image server-side needs.

``copy-image`` copies an image's data into more backend stores of the same Glance (admin-only
under the default policy); ``glance-download`` lets a region pull an image from another region
behind the same Keystone with the user's own token, so no byte passes through this machine.
Both only start a task: callers watch the image's tasks for the outcome.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..model import ImageDeckError, Invalid
from .base import Backend, ImageStore
from .clouds import CloudConfig

#: The header that sends an upload to one backend store instead of the default one.
STORE_HEADER = "X-Image-Meta-Store"


class GlanceImports(ImageStore):
    """Backend stores, copy-image and glance-download for `GlanceStore`."""

    cloud: CloudConfig

    @abc.abstractmethod
    async def _json(self, method: str, path: str, action: str, **kwargs: Any) -> Any: ...

    @abc.abstractmethod
    async def _send(self, method: str, path: str, action: str, **kwargs: Any) -> Any: ...

    @property
    def keystone_scope(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, str(value)) for key, value in self.cloud.identity().items())

    @property
    def region_name(self) -> str | None:
        return self.cloud.region_name

    def upload_headers(self) -> dict[str, str]:
        """Headers that put uploaded data into this store's chosen backend, if any."""
        return {STORE_HEADER: self.backend} if self.backend else {}

    async def backends(self) -> list[Backend]:
        """``/v2/info/stores``: empty when Glance has one store (it answers 404 then) or says nothing."""
        try:
            body = await self._json("GET", "/v2/info/stores", "list backend stores")
        except ImageDeckError:
            return []
        found = body.get("stores") if isinstance(body, dict) else None
        return [_backend(entry) for entry in found or [] if isinstance(entry, dict) and entry.get("id")]

    async def copy_to_backends(self, image_id: str, backends: Sequence[str]) -> None:
        if not backends:
            raise Invalid("copy-image needs at least one backend store to copy to")
        body = {"method": {"name": "copy-image"}, "stores": list(backends), "all_stores_must_succeed": True}
        await self._send(
            "POST",
            f"/v2/images/{quote(image_id, safe='')}/import",
            f"copy image {image_id} to store {', '.join(backends)}",
            json=body,
        )

    async def import_from_region(
        self, image_id: str, source_image_id: str, region: str, interface: str = "public"
    ) -> None:
        method = {
            "name": "glance-download",
            "glance_image_id": source_image_id,
            "glance_region": region,
            "glance_service_interface": interface,
        }
        await self._send(
            "POST",
            f"/v2/images/{quote(image_id, safe='')}/import",
            f"pull image {source_image_id} from {region}",
            json={"method": method},
        )


def _backend(entry: dict[str, Any]) -> Backend:
    default = entry.get("default")
    return Backend(
        id=str(entry["id"]),
        description=str(entry.get("description") or ""),
        default=default is True or str(default).lower() == "true",
    )
