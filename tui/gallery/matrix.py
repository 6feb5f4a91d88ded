"""The presence matrix: which image content is where across the fleet, and where it drifted.

Rows are images grouped by content: the recorded secure hash (``os_hash_algo`` and
``os_hash_value``), else the md5 ``checksum``, and only when neither is known the name and
size (a guess, marked as one). Images that share either hash fall in one row. Columns are
places; each cell says whether the content is there and usable. Two kinds of drift are
flagged: one name used for different content, and the same content carrying different
defining metadata (the differing keys are listed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum

from ..model import Image, ImageDeckError, ImageQuery, ImageStatus, describe_error
from ..stores import ImageStore
from .places import OpenPlace


class Presence(StrEnum):
    ACTIVE = "active"
    IMPORTING = "importing"
    SAVING = "saving"
    DEACTIVATED = "deactivated"
    HIDDEN = "hidden"
    MISSING = "missing"
    #: The place could not be read: nobody knows.
    UNKNOWN = "unknown"


#: When one place holds several images of a row, the cell shows the most usable one.
_PREFERENCE = (
    Presence.ACTIVE,
    Presence.HIDDEN,
    Presence.IMPORTING,
    Presence.SAVING,
    Presence.DEACTIVATED,
    Presence.MISSING,
)

#: What a person sees in a cell of a down place, and for each presence in the table.
PRESENCE_MARKS = {
    Presence.ACTIVE: "●",
    Presence.HIDDEN: "◌",
    Presence.IMPORTING: "↓",
    Presence.SAVING: "↓",
    Presence.DEACTIVATED: "✕",
    Presence.MISSING: "·",
    Presence.UNKNOWN: "?",
}

#: Keys that differ between copies of the same content by nature, never drift.
VOLATILE_KEYS = frozenset(
    {
        "id",
        "status",
        "owner",
        "visibility",
        "created_at",
        "updated_at",
        "stores",
        "os_hidden",
        "protected",
        "size",
        "virtual_size",
        "checksum",
        "os_hash_algo",
        "os_hash_value",
        "direct_url",
        "locations",
    }
)
VOLATILE_PREFIXES = ("os_glance_", "owner_specified.")

#: The image's own fields that define a copy (tags aside, compared as one sorted text).
_DEFINING_FIELDS = tuple(
    f.name
    for f in fields(Image)
    if f.name not in ("properties", "tags", *VOLATILE_KEYS) and not f.name.startswith(VOLATILE_PREFIXES)
)


def presence_of(image: Image) -> Presence:
    """How usable one image is: hidden is an active image left out of default listings."""
    status = image.status
    if status == ImageStatus.ACTIVE:
        return Presence.HIDDEN if image.os_hidden else Presence.ACTIVE
    if status in (ImageStatus.QUEUED, ImageStatus.IMPORTING):
        return Presence.IMPORTING
    if status in (ImageStatus.SAVING, ImageStatus.UPLOADING):
        return Presence.SAVING
    if status == ImageStatus.DEACTIVATED:
        return Presence.DEACTIVATED
    return Presence.MISSING  # killed, deleted, pending_delete: no usable copy


def in_backend(image: Image, backend: str | None) -> bool:
    """Whether the image's data is kept in ``backend`` (any backend when None)."""
    if backend is None:
        return True
    return backend in [s.strip() for s in (image.stores or "").split(",")]


@dataclass(slots=True)
class Column:
    """One place in the matrix; ``error`` says why it could not be read."""

    place: str
    error: str | None = None


@dataclass(slots=True)
class Cell:
    presence: Presence
    image_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Row:
    """One content across the fleet."""

    key: str
    #: How the content was told apart: "sha512" (or another algorithm), "md5" or "guess".
    basis: str
    name: str
    size: int | None
    cells: dict[str, Cell] = field(default_factory=dict)
    #: Other content that goes by one of this row's names.
    name_drift: list[str] = field(default_factory=list)
    #: Defining metadata keys whose values differ between this content's copies.
    metadata_drift: list[str] = field(default_factory=list)

    @property
    def guessed(self) -> bool:
        return self.basis == "guess"


@dataclass(slots=True)
class Matrix:
    columns: list[Column]
    rows: list[Row]


@dataclass(slots=True)
class Listing:
    """Every image one place holds, or why they could not be read."""

    place: str
    images: list[Image] = field(default_factory=list)
    error: str | None = None


#: Default listings hide hidden images: a second pass asks for them.
_QUERIES = (ImageQuery(), ImageQuery(os_hidden=True))


async def list_place(handle: OpenPlace) -> Listing:
    """Every image one place holds, page by page, hidden ones included."""
    if handle.store is None:
        return Listing(handle.label, error=handle.error)
    try:
        images = await _all_images(handle.store)
    except ImageDeckError as exc:
        return Listing(handle.label, error=describe_error(exc))
    backend = handle.place.backend
    return Listing(handle.label, [i for i in images if in_backend(i, backend)])


async def _all_images(store: ImageStore) -> list[Image]:
    found: dict[str, Image] = {}
    for query in _QUERIES:
        async for page in store.list_images(query):
            for image in page:
                found.setdefault(image.id, image)
    return list(found.values())


async def list_places(opened: Sequence[OpenPlace]) -> list[Listing]:
    """List every place at once; a place that fails carries its error."""
    return list(await asyncio.gather(*(list_place(handle) for handle in opened)))


def content_keys(image: Image) -> list[str]:
    """The keys that identify an image's content, strongest first (empty without data)."""
    keys = []
    if image.os_hash_algo and image.os_hash_value:
        keys.append(f"{image.os_hash_algo}:{image.os_hash_value}")
    if image.checksum:
        keys.append(f"md5:{image.checksum}")
    return keys


def guess_key(image: Image) -> str:
    """What joins images that carry no hash: their name and size (a guess, marked as one)."""
    return f"guess:{image.name or ''}\0{image.size}"


def best_key(images: Sequence[Image]) -> tuple[str, str]:
    """A row's key and basis: the smallest secure hash, else the smallest md5, else the guess of the first."""
    keys = [key for image in images for key in content_keys(image)]
    secure = sorted(k for k in keys if not k.startswith("md5:"))
    if secure:
        return secure[0], secure[0].partition(":")[0]
    if keys:
        return sorted(keys)[0], "md5"
    return guess_key(images[0]).replace("\0", " "), "guess"


def cell_of(images: list[Image], column: Column) -> Cell:
    """One place's cell of a row: unknown when the place could not be read, else its most usable copy."""
    if column.error is not None:
        return Cell(Presence.UNKNOWN)
    if not images:
        return Cell(Presence.MISSING)
    if len(images) == 1:
        return Cell(presence_of(images[0]), [images[0].id])
    best = min((presence_of(i) for i in images), key=_PREFERENCE.index)
    return Cell(best, [image.id for image in images])


def defining_metadata(image: Image) -> dict[str, str]:
    """The metadata a copy should carry: everything but volatile, per-copy fields."""
    data: dict[str, object] = {key: getattr(image, key) for key in _DEFINING_FIELDS}
    data.update(image.properties)
    data["tags"] = ",".join(sorted(image.tags))
    return {
        key: "" if value is None else str(value)
        for key, value in data.items()
        if key not in VOLATILE_KEYS and not key.startswith(VOLATILE_PREFIXES)
    }


def metadata_drift(images: Sequence[Image]) -> list[str]:
    """Keys whose values differ between copies of one content, sorted."""
    if alike(images):
        return []
    return drift_between([defining_metadata(image) for image in images])


def alike(images: Sequence[Image]) -> bool:
    """Whether the copies carry the very same defining fields, tags and properties: no drift.

    A quick look that spares working out each copy's defining metadata when nothing
    differs, the common case; when it says no, the metadata tells which keys differ.
    """
    first = _definition(images[0])
    return all(_definition(image) == first for image in images[1:])


def _definition(image: Image) -> tuple[object, ...]:
    return (*(getattr(image, key) for key in _DEFINING_FIELDS), sorted(image.tags), image.properties)


def drift_between(seen: Sequence[dict[str, str]]) -> list[str]:
    """Keys whose values differ between these copies' defining metadata, sorted."""
    if all(data == seen[0] for data in seen[1:]):
        return []
    keys = {key for data in seen for key in data}
    return sorted(key for key in keys if len({data.get(key) for data in seen}) > 1)
