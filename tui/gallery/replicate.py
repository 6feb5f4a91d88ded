"""Replicate an image to more places, one transfer job per target, each verified by hash.

The method is chosen per target and said aloud with its reason:

* ``copy-image`` when the target is another backend store of the source's own Glance: the
  image keeps its id and Glance copies the data (admin-only under the default policy; a
  refusal falls back to a streamed copy into that store);
* ``glance-download`` when the target is another region behind the same Keystone and
  enables it: the target pulls the image with the user's token, no byte passes through this
  machine; the properties it does not carry are set afterwards, and a failed import task
  falls back to a streamed copy;
* otherwise a streamed copy (`CopyJob`), inspected and hashed on the way.

Jobs run on the transfers engine (`TransferManager`), so progress, cancel and cleanup work
as for every transfer; a target that already holds the content is done at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..model import Change, Conflict, Image, ImageDeckError, ImageQuery, ImageStatus, Invalid, Unavailable
from ..stores import ImageStore
from ..transfers import TransferState
from ..transfers.copy import CopyJob, carried_fields
from ..transfers.errors import VerificationFailed
from .matrix import content_keys, defining_metadata, in_backend
from .places import OpenPlace

#: How often a server-side import is looked at, and how long it may take at most.
WATCH_INTERVAL_S = 0.5
WATCH_LIMIT_S = 3600.0


class Method(StrEnum):
    COPY_IMAGE = "copy-image"
    GLANCE_DOWNLOAD = "glance-download"
    STREAM = "streamed copy"


@dataclass(frozen=True, slots=True)
class Choice:
    method: Method
    reason: str


class _FallBack(Exception):
    """The server-side method did not work; a streamed copy should, and the reason is kept."""


def _live(handle: OpenPlace) -> ImageStore:
    if handle.store is None:
        raise Unavailable(f"{handle.label} is not available: {handle.error}")
    return handle.store


async def choose_method(source: OpenPlace, target: OpenPlace) -> Choice:
    """The cheapest method that can work from ``source`` to ``target``, and why."""
    src, dst = _live(source), _live(target)
    same_keystone = src.keystone_scope is not None and src.keystone_scope == dst.keystone_scope
    if same_keystone and src.region_name == dst.region_name:
        return await _same_glance(source, target, dst)
    if same_keystone:
        if "glance-download" in await dst.import_methods():
            return Choice(
                Method.GLANCE_DOWNLOAD,
                f"{target.label} is region {dst.region_name} behind the "
                f"same Keystone and pulls the image itself: no bytes pass through this machine",
            )
        return Choice(Method.STREAM, f"{target.label} does not enable the glance-download import method")
    if dst.keystone_scope is None or src.keystone_scope is None:
        return Choice(Method.STREAM, "a local store is involved: the bytes are streamed through this machine")
    return Choice(Method.STREAM, f"{target.label} is not behind the same Keystone as {source.label}")


async def _same_glance(source: OpenPlace, target: OpenPlace, dst: ImageStore) -> Choice:
    backend = target.place.backend
    if backend is None or backend == source.place.backend:
        raise Invalid(
            f"{target.label} is the source's own image service: name another region, "
            f"cloud or backend store (PLACE@STORE)"
        )
    offered = [b.id for b in await dst.backends()]
    if backend not in offered:
        raise Invalid(
            f"{target.label}: this Glance has no backend store {backend!r} "
            f"(it has: {', '.join(offered) or 'one unnamed store'})"
        )
    if "copy-image" not in await dst.import_methods():
        return Choice(Method.STREAM, f"{target.label} does not enable the copy-image import method")
    return Choice(
        Method.COPY_IMAGE,
        f"{backend!r} is another store of the same Glance: it copies the data "
        "itself and the image keeps its id",
    )


class ReplicateJob(CopyJob):
    """Replicate ``image_id`` from ``source`` to ``target`` with the best method that works."""

    def __init__(
        self,
        source: OpenPlace,
        image_id: str,
        target: OpenPlace,
        *,
        watch_interval: float = WATCH_INTERVAL_S,
        watch_limit: float = WATCH_LIMIT_S,
    ) -> None:
        super().__init__(_live(source), image_id, _live(target))
        self.source_place = source
        self.target_place = target
        self.watch_interval = watch_interval
        self.watch_limit = watch_limit
        self.method: Method | None = None
        #: What was chosen and why, fall-backs included, in order.
        self.notes: list[str] = []
        #: The replica's id in the target place once it is verified.
        self.target_id: str | None = None

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.say(text)

    async def run(self) -> None:
        source = await self.src_store.get_image(self.image_id)
        if source.status != ImageStatus.ACTIVE:
            raise Conflict(f"image {source.label} is {source.status}: only an active image can be replicated")
        present = await self._already_there(source)
        if present is not None:
            self._finish(present, "already there")
            return
        choice = await choose_method(self.source_place, self.target_place)
        self.method = choice.method
        self.note(f"{choice.method}: {choice.reason}")
        try:
            if choice.method == Method.COPY_IMAGE:
                self._finish(await self._copy_image(source), "copied by Glance (copy-image)")
                return
            if choice.method == Method.GLANCE_DOWNLOAD:
                self._finish(await self._glance_download(source), "pulled by the target (glance-download)")
                return
        except _FallBack as exc:
            await self.cleanup(cancelled=False)
            self.method = Method.STREAM
            self.note(f"falling back to a streamed copy: {exc}")
        await super().run()
        self.target_id = self.result.id if isinstance(self.result, Image) else None

    def _finish(self, image: Image, how: str) -> None:
        self.result = image
        self.target_id = image.id
        self.new_id = None
        self.message = f"{how}: {image.id}; hashes match"

    async def _already_there(self, source: Image) -> Image | None:
        keys = set(content_keys(source))
        if not keys or not source.name:
            return None
        dst, backend = self.dst_store, self.target_place.place.backend
        for query in (ImageQuery(name=source.name), ImageQuery(name=source.name, os_hidden=True)):
            for image in await dst.all_images(query):
                if (
                    keys & set(content_keys(image))
                    and image.status == ImageStatus.ACTIVE
                    and in_backend(image, backend)
                ):
                    return image
        return None

    # -- copy-image ------------------------------------------------------------------

    async def _copy_image(self, source: Image) -> Image:
        backend = self.target_place.place.backend or ""
        before = await self._task_ids(source.id)
        try:
            await self.dst_store.copy_to_backends(source.id, [backend])
        except ImageDeckError as exc:
            raise _FallBack(
                f"copy-image was refused ({exc.kind}: {exc}); only an admin may use it "
                "under Glance's default policy"
            ) from None
        self.say(f"Glance is copying the data into store {backend!r}")
        image = await self._watch(source.id, before, lambda i: in_backend(i, backend))
        return self._verified(source, image)

    # -- glance-download --------------------------------------------------------------

    async def _glance_download(self, source: Image) -> Image:
        region = self.src_store.region_name or ""
        created = await self.dst_store.create_image(carried_fields(source))
        self.new_id = created.id
        self.destination = f"{self.dst_store.label}: {created.id}"
        try:
            await self.dst_store.import_from_region(created.id, source.id, region)
        except ImageDeckError as exc:
            raise _FallBack(f"glance-download was refused ({exc.kind}: {exc})") from None
        self.say(f"{self.dst_store.label} is pulling the image from {region}")
        image = await self._watch(created.id, set(), lambda i: i.status == ImageStatus.ACTIVE)
        image = self._verified(source, image)
        return await self._carry_metadata(source, image)

    async def _carry_metadata(self, source: Image, image: Image) -> Image:
        """Set what glance-download leaves behind: custom properties, min disk/RAM, tags, name.

        Keys the target added are left alone: they may be its own."""
        wanted, have = defining_metadata(source), defining_metadata(image)
        changes = [
            Change.replace(key, source.get(key)) if key in have else Change.add(key, source.get(key))
            for key in sorted(wanted)
            if key != "tags" and wanted[key] != have.get(key)
        ]
        if changes:
            image = await self.dst_store.update_image(image.id, changes)
        for tag in sorted(set(source.tags) - set(image.tags)):
            await self.dst_store.add_tag(image.id, tag)
        return await self.dst_store.get_image(image.id)

    # -- watching a server-side import ------------------------------------------------

    async def _task_ids(self, image_id: str) -> set[str]:
        try:
            return {str(task.get("id")) for task in await self.dst_store.list_tasks(image_id)}
        except ImageDeckError:
            return set()

    async def _watch(self, image_id: str, before: set[str], done: Callable[[Image], bool]) -> Image:
        """Wait for the import task that started after ``before`` to succeed or fail.

        The image's tasks tell the outcome; the ``os_glance_*`` properties can stay stale.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.watch_limit
        while loop.time() < deadline:
            tasks = [t for t in await self.dst_store.list_tasks(image_id) if str(t.get("id")) not in before]
            failed = next((t for t in tasks if t.get("status") == "failure"), None)
            if failed is not None:
                raise _FallBack(f"the import task failed ({failed.get('message') or 'no reason given'})")
            image = await self.dst_store.get_image(image_id)
            if done(image) and any(t.get("status") == "success" for t in tasks):
                return image
            await asyncio.sleep(self.watch_interval)
        raise _FallBack(f"the import did not finish within {self.watch_limit:g} s")

    def _verified(self, source: Image, image: Image) -> Image:
        self.set_state(TransferState.VERIFYING, "comparing hashes with the source")
        if not set(content_keys(source)) & set(content_keys(image)) or source.size != image.size:
            raise VerificationFailed(
                f"the replica {image.id} does not match its source (hash or size "
                f"differ: {image.os_hash_value or image.checksum}, {image.size} bytes)"
            )
        return image


def replication_status(job: ReplicateJob) -> str:
    """queued, replicating, completed, or failed with its reason."""
    if job.state == TransferState.QUEUED:
        return "queued"
    if job.state in (TransferState.RUNNING, TransferState.VERIFYING):
        return "replicating"
    if job.state == TransferState.DONE:
        return "completed"
    return f"failed ({job.message or job.state})"
