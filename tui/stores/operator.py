"""What operators look at beside the images: quota usage, import tasks and the image cache.

Typed here so every face reads the same fields whatever the store answered; Glance's raw
records are parsed once, at the store's edge, by the ``from_glance`` constructors.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ..model import ImageDeckError, parse_timestamp

MIB = 1024 * 1024
#: Glance's quota resources that count images; the others are sizes in MiB.
COUNT_RESOURCES = frozenset({"image_count_total", "image_count_uploading"})
#: Share of a limit from which a gauge warns.
WARN_FRACTION = 0.8


@dataclass(frozen=True, slots=True)
class QuotaUse:
    """One quota of the project: how much of ``resource`` is used out of ``limit``.

    Sizes are in MiB, as Glance counts them (whole MiB, rounded down); counts are images.
    """

    resource: str
    used: int
    limit: int

    @property
    def is_count(self) -> bool:
        return self.resource in COUNT_RESOURCES

    @property
    def fraction(self) -> float:
        """Used over limit; a limit of 0 is full as soon as anything would be added."""
        return self.used / self.limit if self.limit > 0 else 1.0

    @property
    def warn(self) -> bool:
        return self.fraction > WARN_FRACTION

    def room(self) -> int:
        """What can still be added: images, or MiB."""
        return max(0, self.limit - self.used)


def usage_from_glance(body: Any) -> tuple[QuotaUse, ...]:
    """``/v2/info/usage``'s ``{"usage": {resource: {"usage", "limit"}}}``; empty without limits."""
    found = body.get("usage") if isinstance(body, dict) else None
    uses = []
    for resource, value in (found or {}).items() if isinstance(found, dict) else ():
        if isinstance(value, dict) and _is_int(value.get("usage")) and _is_int(value.get("limit")):
            uses.append(QuotaUse(str(resource), int(value["usage"]), int(value["limit"])))
    return tuple(sorted(uses, key=lambda use: use.resource))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def quota(uses: tuple[QuotaUse, ...], resource: str) -> QuotaUse | None:
    return next((use for use in uses if use.resource == resource), None)


@dataclass(frozen=True, slots=True)
class ImageTask:
    """One task of an image (an import, a copy): where it stands and what it said."""

    id: str
    status: str
    message: str = ""
    type: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_raw: str = ""

    @classmethod
    def from_glance(cls, data: dict[str, Any]) -> ImageTask:
        return cls(
            id=str(data.get("id") or ""),
            status=str(data.get("status") or ""),
            message=str(data.get("message") or ""),
            type=str(data.get("type") or ""),
            created_at=parse_timestamp(_text(data.get("created_at"))),
            updated_at=parse_timestamp(_text(data.get("updated_at"))),
            updated_raw=str(data.get("updated_at") or ""),
        )

    @property
    def failed(self) -> bool:
        return self.status == "failure"

    @property
    def running(self) -> bool:
        return self.status in ("pending", "processing")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """An image in the cache (``cached``) or waiting to be cached (``queued``)."""

    image_id: str
    state: Literal["cached", "queued"]
    size: int | None = None
    hits: int = 0
    last_accessed: datetime | None = None


@dataclass(frozen=True, slots=True)
class CacheListing:
    cached: tuple[CacheEntry, ...] = ()
    queued: tuple[CacheEntry, ...] = ()

    @property
    def entries(self) -> tuple[CacheEntry, ...]:
        return self.cached + self.queued


@dataclass(frozen=True, slots=True)
class PruneResult:
    files: int
    bytes: int


class CacheNotAvailable(ImageDeckError):
    """The store has no image cache this user may manage (not enabled, or not an admin)."""

    kind = "not available"


#: What ``clear`` empties: both lists, or only one.
ClearTarget = Literal["all", "cache", "queue"]


class ImageCache(abc.ABC):
    """The image cache of an image service, managed by its admin.

    Every call raises `CacheNotAvailable` where the service has no cache or the user may
    not manage it, and otherwise only the model's typed errors.
    """

    @abc.abstractmethod
    async def listing(self) -> CacheListing: ...

    @abc.abstractmethod
    async def queue(self, image_id: str) -> None:
        """Ask for an active image to be cached."""

    @abc.abstractmethod
    async def remove(self, image_id: str) -> None:
        """Drop one image from the cache and the queue (no error when it is in neither)."""

    @abc.abstractmethod
    async def clear(self, target: ClearTarget = "all") -> None: ...

    @abc.abstractmethod
    async def prune(self) -> PruneResult:
        """Drop least-recently used images until the cache fits its configured size."""

    @abc.abstractmethod
    async def clean(self) -> None:
        """Remove stalled and invalid cache files."""
