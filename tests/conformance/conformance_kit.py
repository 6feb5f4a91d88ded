"""Helpers the conformance tests share: tagged image creation with cleanup, data streams,
and listing shortcuts. They use only the store contract and the model."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from imagedeck.model import Change, ImageDeckError, ImageQuery, NotFound
from imagedeck.model.image import Image
from imagedeck.stores.base import ImageStore

FORMATS = {"disk_format": "raw", "container_format": "bare"}


def new_uid() -> str:
    return "cf" + uuid.uuid4().hex[:12]


class Images:
    """Images made by one test: named ``<uid>-<n>``, tagged ``<uid>``, deleted at the end."""

    def __init__(self, uid: str, admin: ImageStore) -> None:
        self.uid = uid
        self.admin = admin
        self.ids: list[str] = []
        self._count = 0

    def name(self, suffix: str | None = None) -> str:
        self._count += 1
        return f"{self.uid}-{suffix if suffix is not None else self._count:0>2}"

    async def create(self, store: ImageStore, **fields: Any) -> Image:
        fields.setdefault("name", self.name())
        fields["tags"] = [self.uid, *fields.get("tags", [])]
        image = await store.create_image(fields)
        self.ids.append(image.id)
        return image

    async def create_with_data(self, store: ImageStore, data: bytes, **fields: Any) -> Image:
        image = await self.create(store, **{**FORMATS, **fields})
        return await store.upload(image.id, stream(data), len(data))

    def query(self, **filters: Any) -> ImageQuery:
        """A query scoped to this test's images (plus any extra tags given)."""
        tags = (self.uid, *filters.pop("tags", ()))
        return replace(ImageQuery(**filters), tags=tags)

    async def cleanup(self) -> None:
        for image_id in reversed(self.ids):
            try:
                await self.admin.update_image(image_id, [Change.replace("protected", False)])
                await self.admin.delete_image(image_id)
            except NotFound:
                pass
            except ImageDeckError as exc:  # keep cleaning; report what could not be removed
                print(f"cleanup of image {image_id} failed: {exc}")


async def stream(data: bytes, piece: int = 65536) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


class StreamBroke(Exception):
    """Raised by a test's data stream to simulate a source failing mid-upload."""


async def broken_stream(data: bytes, fail_after: int) -> AsyncIterator[bytes]:
    sent = 0
    async for chunk in stream(data, 65536):
        if sent >= fail_after:
            raise StreamBroke(f"source failed after {sent} bytes")
        sent += len(chunk)
        yield chunk
    raise StreamBroke("source failed at the end")


async def read_all(store: ImageStore, image_id: str, offset: int = 0) -> tuple[int, bytes]:
    """(offset the data starts at, bytes) of a download."""
    async with store.download(image_id, offset) as download:
        data = b"".join([chunk async for chunk in download.chunks])
    return download.offset, data


async def listed(store: ImageStore, query: ImageQuery, page_size: int = 200) -> list[Image]:
    images: list[Image] = []
    async for page in store.list_images(query, page_size=page_size):
        images.extend(page)
    return images


async def listed_ids(store: ImageStore, query: ImageQuery) -> set[str]:
    return {image.id for image in await listed(store, query)}


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()
