"""Import an image from a URL: the cloud fetches it (Glance ``web-download``) where it can,
imagedeck fetches and uploads it where it cannot (the local store).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from ..model import ImageStatus, Invalid, Unavailable
from ..stores import ImageStore
from .events import TransferKind
from .job import Transfer
from .streams import Hasher, coalesce
from .upload import discard_image, upload_hashed, verify_upload

WEB_DOWNLOAD = "web-download"
#: Seconds between two looks at an importing image, and the overall limit.
POLL_INTERVAL = 1.0
IMPORT_TIMEOUT = 3600.0


class ImportJob(Transfer):
    """Create an image from ``fields`` and fill it with the data at ``url``."""

    kind = TransferKind.IMPORT

    def __init__(
        self,
        store: ImageStore,
        url: str,
        fields: Mapping[str, Any],
        *,
        poll_interval: float = POLL_INTERVAL,
        timeout: float = IMPORT_TIMEOUT,
    ) -> None:
        super().__init__(url, f"{store.label}: {fields.get('name') or url.rsplit('/', 1)[-1]}")
        if not url.startswith(("http://", "https://")):
            raise Invalid(f"only http and https URLs can be imported, not {url!r}")
        self.store = store
        self.url = url
        self.fields = dict(fields)
        self.poll_interval = max(0.5, poll_interval)
        self.timeout = timeout
        self.image_id: str | None = None

    async def run(self) -> None:
        schema = await self.store.schema()
        fields = {"container_format": "bare", "name": self.url.rsplit("/", 1)[-1], **self.fields}
        if not fields.get("disk_format"):
            raise Invalid("choose the disk format of the image to import")
        image = await self.store.create_image(fields)
        self.image_id = image.id
        self.destination = f"{self.store.label}: {image.id}"
        if WEB_DOWNLOAD in schema.import_methods:
            await self._web_download(image.id)
        else:
            await self._fetch_and_upload(image.id)

    async def _web_download(self, image_id: str) -> None:
        await self.store.import_image(image_id, WEB_DOWNLOAD, uri=self.url)
        self.say("the cloud is fetching the URL (web-download)")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            await asyncio.sleep(self.poll_interval)
            image = await self.store.get_image(image_id)
            if image.status == ImageStatus.ACTIVE:
                if image.size is not None:
                    self.begin(image.size, done=image.size)
                self.result = image
                self.message = f"imported as {image.id}"
                return
            failed = image.properties.get("os_glance_failed_import")
            if image.status == ImageStatus.KILLED or failed or image.status == ImageStatus.QUEUED and (
                await self._failed_task()
            ):
                raise Unavailable(f"the cloud could not import {self.url}: {await self._reason(image)}")
            self.say(f"the cloud is fetching the URL (image {image.status})")
            if loop.time() >= deadline:
                raise Unavailable(f"the import of {self.url} did not finish within {self.timeout:.0f} s")

    async def _failed_task(self) -> dict[str, Any] | None:
        assert self.image_id is not None
        tasks = await self.store.list_tasks(self.image_id)
        failures = [t for t in tasks if t.get("status") == "failure"]
        return failures[-1] if failures else None

    async def _reason(self, image: Any) -> str:
        task = await self._failed_task()
        if task and task.get("message"):
            return str(task["message"])
        if image.status == ImageStatus.KILLED:
            return "the image was killed"
        return "the import task failed (no reason recorded)"

    async def _fetch_and_upload(self, image_id: str) -> None:
        self.say(f"{self.store.label} has no web-download import: fetching the URL here and uploading it")
        hasher = Hasher()
        async with httpx.AsyncClient(follow_redirects=True, timeout=httpx.Timeout(60.0)) as client:
            try:
                async with client.stream("GET", self.url) as response:
                    if response.status_code != 200:
                        raise Unavailable(f"{self.url} answered {response.status_code} {response.reason_phrase}")
                    length = response.headers.get("content-length")
                    size = int(length) if length and length.isdigit() else None
                    self.begin(size, f"fetching {self.url} here (no web-download in {self.store.label})")
                    image = await upload_hashed(
                        self, self.store, image_id, coalesce(_body(response)), size, hasher
                    )
            except httpx.HTTPError as exc:
                raise Unavailable(f"cannot fetch {self.url}: {exc}") from None
        image = await verify_upload(self, self.store, image, hasher)
        self.result = image
        self.message = f"imported as {image.id} (fetched here: {self.store.label} has no web-download)"

    async def cleanup(self, *, cancelled: bool) -> str | None:
        image_id, self.image_id = self.image_id, None
        if image_id is None:
            return None
        error = await discard_image(self.store, image_id)
        if error is not None:
            return f"could not delete image {image_id}: {error}"
        return f"image {image_id} deleted"

    def prepare_retry(self) -> None:
        self.image_id = None


async def _body(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.HTTPError as exc:
        raise Unavailable(f"the download was cut: {exc}") from None


__all__ = ["ImportJob"]
