"""Glance's operator views: the project's quota usage (``/v2/info/usage``) and the image cache."""

from __future__ import annotations

import abc
from typing import Any

from ..model import NotFound
from .base import ImageStore
from .glance_cache import GlanceCache
from .operator import ImageCache, QuotaUse, usage_from_glance


class GlanceOperator(ImageStore):
    """Quota usage and the image cache for `GlanceStore`."""

    @abc.abstractmethod
    async def _json(self, method: str, path: str, action: str, **kwargs: Any) -> Any: ...

    async def usage(self) -> tuple[QuotaUse, ...]:
        """Empty where the cloud enforces no limits (Glance then answers ``{"usage": {}}``)."""
        try:
            body = await self._json("GET", "/v2/info/usage", "read the project's quota usage")
        except NotFound:  # a Glance older than the usage API
            return ()
        return usage_from_glance(body)

    def image_cache(self) -> ImageCache | None:
        return GlanceCache(self._json, self.label)
