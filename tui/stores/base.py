"""The one async contract every image store serves: the local store and Glance alike.

Callers (CLI, transfers, the TUI's workers) only ever see this interface, the model's
dataclasses and the model's typed errors. A conformance suite in ``tests/conformance``
runs unchanged against every implementation.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncGenerator, AsyncIterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from ..catalog import PropertyCatalog, builtin_catalog
from ..model import Change, Identity, Image, ImageQuery, Invalid, Member, Schema
from .operator import ImageCache, ImageTask, QuotaUse

#: Page size used when a caller does not choose one (Glance's maximum is 1000).
DEFAULT_PAGE_SIZE = 200


@dataclass(slots=True)
class Download:
    """An open byte stream of an image's data.

    ``offset`` is where the bytes actually start: the requested offset when the store
    honoured the range, or 0 when it could not and sends the whole image again.
    """

    offset: int
    size: int | None
    checksum: str | None
    os_hash_value: str | None
    chunks: AsyncGenerator[bytes, None]


@dataclass(frozen=True, slots=True)
class Backend:
    """One backend store of an image service that has several (Glance multi-store)."""

    id: str
    description: str = ""
    default: bool = False


class ImageStore(abc.ABC):
    """An image catalog with Glance v2 semantics.

    Every method raises only `imagedeck.model.errors` types. Lifecycle: ``await store.open()``
    before use (or ``async with store``), ``await store.close()`` when done.
    """

    #: Short human label for headers and logs, e.g. "local:/path" or "cloud:mycloud".
    label: str = ""
    #: The backend store uploads go to, where the service has several; None for its default.
    backend: str | None = None

    async def open(self) -> None:
        """Connect / authenticate / open files. Idempotent."""

    async def close(self) -> None:
        """Release connections and files. Idempotent."""

    async def __aenter__(self) -> ImageStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- identity and capabilities -------------------------------------------------

    @abc.abstractmethod
    async def whoami(self) -> Identity:
        """The project, user and roles this store acts as."""

    @abc.abstractmethod
    async def schema(self) -> Schema:
        """Allowed disk/container formats, visibilities and import methods."""

    async def resolve_project(self, name_or_id: str) -> str:
        """The project id for a name or an id, to share with.

        A store that resolves names raises Invalid for a name it cannot resolve to exactly
        one project, rather than return text no project has; stores whose project names
        are their ids (the local store) return the input as is.
        """
        return name_or_id

    async def project_names(self) -> dict[str, str]:
        """Names of the projects this account can see, by id, so owners read as names.

        Empty where ids are already the names people use (the local store) or the
        service tells none.
        """
        return {}

    # -- images --------------------------------------------------------------------

    @abc.abstractmethod
    def list_images(
        self, query: ImageQuery | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncGenerator[list[Image], None]:
        """Yield pages of images matching ``query`` (limit + marker pagination).

        Pages may be shorter than ``page_size``; iteration ends after the last page.
        """

    @abc.abstractmethod
    async def get_image(self, image_id: str) -> Image:
        """One image by id (members can read an image shared with them, even pending)."""

    @abc.abstractmethod
    async def create_image(self, fields: Mapping[str, Any]) -> Image:
        """Create a ``queued`` image record from Glance create-body fields."""

    @abc.abstractmethod
    async def update_image(self, image_id: str, changes: Sequence[Change]) -> Image:
        """Apply replace/add/remove changes atomically (all or nothing)."""

    @abc.abstractmethod
    async def delete_image(self, image_id: str) -> None:
        """Delete an image and its data; protected images raise Forbidden."""

    @abc.abstractmethod
    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Image:
        """Store the image's data; returns the image with size and hashes set.

        On failure the image goes back to ``queued`` where the store allows it.
        """

    @abc.abstractmethod
    def download(self, image_id: str, offset: int = 0) -> AbstractAsyncContextManager[Download]:
        """Open the image's data from ``offset``; use as ``async with store.download(id) as d``."""

    # -- tags and lifecycle --------------------------------------------------------

    @abc.abstractmethod
    async def add_tag(self, image_id: str, tag: str) -> None: ...

    @abc.abstractmethod
    async def remove_tag(self, image_id: str, tag: str) -> None: ...

    @abc.abstractmethod
    async def deactivate(self, image_id: str) -> None: ...

    @abc.abstractmethod
    async def reactivate(self, image_id: str) -> None: ...

    # -- members -------------------------------------------------------------------

    @abc.abstractmethod
    async def list_members(self, image_id: str) -> list[Member]: ...

    @abc.abstractmethod
    async def add_member(self, image_id: str, member_id: str) -> Member:
        """Share with a project (owner only; image must be ``shared``); starts ``pending``."""

    @abc.abstractmethod
    async def remove_member(self, image_id: str, member_id: str) -> None: ...

    @abc.abstractmethod
    async def set_member_status(self, image_id: str, member_id: str, status: str) -> Member:
        """Accept, reject or reset a share (only the member project may)."""

    # -- interoperable import (optional) -------------------------------------------

    async def stage(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> None:
        """Stage data for a later ``glance-direct`` import."""
        raise Invalid(f"{self.label} does not support staged (glance-direct) import")

    async def import_image(self, image_id: str, method: str, uri: str | None = None) -> None:
        """Start an interoperable import (``web-download`` with ``uri``, or ``glance-direct``)."""
        raise Invalid(f"{self.label} does not support the {method} import method")

    async def list_tasks(self, image_id: str) -> list[dict[str, Any]]:
        """Import tasks of an image, where the store records them."""
        return []

    async def image_tasks(self, image_id: str) -> list[ImageTask]:
        """`list_tasks` read into typed records (id, status, message, created and updated)."""
        tasks = await self.list_tasks(image_id)
        return [ImageTask.from_glance(task) for task in tasks if isinstance(task, dict)]

    # -- operator views (optional) -------------------------------------------------

    async def usage(self) -> tuple[QuotaUse, ...]:
        """This project's quota usage; empty where the store enforces no limits."""
        return ()

    def image_cache(self) -> ImageCache | None:
        """The service's image cache calls, or None where the store has no cache at all."""
        return None

    # -- several stores and regions (optional) -------------------------------------

    @property
    def keystone_scope(self) -> tuple[tuple[str, str], ...] | None:
        """Who signs in where (no secret): stores that share it share tokens and catalog."""
        return None

    @property
    def region_name(self) -> str | None:
        """The catalog region this store's image service was found in."""
        return None

    async def import_methods(self) -> tuple[str, ...]:
        """Interoperable import methods this store enables (empty when it does not say)."""
        return ()

    async def backends(self) -> list[Backend]:
        """The backend stores data can be kept in; empty where there is only one."""
        return []

    async def copy_to_backends(self, image_id: str, backends: Sequence[str]) -> None:
        """Start copying an active image's data into more backend stores (``copy-image``)."""
        raise Invalid(f"{self.label} has no backend stores to copy between")

    async def import_from_region(
        self, image_id: str, source_image_id: str, region: str, interface: str = "public"
    ) -> None:
        """Start pulling another region's image into the queued ``image_id`` (``glance-download``)."""
        raise Invalid(f"{self.label} cannot import from another region")

    async def property_catalog(self) -> PropertyCatalog:
        """The image properties this store knows (names, meanings, allowed values).

        Stores that can say more (Glance's metadefs, a catalog imported into a local store)
        override this; the answer is read once per store instance.
        """
        return builtin_catalog()

    # -- helpers built on the contract ---------------------------------------------

    async def all_images(self, query: ImageQuery | None = None) -> list[Image]:
        """Every matching image, all pages read."""
        images: list[Image] = []
        async for page in self.list_images(query):
            images.extend(page)
        return images
