"""Upload a local file into a store: inspect, create, stream with hashes, verify.

Inspection comes first so an unsafe file or a wrong declared format is refused before
anything exists in the store. After a failure the job knows whether the same image can
take a retry (it is ``queued`` again) or must be deleted and re-created (the store
rejected the format: Glance answers 500 to a second upload after a 415). With ``into``
the data goes into a queued image that already exists — the one an interrupted upload
left — which the job then never deletes: it did not make it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterable, Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from ..formats import overriding
from ..model import (
    Conflict,
    Forbidden,
    FormatRejected,
    Image,
    ImageDeckError,
    ImageStatus,
    Invalid,
    NotFound,
    visible,
)
from ..stores import ImageStore
from .errors import FormatMismatch, UnsafeImage, VerificationFailed
from .events import TransferKind, TransferState
from .job import Transfer
from .quota_check import check_quota
from .streams import Hasher, hashed, prefetch, read_file
from .verify import check_recorded, file_md5, has_hashes, records_sha512

CancelChoice = Literal["delete", "keep"]

#: How long to wait for an interrupted upload's image to settle back to ``queued``
#: (Glance notices a dropped connection only when its server side times out or reads EOF).
SETTLE_SECONDS = 5.0
RETRY_SETTLE_SECONDS = 60.0


def retry_in_place(image_id: str) -> str:
    """How to go on with a queued image in the app: its retry uploads into it."""
    return "retry uploads into it"


def inspect(path: Path, declared: str | None, *, allow_unsafe: bool, force_format: bool) -> Any:
    """The format report for ``path``; raises when the file must not be sent as declared."""
    from ..formats import inspect_file

    report = inspect_file(path, declared)
    if not report.safe and not allow_unsafe:
        reasons = "; ".join(str(f) for f in (report.failures or [])) or "the inspector refused it"
        raise UnsafeImage(f"{path.name} is not safe to upload: {reasons} (nothing was created)")
    if report.mismatch and not force_format:
        raise FormatMismatch(
            f"{path.name}: {report.mismatch} (nothing was created; declare the detected format "
            "or force the declared one)"
        )
    return report


class UploadJob(Transfer):
    """Upload ``path`` as a new image with the Glance create-body ``fields``.

    ``on_cancel`` chooses what a cancel leaves: ``"delete"`` the image, or ``"keep"`` it
    ``queued`` for a later upload. ``into`` names a queued image of this project to upload
    into instead of creating one (``fields`` then only label the job and give the declared
    format if the image has none). ``retry_hint`` says, for an image id, how a person
    uploads into the image a failure left queued.
    """

    kind = TransferKind.UPLOAD

    def __init__(
        self,
        store: ImageStore,
        path: Path | str,
        fields: Mapping[str, Any],
        *,
        allow_unsafe: bool = False,
        force_format: bool = False,
        on_cancel: CancelChoice = "delete",
        into: str | None = None,
        retry_hint: Callable[[str], str] = retry_in_place,
    ) -> None:
        self.path = Path(path)
        super().__init__(str(self.path), f"{store.label}: {fields.get('name') or self.path.name}")
        if on_cancel not in ("delete", "keep"):
            raise Invalid(f"on_cancel must be 'delete' or 'keep', not {on_cancel!r}")
        self.store = store
        self.fields = dict(fields)
        self.allow_unsafe = allow_unsafe
        self.force_format = force_format
        self.on_cancel = on_cancel
        self.into = into
        self.retry_hint = retry_hint
        #: The image receiving the data; kept across a retry while it can take one.
        self.image_id: str | None = None
        self.report: Any = None

    async def run(self) -> None:
        self.say(f"inspecting {self.path.name}")
        try:
            size = (await asyncio.to_thread(self.path.stat)).st_size
        except OSError as exc:
            raise Invalid(f"cannot read {self.path}: {exc.strerror or exc}") from None
        if self.into is not None:
            await self._check_into(self.into)
        fresh = 0 if self.into is not None or self.image_id is not None else 1
        await check_quota(self.store, f"uploading {self.path.name}", size, new_images=fresh)
        self.report = await asyncio.to_thread(
            inspect,
            self.path,
            self.fields.get("disk_format"),
            allow_unsafe=self.allow_unsafe,
            force_format=self.force_format,
        )
        if self.image_id is not None and self.into is None:
            await self._reuse_or_forget(self.image_id)
        if self.image_id is None:
            image = await self.store.create_image(self.create_fields())
            self.image_id = image.id
        self.destination = f"{self.store.label}: {self.image_id}"
        self.begin(size, "uploading")
        # sha512 alone proves the bytes; md5 is read again only for a store that records no sha512.
        hasher = Hasher(("sha512",))
        with overriding(allow_unsafe=self.allow_unsafe, force_format=self.force_format):
            image = await upload_hashed(self, self.store, self.image_id, read_file(self.path), size, hasher)
        image = await verify_upload(self, self.store, image, hasher, source=self.path)
        self.result = image
        if has_hashes(image):
            self.message = f"uploaded as {image.id}; checksums match"

    async def _reuse_or_forget(self, image_id: str) -> None:
        """Before a retry: upload into the same image once the store has let go of it."""
        self.say(f"waiting for image {image_id} to be queued again")
        status = await settled_status(self.store, image_id, RETRY_SETTLE_SECONDS)
        if status is None:
            self.image_id = None  # deleted meanwhile: create a new one
        elif status != ImageStatus.QUEUED:
            raise Conflict(f"image {image_id} is {status}, not queued: it cannot take the data again yet")

    async def _check_into(self, image_id: str) -> None:
        """Refuse an image this project does not own or that cannot take data; wait while it settles."""
        image = await self.store.get_image(image_id)
        project = (await self.store.whoami()).project_id
        if image.owner != project:
            raise Forbidden(
                f"image {image.id} belongs to project {visible(image.owner or '-')}, not to "
                f"{visible(project)}: upload into an image your project owns"
            )
        if image.status in (ImageStatus.SAVING, ImageStatus.UPLOADING):
            self.say(f"waiting for image {image.id} to be queued again")
        status = await settled_status(self.store, image.id, RETRY_SETTLE_SECONDS)
        if status is None:
            raise NotFound(f"image {image.id} no longer exists")
        if status != ImageStatus.QUEUED:
            raise Conflict(
                f"image {image.id} is {status}, not queued: only a queued image (one without "
                "data) can take an upload; it was left as it is"
            )
        self.image_id = image.id
        self.destination = f"{self.store.label}: {image.id}"
        if image.disk_format:
            self.fields["disk_format"] = image.disk_format

    def create_fields(self) -> dict[str, Any]:
        fields = dict(self.fields)
        if not fields.get("disk_format") and self.report is not None:
            fields["disk_format"] = self.report.detected_format
        fields.setdefault("container_format", "bare")
        # A file name need not be UTF-8; an image name must be: undecodable bytes become U+FFFD.
        fields.setdefault("name", os.fsencode(self.path.name).decode("utf-8", "replace"))
        return fields

    async def cleanup(self, *, cancelled: bool) -> str | None:
        image_id = self.image_id
        if image_id is None:
            return None
        made_here = self.into is None
        rejected = isinstance(self.error, (FormatRejected, VerificationFailed))
        if made_here and cancelled and self.on_cancel == "delete":
            return await self._delete("cancelled upload")
        if made_here and rejected:
            return await self._delete("rejected upload")
        status = await settled_status(self.store, image_id)
        if cancelled:
            return f"image {image_id} left {status or 'queued'}"
        if rejected:
            return f"image {image_id} was left {status or 'as it was'}: the data it was given was refused"
        if status == ImageStatus.QUEUED:
            return f"image {image_id} is queued again: {self.retry_hint(image_id)}"
        if status in (ImageStatus.SAVING, ImageStatus.UPLOADING):
            return f"image {image_id} is still {status}: once it is queued again, {self.retry_hint(image_id)}"
        if made_here:
            return await self._delete(f"{status or 'unknown'} image")
        return f"image {image_id} is {status or 'gone'}; it was left as it is"

    async def _delete(self, what: str) -> str:
        image_id, self.image_id = self.image_id, None
        error = await discard_image(self.store, image_id)  # type: ignore[arg-type]
        if error is not None:
            return f"could not delete the {what} {image_id}: {error}"
        return f"image {image_id} deleted; a retry creates a new one"


async def settled_status(store: ImageStore, image_id: str, within: float = SETTLE_SECONDS) -> str | None:
    """The image's status once an interrupted upload has let go of it (None if gone)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        try:
            image = await store.get_image(image_id)
        except ImageDeckError:
            return None
        if image.status not in (ImageStatus.SAVING, ImageStatus.UPLOADING) or loop.time() >= deadline:
            return image.status
        await asyncio.sleep(0.25)


async def discard_image(store: ImageStore, image_id: str) -> ImageDeckError | None:
    """Delete an image a failed or cancelled transfer made; the error if it stays behind."""
    try:
        await store.delete_image(image_id)
    except NotFound:
        pass
    except ImageDeckError as exc:
        return exc
    return None


async def upload_hashed(
    job: Transfer,
    store: ImageStore,
    image_id: str,
    chunks: AsyncIterable[bytes],
    size: int | None,
    hasher: Hasher,
) -> Image:
    """Stream ``chunks`` into the image, read ahead, through ``hasher``, counted on ``job``."""
    async with (
        contextlib.aclosing(prefetch(chunks)) as queued,
        contextlib.aclosing(hashed(queued, hasher, job.advance)) as data,
    ):
        try:
            return await store.upload(image_id, data, size)
        except BaseException:
            await hasher.abandon()
            raise


async def verify_upload(
    job: Transfer, store: ImageStore, image: Image, hasher: Hasher, source: Path | None = None
) -> Image:
    """Compare the store's recorded hashes with ``hasher``'s; an md5 the hasher skipped is
    computed from ``source`` when the store recorded only an md5."""
    job.set_state(TransferState.VERIFYING, "comparing checksums")
    md5, sha512 = await hasher.digests()
    if not has_hashes(image):
        image = await store.get_image(image.id)
    if image.checksum and md5 is None and not (records_sha512(image) and sha512 is not None):
        if source is None:
            raise VerificationFailed(f"{store.label} recorded only an md5, which was not computed")
        job.say("the store recorded no sha512: reading the file again for its md5")
        md5 = await asyncio.to_thread(file_md5, source)
    check_recorded(image, md5, sha512, store.label)
    if not has_hashes(image):
        job.message = "uploaded; the store recorded no checksum to compare"
    return image
