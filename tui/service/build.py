"""Turn a spec into a job: open (once) the stores its places name and make the job object.

Stores stay open for the service's life and are shared by every job of the same place:
one token, one connection pool, one local-store handle.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, cast

from ..history import recording
from ..model import ImageDeckError, Invalid
from ..stores import ImageStore
from ..stores.targets import opened
from ..transfers import ConvertJob, CopyJob, DownloadJob, ImportJob, Transfer, UploadJob
from ..transfers.events import TransferKind
from .spec import JobSpec, Place
from .throttle import Throttled


class StorePool:
    """Opened stores by place; ``rate_limit`` (bytes/s per transfer) caps every data stream."""

    def __init__(self, rate_limit: float | None = None) -> None:
        self.rate_limit = rate_limit
        #: Tokens clients handed over for clouds of OS_* variables, by place key; memory only.
        self.tokens: dict[str, str] = {}
        self._stores: dict[str, ImageStore] = {}
        self._lock = asyncio.Lock()

    async def get(self, place: Place) -> ImageStore:
        async with self._lock:
            store = self._stores.get(place.key)
            if store is None:
                # every change a transfer makes (create, upload, import) goes in the action log too
                store = recording(await _open(place, self.tokens.get(place.key)))
                if self.rate_limit:
                    store = cast(ImageStore, Throttled(store, self.rate_limit))
                self._stores[place.key] = store
            return store

    async def close(self) -> None:
        stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            with contextlib.suppress(ImageDeckError, OSError):
                await store.close()


async def _open(place: Place, token: str | None) -> ImageStore:
    store: ImageStore
    if place.signed is not None:
        from ..stores.glance import GlanceStore
        from .signin import token_cloud

        store = GlanceStore(token_cloud(place, token), token_cache=False)
    elif place.cloud:
        from ..stores.clouds import get_cloud
        from ..stores.glance import GlanceStore

        store = GlanceStore(get_cloud(place.cloud, environ=place.environ()), token_cache=place.token_cache)
    else:
        from ..stores.local import LocalStore

        store = LocalStore(place.store_path, place.project, admin=place.admin)
    return await opened(store)


def _flag(spec: JobSpec, key: str) -> bool:
    return bool(spec.what.get(key, False))


def _fields(spec: JobSpec) -> dict[str, Any]:
    fields = spec.what.get("fields") or {}
    if not isinstance(fields, dict):
        raise Invalid(f"the fields of a {spec.kind} must be an object")
    return fields


async def make_job(spec: JobSpec, pool: StorePool) -> Transfer:
    """The job ``spec`` describes, its stores opened; raises a typed error a person can act on."""
    store = await pool.get(spec.place)
    kind = spec.kind
    if kind == TransferKind.UPLOAD:
        into = spec.what.get("into")
        return UploadJob(
            store,
            Path(spec.text("path")),
            _fields(spec),
            allow_unsafe=_flag(spec, "allow_unsafe"),
            force_format=_flag(spec, "force_format"),
            into=into if isinstance(into, str) else None,
        )
    if kind == TransferKind.DOWNLOAD:
        return DownloadJob(
            store, spec.text("image_id"), Path(spec.text("dest")), replace=_flag(spec, "replace")
        )
    if kind == TransferKind.IMPORT:
        timeout = spec.what.get("timeout")
        extra = {"timeout": float(timeout)} if isinstance(timeout, (int, float)) else {}
        return ImportJob(
            store,
            spec.text("url"),
            _fields(spec),
            allow_unsafe=_flag(spec, "allow_unsafe"),
            force_format=_flag(spec, "force_format"),
            **extra,
        )
    if kind == TransferKind.COPY:
        target = spec.what.get("to")
        if not isinstance(target, Place):
            raise Invalid("a copy needs a destination")
        name = spec.what.get("name")
        return CopyJob(
            store,
            spec.text("image_id"),
            await pool.get(target),
            name=name if isinstance(name, str) else None,
            allow_unsafe=_flag(spec, "allow_unsafe"),
            force_format=_flag(spec, "force_format"),
        )
    dest = spec.what.get("dest")
    source = (store, spec.text("image_id"))
    if isinstance(dest, str) and dest:
        return ConvertJob(source, spec.text("out_format"), Path(dest))
    return ConvertJob(source, spec.text("out_format"), store, fields=_fields(spec))


__all__ = ["StorePool", "make_job"]
