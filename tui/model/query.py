"""Listing queries and metadata changes, in Glance v2's query vocabulary.

The same `ImageQuery` is turned into Glance query parameters by the Glance store and
evaluated in SQL by the local store, so a filter means the same thing everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .errors import Invalid

#: Keys Glance accepts in ``sort=`` (the ones imagedeck offers).
SORT_KEYS = ("name", "status", "size", "created_at", "updated_at", "disk_format")

#: Comparison operators Glance accepts on created_at / updated_at.
TIME_OPERATORS = ("gt", "gte", "lt", "lte", "eq", "neq")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNIT_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}

#: The largest size a store can hold or compare with (a signed 64-bit integer, 8 EiB).
MAX_BYTE_SIZE = 2**63 - 1


def parse_byte_size(text: str) -> int | None:
    """Bytes from ``1073741824``, ``512M``, ``1.5G`` or ``2GiB`` (units are powers of 1024).

    None when ``text`` is not a size or is above `MAX_BYTE_SIZE`, so the CLI and the filter
    form each word the error their own way. The arithmetic is exact (no float), so a number
    of any length gives an answer rather than an overflow.
    """
    match = _SIZE.match(text)
    if not match:
        return None
    number, unit = match.groups()
    size = Decimal(number) * 1024 ** _UNIT_POWERS[unit.lower()]
    return int(size) if size <= MAX_BYTE_SIZE else None


@dataclass(frozen=True, slots=True)
class SortKey:
    key: str
    direction: str = "asc"

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise Invalid(f"cannot sort by {self.key!r}; use one of: {', '.join(SORT_KEYS)}")
        if self.direction not in ("asc", "desc"):
            raise Invalid(f"sort direction must be asc or desc, not {self.direction!r}")

    @classmethod
    def parse(cls, text: str) -> SortKey:
        """Parse ``key`` or ``key:dir`` (Glance's ``sort=`` syntax)."""
        key, _, direction = text.partition(":")
        return cls(key.strip(), (direction or "asc").strip().lower())

    def __str__(self) -> str:
        return f"{self.key}:{self.direction}"


@dataclass(frozen=True, slots=True)
class TimeFilter:
    """``created_at=gt:2026-01-01T00:00:00Z`` and friends."""

    operator: str
    value: str

    def __post_init__(self) -> None:
        if self.operator not in TIME_OPERATORS:
            raise Invalid(
                f"time comparison must be one of {', '.join(TIME_OPERATORS)}, not {self.operator!r}"
            )

    @classmethod
    def parse(cls, text: str) -> TimeFilter:
        operator, sep, value = text.partition(":")
        if not sep:
            return cls("eq", text)
        return cls(operator, value)

    def __str__(self) -> str:
        return f"{self.operator}:{self.value}"


@dataclass(frozen=True, slots=True)
class ImageQuery:
    """Server-side filters and sort order for a listing. Empty means Glance's default view.

    Multi-valued fields (status, disk_format, container_format) mean "any of" (Glance's
    ``in:``); ``tags`` means "all of" (Glance's repeated ``tag=``).
    """

    name: str | None = None
    status: tuple[str, ...] = ()
    visibility: str | None = None  # public, community, shared, private or all
    member_status: str | None = None  # pending, accepted, rejected or all
    owner: str | None = None
    tags: tuple[str, ...] = ()
    disk_format: tuple[str, ...] = ()
    container_format: tuple[str, ...] = ()
    size_min: int | None = None
    size_max: int | None = None
    protected: bool | None = None
    os_hidden: bool | None = None
    created_at: TimeFilter | None = None
    updated_at: TimeFilter | None = None
    properties: tuple[tuple[str, str], ...] = ()
    sort: tuple[SortKey, ...] = field(default=(SortKey("created_at", "desc"),))

    def to_glance_params(self) -> list[tuple[str, str]]:
        """Query parameters for ``GET /v2/images`` (without limit and marker)."""
        params: list[tuple[str, str]] = []

        def add_in(key: str, values: tuple[str, ...]) -> None:
            if len(values) == 1:
                params.append((key, values[0]))
            elif values:
                params.append((key, "in:" + ",".join(values)))

        if self.name is not None:
            params.append(("name", self.name))
        add_in("status", self.status)
        if self.visibility:
            params.append(("visibility", self.visibility))
        if self.member_status:
            params.append(("member_status", self.member_status))
        if self.owner:
            params.append(("owner", self.owner))
        params.extend(("tag", tag) for tag in self.tags)
        add_in("disk_format", self.disk_format)
        add_in("container_format", self.container_format)
        if self.size_min is not None:
            params.append(("size_min", str(self.size_min)))
        if self.size_max is not None:
            params.append(("size_max", str(self.size_max)))
        if self.protected is not None:
            params.append(("protected", "true" if self.protected else "false"))
        if self.os_hidden is not None:
            params.append(("os_hidden", "true" if self.os_hidden else "false"))
        if self.created_at:
            params.append(("created_at", str(self.created_at)))
        if self.updated_at:
            params.append(("updated_at", str(self.updated_at)))
        params.extend(self.properties)
        if self.sort:
            params.append(("sort", ",".join(str(s) for s in self.sort)))
        return params


class ChangeOp(StrEnum):
    REPLACE = "replace"
    ADD = "add"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class Change:
    """One metadata change, as in Glance's JSON-patch: ``path`` is a field or property name."""

    op: ChangeOp
    path: str
    value: Any = None

    @classmethod
    def replace(cls, path: str, value: Any) -> Change:
        return cls(ChangeOp.REPLACE, path, value)

    @classmethod
    def add(cls, path: str, value: Any) -> Change:
        return cls(ChangeOp.ADD, path, value)

    @classmethod
    def remove(cls, path: str) -> Change:
        return cls(ChangeOp.REMOVE, path)

    def to_patch(self) -> dict[str, Any]:
        """The JSON-patch operation Glance expects (paths are ``/name``)."""
        op: dict[str, Any] = {"op": str(self.op), "path": "/" + self.path}
        if self.op is not ChangeOp.REMOVE:
            op["value"] = self.value
        return op
