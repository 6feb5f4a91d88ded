"""The Glance v2 image store: the ImageStore contract over one long-lived httpx client per cloud.

Tokens come from `keystone.KeystoneSession` and travel on each request through the
`glance_auth.KeystoneAuth` flow, which also renews a refused token; the image endpoint comes
from the service catalog (or ``image_endpoint_override``). Reads retry briefly on connection
errors and 503; writes are sent once. Every failure leaves as one of the model's typed errors.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from ..model import (
    Change,
    Identity,
    Image,
    ImageDeckError,
    ImageQuery,
    Invalid,
    NotFound,
    Schema,
    Unavailable,
)
from .base import DEFAULT_PAGE_SIZE, Download
from .clouds import CloudConfig, get_cloud
from .glance_auth import KeystoneAuth
from .glance_errors import RangeNotSatisfiable, error_for, transport_error
from .glance_metadefs import GlanceMetadefs
from .glance_operator import GlanceOperator
from .glance_sharing import GlanceSharing, segment
from .keystone import KeystoneSession, Token
from .token_cache import TokenCache

PATCH_TYPE = "application/openstack-images-v2.1-json-patch"
#: Attempts for idempotent reads on connection errors and 503, and the first backoff delay.
READ_ATTEMPTS = 3
BACKOFF_S = 0.2
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: How long a failed upload waits for Glance to put the image back to ``queued``.
SETTLE_S = 5.0
SETTLE_STEADY_S = 0.5


class GlanceStore(GlanceMetadefs, GlanceOperator, GlanceSharing):
    """Glance v2 for one cloud. ``transport`` replaces the network (fault-injection tests)."""

    def __init__(
        self,
        cloud: CloudConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        token_cache: bool | Path = True,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        """``token_cache``: True for the user cache dir, a directory to keep tokens there, False for none."""
        self.cloud = cloud
        self.label = f"cloud:{cloud.name}"
        self._transport = transport
        self._timeout = timeout
        self._use_cache = token_cache
        self._client: httpx.AsyncClient | None = None
        self._auth: KeystoneSession | None = None
        self._endpoint: str | None = None

    @classmethod
    def from_cloud(cls, name: str | None = None, **kwargs: Any) -> GlanceStore:
        """A store for a clouds.yaml / OS_CLOUD / OS_* cloud (not yet opened)."""
        return cls(get_cloud(name), **kwargs)

    # -- lifecycle -----------------------------------------------------------------

    @property
    def warnings(self) -> list[str]:
        """Things the UI should show (e.g. TLS verification off)."""
        return list(self._auth.warnings) if self._auth else []

    def _verify(self) -> ssl.SSLContext | bool:
        if not self.cloud.verify:
            return False
        if not (self.cloud.cacert or self.cloud.cert):
            return True
        try:
            ctx = ssl.create_default_context(cafile=self.cloud.cacert)
            if self.cloud.cert:
                ctx.load_cert_chain(self.cloud.cert, self.cloud.key)
        except (OSError, ssl.SSLError) as exc:
            raise Invalid(f"cloud {self.cloud.name!r}: cannot load cacert/cert/key ({exc})") from None
        return ctx

    async def open(self) -> None:
        if self._client is not None:
            return
        client = httpx.AsyncClient(
            transport=self._transport,
            timeout=self._timeout,
            verify=self._verify(),
            headers={"Accept": "application/json", "User-Agent": "imagedeck"},
        )
        cache = None
        if self._use_cache is not False:
            directory = None if self._use_cache is True else Path(self._use_cache)
            cache = TokenCache(self.cloud.name, self.cloud.token_binding(), directory)
        self._client = client
        self._auth = KeystoneSession(self.cloud, client, cache=cache)
        try:
            token = await self._auth.token()
            self._endpoint = self._image_endpoint(token)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _image_endpoint(self, token: Token) -> str:
        url = self.cloud.image_endpoint_override or token.endpoint(
            "image", self.cloud.interface, self.cloud.region_name
        )
        url = url.rstrip("/")
        for suffix in ("/v2", "/v2.0", "/v2.1"):
            url = url.removesuffix(suffix)
        return url

    def _ready(self) -> tuple[httpx.AsyncClient, KeystoneSession, str]:
        if self._client is None or self._auth is None or self._endpoint is None:
            raise Invalid(f"{self.label} is not open; call open() first")
        return self._client, self._auth, self._endpoint

    # -- the one request path ------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        action: str,
        *,
        stream: bool = False,
        idempotent: bool | None = None,
        base: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send signed by `KeystoneAuth`; retry reads on 503 and dropped links."""
        client, session, endpoint = self._ready()
        url = path if path.startswith("http") else (base or endpoint) + path
        if idempotent is None:
            idempotent = method in ("GET", "HEAD")
        auth = KeystoneAuth(session, f"{self.label}: {action}")
        attempt = 0
        while True:
            attempt += 1
            request = client.build_request(method, url, **kwargs)
            try:
                resp = await client.send(request, stream=stream, auth=auth)
            except httpx.HTTPError as exc:
                if idempotent and attempt < READ_ATTEMPTS:
                    await asyncio.sleep(BACKOFF_S * 2 ** (attempt - 1))
                    continue
                raise transport_error(exc, self.label, url, action) from None
            if resp.status_code < 400:
                return resp
            if stream:
                await resp.aread()
                await resp.aclose()
            if resp.status_code == 503 and idempotent and attempt < READ_ATTEMPTS:
                await asyncio.sleep(BACKOFF_S * 2 ** (attempt - 1))
                continue
            raise error_for(resp, self.label, action, secrets=session.secrets())

    async def _json(self, method: str, path: str, action: str, **kwargs: Any) -> Any:
        resp = await self._send(method, path, action, **kwargs)
        if not resp.content:
            return {}
        try:
            return resp.json()
        except ValueError:
            raise Unavailable(
                f"{self.label}: {action}: Glance sent a reply that is not JSON "
                f"(HTTP {resp.status_code}); is {self._endpoint} really Glance?"
            ) from None

    async def _image_json(self, method: str, path: str, action: str, **kwargs: Any) -> Image:
        body = await self._json(method, path, action, **kwargs)
        if not isinstance(body, dict) or "id" not in body:
            raise Unavailable(f"{self.label}: {action}: Glance's reply has no image in it")
        return Image.from_glance(body)

    # -- identity and capabilities -------------------------------------------------

    async def whoami(self) -> Identity:
        _, auth, _ = self._ready()
        token = await auth.token()
        return Identity(
            project_id=token.project_id or "",
            project_name=token.project_name or "",
            user_name=token.user_name,
            user_id=token.user_id,
            roles=token.roles,
            store_label=self.label,
        )

    async def schema(self) -> Schema:
        body = await self._json("GET", "/v2/schemas/image", "read the image schema")
        props = body.get("properties", {}) if isinstance(body, dict) else {}

        def enum(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
            values = (props.get(name) or {}).get("enum")
            return tuple(v for v in values if v) if values else default

        defaults = Schema()
        return Schema(
            disk_formats=enum("disk_format", defaults.disk_formats),
            container_formats=enum("container_format", defaults.container_formats),
            visibilities=enum("visibility", defaults.visibilities),
            import_methods=await self.import_methods(),
        )

    async def import_methods(self) -> tuple[str, ...]:
        """Import methods this cloud enables (empty when it does not say)."""
        try:
            body = await self._json("GET", "/v2/info/import", "read import methods")
        except ImageDeckError:
            return ()
        value = (body.get("import-methods") or {}).get("value") if isinstance(body, dict) else None
        return tuple(value or ())

    # -- images --------------------------------------------------------------------

    async def list_images(
        self, query: ImageQuery | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncGenerator[list[Image], None]:
        if page_size < 1:
            raise Invalid(f"page size must be at least 1, not {page_size}")
        params = [*(query or ImageQuery()).to_glance_params(), ("limit", str(page_size))]
        body = await self._json("GET", "/v2/images", "list images", params=params)
        following: asyncio.Task[Any] | None = None
        try:
            while True:
                records = body.get("images") or []
                nxt = body.get("next")
                if not (nxt and records):
                    if records:
                        yield [Image.from_glance(i) for i in records]
                    return
                # Ask for the next page first, and build this one's records in a thread
                # while Glance answers: pages follow markers, one at a time by nature.
                following = asyncio.ensure_future(self._json("GET", nxt, "list images"))
                yield await asyncio.to_thread(_images_from_glance, records)
                body, following = await following, None
        finally:
            if following is not None and not following.cancel() and not following.cancelled():
                following.exception()  # it failed before the consumer stopped: nobody wants it

    async def get_image(self, image_id: str) -> Image:
        return await self._image_json("GET", f"/v2/images/{segment(image_id)}", f"show image {image_id}")

    async def create_image(self, fields: Mapping[str, Any]) -> Image:
        return await self._image_json("POST", "/v2/images", "create an image", json=dict(fields))

    async def update_image(self, image_id: str, changes: Sequence[Change]) -> Image:
        if not changes:
            return await self.get_image(image_id)
        return await self._image_json(
            "PATCH",
            f"/v2/images/{segment(image_id)}",
            f"update image {image_id}",
            json=[c.to_patch() for c in changes],
            headers={"Content-Type": PATCH_TYPE},
        )

    async def delete_image(self, image_id: str) -> None:
        await self._send("DELETE", f"/v2/images/{segment(image_id)}", f"delete image {image_id}")

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Image:
        try:
            await self._put_data(image_id, "file", data, size, f"upload data to image {image_id}")
        except BaseException:
            await self._settle_after_failed_upload(image_id)
            raise
        return await self.get_image(image_id)

    async def _settle_after_failed_upload(self, image_id: str) -> None:
        """Wait until Glance has finished with a broken upload and put the image back.

        The server may still be starting on the aborted request (``queued``), busy with it
        (``saving``) or done (``queued`` again): wait for a status that holds steady.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_S
        steady_since: float | None = None
        while loop.time() < deadline:
            try:
                status = (await self.get_image(image_id)).status
            except ImageDeckError:
                return
            now = loop.time()
            if status in ("saving", "uploading"):
                steady_since = None
            elif steady_since is None:
                steady_since = now
            elif now - steady_since >= SETTLE_STEADY_S:
                return
            await asyncio.sleep(0.1)

    async def stage(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> None:
        await self._put_data(image_id, "stage", data, size, f"stage data for image {image_id}")

    async def _put_data(
        self, image_id: str, target: str, data: AsyncIterable[bytes], size: int | None, action: str
    ) -> None:
        if not isinstance(data, AsyncIterable):
            raise Invalid(f"{action}: the data must be an async byte stream")
        headers = {"Content-Type": "application/octet-stream", **self.upload_headers()}
        if size is not None:
            headers["x-openstack-image-size"] = str(size)
            headers["Content-Length"] = str(size)
        body = data if size is None else _exactly(data, size, action)
        await self._send(
            "PUT", f"/v2/images/{segment(image_id)}/{target}", action, content=body, headers=headers
        )

    def download(self, image_id: str, offset: int = 0) -> AbstractAsyncContextManager[Download]:
        return self._download(image_id, offset)

    @asynccontextmanager
    async def _download(self, image_id: str, offset: int) -> AsyncIterator[Download]:
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise Invalid(f"download offset must be a whole number of bytes, not {offset!r}")
        image = await self.get_image(image_id)
        action = f"download image {image.label}"
        path = f"/v2/images/{segment(image_id)}/file"
        resp = await self._open_range(path, action, offset)
        if resp.status_code == 204:  # Glance's answer for an image without data
            await resp.aclose()
            raise NotFound(f"{self.label}: image {image.label} has no data (status {image.status})")
        start = offset if resp.status_code == 206 else 0  # 200: the whole image again
        try:
            yield Download(
                offset=start,
                size=image.size,
                checksum=image.checksum,
                os_hash_value=image.os_hash_value,
                chunks=self._chunks(resp, action, start),
            )
        finally:
            await resp.aclose()

    async def _open_range(self, path: str, action: str, offset: int) -> httpx.Response:
        """Ask for the bytes from ``offset``; a store that cannot seek (400) sends them all."""
        if offset:
            try:
                return await self._send(
                    "GET", path, action, stream=True, headers={"Range": f"bytes={offset}-"}
                )
            except Invalid as exc:
                if isinstance(exc, RangeNotSatisfiable):
                    raise
        return await self._send("GET", path, action, stream=True)

    async def _chunks(self, resp: httpx.Response, action: str, start: int) -> AsyncGenerator[bytes, None]:
        received = 0
        try:
            async for chunk in resp.aiter_bytes():  # as received: regrouping copies every byte
                received += len(chunk)
                yield chunk
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"{self.label}: {action}: the connection dropped after "
                f"{start + received} bytes ({type(exc).__name__}); "
                f"resume from offset {start + received}"
            ) from None

    # -- tags and lifecycle --------------------------------------------------------

    async def add_tag(self, image_id: str, tag: str) -> None:
        await self._send(
            "PUT",
            f"/v2/images/{segment(image_id)}/tags/{segment(tag)}",
            f"tag image {image_id}",
            idempotent=True,
        )

    async def remove_tag(self, image_id: str, tag: str) -> None:
        await self._send(
            "DELETE", f"/v2/images/{segment(image_id)}/tags/{segment(tag)}", f"untag image {image_id}"
        )

    async def deactivate(self, image_id: str) -> None:
        await self._send(
            "POST", f"/v2/images/{segment(image_id)}/actions/deactivate", f"deactivate image {image_id}"
        )

    async def reactivate(self, image_id: str) -> None:
        await self._send(
            "POST", f"/v2/images/{segment(image_id)}/actions/reactivate", f"reactivate image {image_id}"
        )

    # -- interoperable import ------------------------------------------------------

    async def import_image(self, image_id: str, method: str, uri: str | None = None) -> None:
        body: dict[str, Any] = {"method": {"name": method}}
        if uri is not None:
            body["method"]["uri"] = uri
        await self._send(
            "POST",
            f"/v2/images/{segment(image_id)}/import",
            f"import image {image_id} by {method}",
            json=body,
        )

    async def list_tasks(self, image_id: str) -> list[dict[str, Any]]:
        body = await self._json(
            "GET", f"/v2/images/{segment(image_id)}/tasks", f"list tasks of image {image_id}"
        )
        return list(body.get("tasks") or [])


def _images_from_glance(records: list[dict[str, Any]]) -> list[Image]:
    return [Image.from_glance(record) for record in records]


async def _exactly(data: AsyncIterable[bytes], size: int, action: str) -> AsyncIterator[bytes]:
    """Pass ``data`` through, refusing to send more or fewer bytes than were declared."""
    sent = 0
    async for chunk in data:
        sent += len(chunk)
        if sent > size:
            raise Invalid(f"{action}: the data is longer than the declared {size} bytes")
        yield chunk
    if sent != size:
        raise Invalid(f"{action}: the data ended after {sent} of the declared {size} bytes")
