"""Image stores behind one contract, and the factory that picks one from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, Self

from .base import DEFAULT_PAGE_SIZE, Download, ImageStore


class StoreChoice(Protocol):
    """What picking a store needs to know; the faces' settings object provides it.

    Declared here, where it is used, so this layer depends on no face: any object with
    these attributes will do (the app's and the CLI's `Settings` is one).
    """

    @property
    def cloud(self) -> str | None: ...
    @property
    def token_cache(self) -> bool | Path: ...
    @property
    def store_path(self) -> Path: ...
    @property
    def project(self) -> str: ...
    @property
    def admin(self) -> bool: ...
    @property
    def read_only(self) -> bool: ...

    def replace(self, **changes: Any) -> Self:
        """A copy with some choices changed (e.g. another cloud or store path)."""
        ...


def open_store(settings: StoreChoice) -> ImageStore:
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


__all__ = ["DEFAULT_PAGE_SIZE", "Download", "ImageStore", "StoreChoice", "open_store"]
