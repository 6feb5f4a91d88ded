"""Copy an image between two stores, streamed without a temporary file.

The source's bytes go straight into the destination's upload while being hashed here,
so the copy is proven end to end: the source's recorded hashes, the hashes of the
bytes that went by, and the destination's recorded hashes must all agree. They are
inspected on the way as an upload of a file is: the header before the destination
image exists, the end before the destination has all the data. Another project's image
is hostile input, and a cloud accepts silently what a copy must not make (qcow2 data
declared raw).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from ..formats import overriding
from ..model import Conflict, Image, ImageStatus, Visibility, visible
from ..stores import ImageStore
from .errors import VerificationFailed
from .events import TransferKind, TransferState
from .inspection import job_guard
from .job import Transfer
from .streams import Hasher, coalesce
from .upload import discard_image, upload_hashed
from .verify import recorded_mismatches

#: Property name prefixes a store manages itself and refuses from clients.
RESERVED_PREFIXES = ("os_glance_",)
RESERVED_PROPERTIES = frozenset({"os_hash_algo", "os_hash_value", "checksum", "stores"})


def carried_fields(image: Image, name: str | None = None) -> dict[str, Any]:
    """The create-body fields a copy keeps: name, formats, min disk/RAM, properties, tags.

    A private image stays private; any other copy gets the destination's default
    (``shared`` with no members: only its owner sees it), because making it public or
    community again is a decision, and often an admin's, in the destination.
    """
    fields: dict[str, Any] = {
        "name": name or image.name,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "min_disk": image.min_disk,
        "min_ram": image.min_ram,
        "tags": list(image.tags),
    }
    if image.visibility == Visibility.PRIVATE:
        fields["visibility"] = Visibility.PRIVATE
    for key, value in image.properties.items():
        if key in RESERVED_PROPERTIES or key.startswith(RESERVED_PREFIXES):
            continue
        fields[key] = value
    return {key: value for key, value in fields.items() if value is not None}


class CopyJob(Transfer):
    """Copy ``image_id`` from ``src_store`` into ``dst_store`` (a cloud or a local cache).

    ``fields`` override carried metadata (e.g. a visibility for the new image).
    ``allow_unsafe`` and ``force_format`` copy data the inspector refuses, as for an upload.
    """

    kind = TransferKind.COPY

    def __init__(
        self,
        src_store: ImageStore,
        image_id: str,
        dst_store: ImageStore,
        *,
        name: str | None = None,
        fields: Mapping[str, Any] | None = None,
        allow_unsafe: bool = False,
        force_format: bool = False,
    ) -> None:
        super().__init__(f"{src_store.label}: {image_id}", dst_store.label)
        self.src_store = src_store
        self.image_id = image_id
        self.dst_store = dst_store
        self.name = name
        self.fields = dict(fields or {})
        self.allow_unsafe = allow_unsafe
        self.force_format = force_format
        #: The image created in the destination, until the copy is verified or cleaned up.
        self.new_id: str | None = None

    async def run(self) -> None:
        source = await self.src_store.get_image(self.image_id)
        self.source = f"{self.src_store.label}: {source.label}"
        if source.status != ImageStatus.ACTIVE:
            raise Conflict(f"image {source.label} is {source.status}: only an active image can be copied")
        fields = {**carried_fields(source, self.name), **self.fields}
        guard = job_guard(
            fields.get("disk_format"),
            f"image {visible(source.label)}",
            allow_unsafe=self.allow_unsafe,
            force_format=self.force_format,
        )
        hasher = Hasher()
        async with (
            self.src_store.download(source.id) as data,
            contextlib.aclosing(coalesce(data.chunks)) as chunks,
        ):
            size = data.size if data.size is not None else source.size
            self.say("inspecting the image's first bytes")
            head, ended = await guard.head(chunks)
            created = await self.dst_store.create_image(fields)
            self.new_id = created.id
            self.destination = f"{self.dst_store.label}: {created.id}"
            self.begin(size, "copying")
            checked = guard.pass_through(chunks, head, ended)
            with overriding(allow_unsafe=self.allow_unsafe, force_format=self.force_format):
                copied = await upload_hashed(self, self.dst_store, created.id, checked, size, hasher)
        self.set_state(TransferState.VERIFYING, "comparing checksums end to end")
        md5, sha512 = await hasher.digests()
        if copied.checksum is None and copied.os_hash_value is None:
            copied = await self.dst_store.get_image(created.id)
        problems = [f"source: {p}" for p in recorded_mismatches(source, md5, sha512)]
        problems += [f"destination: {p}" for p in recorded_mismatches(copied, md5, sha512)]
        if problems:
            raise VerificationFailed(f"the copy does not match its source ({'; '.join(problems)})")
        self.result = copied
        self.new_id = None
        verdict = guard.verdict.describe() if guard.verdict else "inspected"
        self.message = f"copied as {copied.id} ({verdict}); checksums match end to end"

    async def cleanup(self, *, cancelled: bool) -> str | None:
        new_id, self.new_id = self.new_id, None
        if new_id is None:
            return None
        error = await discard_image(self.dst_store, new_id)
        if error is not None:
            return f"could not delete the incomplete copy {new_id}: {error}"
        return f"incomplete copy {new_id} deleted"
