"""Image stores behind one contract, and the factory that picks one from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import DEFAULT_PAGE_SIZE, Download, ImageStore

if TYPE_CHECKING:
    from ..config import Settings


def open_store(settings: Settings) -> ImageStore:
    """The store the settings select, not yet opened (``await store.open()`` or ``async with``).

    A cloud name means Glance through clouds.yaml; otherwise the embedded local store at
    ``settings.store_path`` acting as ``settings.project``, opened read-only (nothing on
    disk changes) with ``settings.read_only``. Concrete stores are imported here, lazily,
    so that importing the contract stays cheap.
    """
    if settings.cloud:
        from .glance import GlanceStore

        return GlanceStore.from_cloud(settings.cloud, token_cache=settings.token_cache)
    from .local import LocalStore

    return LocalStore(
        settings.store_path, settings.project, admin=settings.admin, read_only=settings.read_only
    )


__all__ = ["DEFAULT_PAGE_SIZE", "Download", "ImageStore", "open_store"]
