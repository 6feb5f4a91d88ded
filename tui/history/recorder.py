"""A store that records every change it makes in the action log, and is otherwise the store it wraps.

The faces wrap the store they open, so the CLI, the app, transfers and the gallery all
record without knowing. Before a change the wrapper reads what it is about to touch (the
image, or the member), so the entry holds before and after and can be undone. Reads pass
straight through. A change that fails is not recorded; a log that cannot be written is
reported through ``warn`` and never fails the change that was made.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..catalog import PropertyCatalog
from ..model import Change, Identity, Image, ImageDeckError, ImageQuery, Member, Schema
from ..stores.base import DEFAULT_PAGE_SIZE, Backend, Download, ImageStore
from . import commands as cmd
from .entry import Entry, FieldChange, Place, Request
from .log import ActionLog, terminal_session

if TYPE_CHECKING:  # types only: the operator views load with the stores that serve them
    from ..stores.operator import ImageCache, ImageTask, QuotaUse


class RecordingStore(ImageStore):
    """``inner`` with every change logged to ``log`` under ``session``."""

    def __init__(
        self,
        inner: ImageStore,
        log: ActionLog,
        *,
        session: str | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.inner = inner
        self.log = log
        self.session = session or terminal_session()
        self._warn = warn
        self._place: Place | None = None
        self._undo_of: str | None = None
        self._warned = False

    def __getattr__(self, name: str) -> Any:
        # Store-specific extras (warnings, cloud, root...) are the wrapped store's.
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    # -- plain delegation ----------------------------------------------------------

    @property
    def label(self) -> str:
        return self.inner.label

    @label.setter
    def label(self, value: str) -> None:
        self.inner.label = value

    @property
    def backend(self) -> str | None:
        return self.inner.backend

    @backend.setter
    def backend(self, value: str | None) -> None:
        self.inner.backend = value

    @property
    def keystone_scope(self) -> tuple[tuple[str, str], ...] | None:
        return self.inner.keystone_scope

    @property
    def region_name(self) -> str | None:
        return self.inner.region_name

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def whoami(self) -> Identity:
        return await self.inner.whoami()

    async def schema(self) -> Schema:
        return await self.inner.schema()

    async def resolve_project(self, name_or_id: str) -> str:
        return await self.inner.resolve_project(name_or_id)

    async def project_names(self) -> dict[str, str]:
        return await self.inner.project_names()

    def list_images(
        self, query: ImageQuery | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncGenerator[list[Image], None]:
        return self.inner.list_images(query, page_size)

    async def get_image(self, image_id: str) -> Image:
        return await self.inner.get_image(image_id)

    def download(self, image_id: str, offset: int = 0) -> AbstractAsyncContextManager[Download]:
        return self.inner.download(image_id, offset)

    async def list_members(self, image_id: str) -> list[Member]:
        return await self.inner.list_members(image_id)

    async def list_tasks(self, image_id: str) -> list[dict[str, Any]]:
        return await self.inner.list_tasks(image_id)

    async def usage(self) -> tuple[QuotaUse, ...]:
        return await self.inner.usage()

    def image_cache(self) -> ImageCache | None:
        return self.inner.image_cache()

    async def import_methods(self) -> tuple[str, ...]:
        return await self.inner.import_methods()

    async def backends(self) -> list[Backend]:
        return await self.inner.backends()

    async def image_tasks(self, image_id: str) -> list[ImageTask]:
        return await self.inner.image_tasks(image_id)

    async def property_catalog(self) -> PropertyCatalog:
        return await self.inner.property_catalog()

    async def all_images(self, query: ImageQuery | None = None) -> list[Image]:
        return await self.inner.all_images(query)

    # -- recorded changes ----------------------------------------------------------

    async def create_image(self, fields: Mapping[str, Any]) -> Image:
        image = await self.inner.create_image(fields)
        await self._record(
            "create", image, (), cmd.create_request(fields), cmd.create_command({**fields, "id": image.id})
        )
        return image

    async def update_image(self, image_id: str, changes: Sequence[Change]) -> Image:
        if not changes:
            return await self.inner.update_image(image_id, changes)
        before = await self._read(image_id)
        after = await self.inner.update_image(image_id, changes)
        paths = list(dict.fromkeys(c.path for c in changes))
        touched = tuple(_changed(before, after, paths)) if before else ()
        command = cmd.update_command(image_id, changes, before.tags if before else ())
        await self._record(
            "update", after, touched, cmd.update_request(image_id, changes), command, unread=before is None
        )
        return after

    async def delete_image(self, image_id: str) -> None:
        before = await self._read(image_id)
        await self.inner.delete_image(image_id)
        change = (FieldChange("status", before.status, "deleted"),) if before else ()
        await self._record(
            "delete", before or image_id, change, cmd.delete_request(image_id), cmd.delete_command(image_id)
        )

    async def upload(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> Image:
        image = await self.inner.upload(image_id, data, size)
        request = cmd.data_request(image_id, "file", size)
        await self._record("upload", image, (FieldChange("size", None, image.size),), request, None)
        return image

    async def stage(self, image_id: str, data: AsyncIterable[bytes], size: int | None = None) -> None:
        await self.inner.stage(image_id, data, size)
        await self._record("stage", image_id, (), cmd.data_request(image_id, "stage", size), None)

    async def import_image(self, image_id: str, method: str, uri: str | None = None) -> None:
        await self.inner.import_image(image_id, method, uri)
        shown = None if uri is None else cmd.without_password(uri)
        body: dict[str, Any] = {"name": method, **({"uri": shown} if shown is not None else {})}
        options = ["--uri", shown] if shown is not None else []
        command = cmd.import_command(image_id, method, *options)
        await self._record("import", image_id, (), cmd.import_request(image_id, body), command)

    async def copy_to_backends(self, image_id: str, backends: Sequence[str]) -> None:
        await self.inner.copy_to_backends(image_id, backends)
        request = cmd.import_request(
            image_id, {"name": "copy-image"}, stores=list(backends), all_stores_must_succeed=True
        )
        options = [word for store in backends for word in ("--store", store)]
        command = cmd.import_command(image_id, "copy-image", *options)
        await self._record("copy_to_backends", image_id, (), request, command)

    async def import_from_region(
        self, image_id: str, source_image_id: str, region: str, interface: str = "public"
    ) -> None:
        await self.inner.import_from_region(image_id, source_image_id, region, interface)
        method = {
            "name": "glance-download",
            "glance_image_id": source_image_id,
            "glance_region": region,
            "glance_service_interface": interface,
        }
        options = ["--remote-image", source_image_id, "--remote-region", region]
        command = cmd.import_command(image_id, "glance-download", *options)
        await self._record("import_from_region", image_id, (), cmd.import_request(image_id, method), command)

    async def add_tag(self, image_id: str, tag: str) -> None:
        before = await self._read(image_id)
        await self.inner.add_tag(image_id, tag)
        tags = _tags_change(before, [*before.tags, tag] if before and tag not in before.tags else None)
        request, command = cmd.tag_request(image_id, tag, add=True), cmd.tag_command(image_id, tag, add=True)
        await self._record("add_tag", before or image_id, tags, request, command, unread=before is None)

    async def remove_tag(self, image_id: str, tag: str) -> None:
        before = await self._read(image_id)
        await self.inner.remove_tag(image_id, tag)
        tags = _tags_change(before, [t for t in before.tags if t != tag] if before else None)
        request, command = (
            cmd.tag_request(image_id, tag, add=False),
            cmd.tag_command(image_id, tag, add=False),
        )
        await self._record("remove_tag", before or image_id, tags, request, command, unread=before is None)

    async def deactivate(self, image_id: str) -> None:
        await self._lifecycle(image_id, "deactivate", "deactivated")

    async def reactivate(self, image_id: str) -> None:
        await self._lifecycle(image_id, "reactivate", "active")

    async def _lifecycle(self, image_id: str, action: str, status: str) -> None:
        before = await self._read(image_id)
        await getattr(self.inner, action)(image_id)
        change = (FieldChange("status", before.status, status),) if before else ()
        request, command = cmd.lifecycle_request(image_id, action), cmd.lifecycle_command(image_id, action)
        await self._record(action, before or image_id, change, request, command, unread=before is None)

    async def add_member(self, image_id: str, member_id: str) -> Member:
        image = await self._read(image_id)
        was = await self._member_status(image_id, member_id)
        member = await self.inner.add_member(image_id, member_id)
        change = (FieldChange(member.member_id, was, str(member.status), kind="member"),)
        request = cmd.add_member_request(image_id, member_id)
        command = cmd.add_member_command(image_id, member_id)
        await self._record("add_member", image or image_id, change, request, command, unread=image is None)
        return member

    async def remove_member(self, image_id: str, member_id: str) -> None:
        image = await self._read(image_id)
        was = await self._member_status(image_id, member_id)
        await self.inner.remove_member(image_id, member_id)
        change = (FieldChange(member_id, was, None, kind="member"),)
        request = cmd.remove_member_request(image_id, member_id)
        command = cmd.remove_member_command(image_id, member_id)
        await self._record("remove_member", image or image_id, change, request, command, unread=image is None)

    async def set_member_status(self, image_id: str, member_id: str, status: str) -> Member:
        image = await self._read(image_id)
        was = await self._member_status(image_id, member_id)
        member = await self.inner.set_member_status(image_id, member_id, status)
        change = (FieldChange(member_id, was, str(member.status), kind="member"),)
        request = cmd.member_status_request(image_id, member_id, status)
        command = cmd.member_status_command(image_id, status)
        await self._record("member_status", image or image_id, change, request, command, unread=image is None)
        return member

    # -- undo ------------------------------------------------------------------------

    @contextmanager
    def undoing(self, entry_id: str) -> Iterator[None]:
        """Changes made inside are recorded as the undo of entry ``entry_id``."""
        self._undo_of = entry_id
        try:
            yield
        finally:
            self._undo_of = None

    async def place(self) -> Place:
        """Where this store makes its changes (read once)."""
        if self._place is None:
            who = await self.inner.whoami()
            self._place = Place(self.inner.label, self.inner.region_name, who.project_id, who.project_name)
        return self._place

    # -- helpers -------------------------------------------------------------------

    async def _read(self, image_id: str) -> Image | None:
        """The image before a change; None when it cannot be read (the change then says why)."""
        try:
            return await self.inner.get_image(image_id)
        except ImageDeckError:
            return None

    async def _member_status(self, image_id: str, member_id: str) -> str | None:
        try:
            members = await self.inner.list_members(image_id)
        except ImageDeckError:
            return None
        return next((str(m.status) for m in members if m.member_id == member_id), None)

    async def _record(
        self,
        action: str,
        image: Image | str,
        changes: tuple[FieldChange, ...],
        request: Request,
        command: str | None,
        *,
        unread: bool = False,
    ) -> None:
        """Append one entry; ``unread``: the image could not be read first, so it cannot be undone."""
        try:
            place = await self.place()
        except ImageDeckError:
            place = Place(self.inner.label, self.inner.region_name)
        image_id, name = (image.id, image.name) if isinstance(image, Image) else (image, None)
        entry = Entry(
            id=uuid.uuid4().hex[:8],
            time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            session=self.session,
            place=place,
            action=action,
            image_id=image_id,
            image_name=name,
            changes=changes,
            request=request,
            command=command,
            undo_of=self._undo_of,
            not_undoable="the image could not be read before the change" if unread else None,
        )
        try:
            self.log.append(entry)
        except OSError as exc:
            if self._warn is not None and not self._warned:
                self._warned = True
                self._warn(f"cannot write the action log {self.log.path}: {exc.strerror or exc}")


def _value(image: Image, path: str) -> Any:
    value = image.get(path)
    return list(value) if isinstance(value, list) else value


def _changed(before: Image, after: Image, paths: list[str]) -> Iterator[FieldChange]:
    """The touched fields whose value differs after the change."""
    for path in paths:
        old, new = _value(before, path), _value(after, path)
        if old != new:
            yield FieldChange(path, old, new)


def _tags_change(before: Image | None, after: list[str] | None) -> tuple[FieldChange, ...]:
    if before is None:
        return ()
    return (FieldChange("tags", list(before.tags), after if after is not None else list(before.tags)),)


def recording(inner: ImageStore, log: ActionLog | None = None, **kwargs: Any) -> ImageStore:
    """``inner`` wrapped to record its changes (a store already recording is returned as is)."""
    if isinstance(inner, RecordingStore):
        return inner
    return RecordingStore(inner, log or ActionLog(), **kwargs)


__all__ = ["RecordingStore", "recording"]
