"""The image record and its vocabulary, exactly as Glance v2 names them.

JSON produced from these classes uses Glance's own field names, so scripts written
against `openstack image show -f json` or the Glance API read imagedeck's output too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class ImageStatus(StrEnum):
    QUEUED = "queued"
    SAVING = "saving"
    UPLOADING = "uploading"
    IMPORTING = "importing"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    KILLED = "killed"
    DELETED = "deleted"
    PENDING_DELETE = "pending_delete"

    @property
    def transitional(self) -> bool:
        """True while the status is expected to change without anyone acting."""
        return self in TRANSITIONAL_STATUSES


TRANSITIONAL_STATUSES = frozenset(
    {
        ImageStatus.QUEUED,
        ImageStatus.SAVING,
        ImageStatus.UPLOADING,
        ImageStatus.IMPORTING,
        ImageStatus.PENDING_DELETE,
    }
)


class DiskFormat(StrEnum):
    AMI = "ami"
    ARI = "ari"
    AKI = "aki"
    VHD = "vhd"
    VHDX = "vhdx"
    VMDK = "vmdk"
    RAW = "raw"
    QCOW2 = "qcow2"
    VDI = "vdi"
    ISO = "iso"
    PLOOP = "ploop"


class ContainerFormat(StrEnum):
    AMI = "ami"
    ARI = "ari"
    AKI = "aki"
    BARE = "bare"
    OVF = "ovf"
    OVA = "ova"
    DOCKER = "docker"
    COMPRESSED = "compressed"


class Visibility(StrEnum):
    PUBLIC = "public"
    COMMUNITY = "community"
    SHARED = "shared"
    PRIVATE = "private"


class MemberStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


#: Glance's links and locations: part of its JSON, never image data imagedeck keeps.
_LINK_FIELDS = frozenset({"file", "schema", "self", "direct_url", "locations"})

#: Fields a client may never set; Glance answers 403 when a patch touches them.
READ_ONLY_FIELDS = _LINK_FIELDS | {
    "id",
    "status",
    "size",
    "virtual_size",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "owner",
    "created_at",
    "updated_at",
    "stores",
}


def parse_timestamp(value: str | None) -> datetime | None:
    """Parse a Glance timestamp ("2026-11-23T21:37:50Z", with or without fraction)."""
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


#: Fields whose few distinct values repeat across thousands of images (statuses, formats,
#: owners): `share_repeated_text` keeps one copy of each value instead of one per image.
REPEATED_TEXT_FIELDS = (
    "status",
    "disk_format",
    "container_format",
    "visibility",
    "owner",
    "os_hash_algo",
    "stores",
)


def share_repeated_text(data: dict[str, Any]) -> None:
    """Intern the values of `REPEATED_TEXT_FIELDS` in a record about to become an Image."""
    for name in REPEATED_TEXT_FIELDS:
        value = data.get(name)
        if type(value) is str:
            data[name] = sys.intern(value)


@dataclass(slots=True)
class Image:
    """One image record. Unknown or unset values stay ``None``, as Glance shows them."""

    id: str
    name: str | None = None
    status: str = ImageStatus.QUEUED
    disk_format: str | None = None
    container_format: str | None = None
    size: int | None = None
    virtual_size: int | None = None
    checksum: str | None = None
    os_hash_algo: str | None = None
    os_hash_value: str | None = None
    visibility: str = Visibility.SHARED
    protected: bool = False
    os_hidden: bool = False
    owner: str | None = None
    min_disk: int = 0
    min_ram: int = 0
    tags: list[str] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None
    stores: str | None = None
    properties: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_glance(cls, data: dict[str, Any]) -> Image:
        """Build an image from a Glance v2 JSON body (unknown keys become properties)."""
        core: dict[str, Any] = {}
        properties: dict[str, str] = {}
        for key, value in data.items():
            if key in _IMAGE_FIELDS:
                core[key] = value
            elif key in _LINK_FIELDS:
                continue  # links (self, file, schema) and locations are not kept
            elif value is not None:
                properties[key] = value if isinstance(value, str) else str(value)
        core["tags"] = list(core.get("tags") or [])
        core["protected"] = bool(core.get("protected", False))
        core["os_hidden"] = bool(core.get("os_hidden", False))
        core["min_disk"] = int(core.get("min_disk") or 0)
        core["min_ram"] = int(core.get("min_ram") or 0)
        share_repeated_text(core)
        return cls(**core, properties=properties)

    def to_glance(self) -> dict[str, Any]:
        """The flat JSON shape Glance uses: core fields then properties at top level."""
        data = {name: getattr(self, name) for name in _IMAGE_FIELDS}
        data["tags"] = list(self.tags)
        data.update(self.properties)
        return data

    @property
    def label(self) -> str:
        """A name to show a person: the name, or the id when the image has none."""
        return self.name or self.id

    def get(self, key: str) -> Any:
        """A core field or a property by its Glance name."""
        if key != "properties" and key in self.__dataclass_fields__:
            return getattr(self, key)
        return self.properties.get(key)


#: Image's own fields in declaration order (Glance's JSON order), properties aside; looked up
#: once here rather than per record, as listings build and print thousands of them.
_IMAGE_FIELDS = tuple(f.name for f in fields(Image) if f.name != "properties")

#: Core fields that are not free-form properties.
CORE_FIELDS = frozenset(_IMAGE_FIELDS) | _LINK_FIELDS


@dataclass(slots=True)
class Member:
    """A project an image is shared with, and what that project answered."""

    image_id: str
    member_id: str
    status: str = MemberStatus.PENDING
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_glance(cls, data: dict[str, Any]) -> Member:
        return cls(
            image_id=data["image_id"],
            member_id=data["member_id"],
            status=data.get("status", MemberStatus.PENDING),
            created_at=data.get("created_at"),
            updated_at=data.get("updated_at"),
        )

    def to_glance(self) -> dict[str, Any]:
        return {
            "image_id": self.image_id,
            "member_id": self.member_id,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the store is acting as: what policy decisions in the UI are based on."""

    project_id: str
    project_name: str
    user_name: str | None = None
    user_id: str | None = None
    roles: tuple[str, ...] = ()
    store_label: str = ""

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


@dataclass(frozen=True, slots=True)
class Schema:
    """What this store accepts, read from Glance's /v2/schemas/image where it can be."""

    disk_formats: tuple[str, ...] = tuple(DiskFormat)
    container_formats: tuple[str, ...] = tuple(ContainerFormat)
    visibilities: tuple[str, ...] = tuple(Visibility)
    import_methods: tuple[str, ...] = ()
