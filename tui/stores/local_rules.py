"""Glance v2's rules as the local store applies them: who may see and change what, and
which values an image may hold.

Pure functions over model objects and catalog rows, so the store's methods read as
"check, then write", and the same status codes Glance answers become the same typed
errors here (403 -> Forbidden, 409 -> Conflict, 400 -> Invalid, 404 -> NotFound).
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import (
    READ_ONLY_FIELDS,
    Change,
    ChangeOp,
    Conflict,
    ContainerFormat,
    DiskFormat,
    Forbidden,
    Image,
    ImageStatus,
    Invalid,
    MemberStatus,
    NotFound,
    Visibility,
)
from .local_catalog import fetch_row, row_value

#: Core fields a client may set (every other core field is read-only).
SETTABLE_FIELDS = frozenset(
    {
        "name",
        "visibility",
        "protected",
        "os_hidden",
        "disk_format",
        "container_format",
        "min_disk",
        "min_ram",
        "tags",
    }
)
#: Glance keeps property names with this prefix for itself.
RESERVED_PREFIX = "os_glance"
MAX_TEXT = 255
MAX_PROPERTY_VALUE = 65535
MAX_INT = 2**31 - 1
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True, slots=True)
class Actor:
    """The project a store acts as, and whether it holds the admin role."""

    project: str
    admin: bool = False


# -- seeing and owning ----------------------------------------------------------------


#: Read-only fields Glance accepts in a create body and silently drops (it answers 201).
IGNORED_AT_CREATE = frozenset({"os_hash_value"})


def can_see(conn: sqlite3.Connection, actor: Actor, row: Sequence[Any]) -> bool:
    """Glance's rule for reading one image by id: admin, owner, public, community,
    or a member of a shared image whatever its answer (pending and rejected too)."""
    if actor.admin or row_value(row, "owner") == actor.project:
        return True
    visibility = row_value(row, "visibility")
    if visibility in (Visibility.PUBLIC, Visibility.COMMUNITY):
        return True
    if visibility != Visibility.SHARED:
        return False
    found = conn.execute(
        "SELECT 1 FROM image_members WHERE image_id = ? AND member = ?",
        (row_value(row, "id"), actor.project),
    ).fetchone()
    return found is not None


def visible_row(conn: sqlite3.Connection, actor: Actor, image_id: str) -> tuple[Any, ...]:
    """The image's row, or NotFound when it does not exist or this project cannot see it."""
    row = fetch_row(conn, image_id) if isinstance(image_id, str) else None
    if row is None or not can_see(conn, actor, row):
        raise NotFound(f"no image {image_id} (or it is not visible to project {actor.project})")
    return row


def require_owner(actor: Actor, row: Sequence[Any], action: str) -> None:
    """Only the owner (or an admin) changes an image; others get Glance's 403."""
    if not actor.admin and row_value(row, "owner") != actor.project:
        raise Forbidden(
            f"project {actor.project} cannot {action} image {row_value(row, 'id')}: "
            f"it belongs to project {row_value(row, 'owner')}"
        )


def require_shared(row: Sequence[Any]) -> None:
    if row_value(row, "visibility") != Visibility.SHARED:
        raise Forbidden(
            f"image {row_value(row, 'id')} is {row_value(row, 'visibility')}: only shared images "
            "have members (set its visibility to shared first)"
        )


# -- values ---------------------------------------------------------------------------


def check_field(key: str, value: Any, actor: Actor) -> Any:
    """A settable core field's value, normalised, or Invalid/Forbidden like Glance's schema."""
    if key == "name":
        if value is None:
            return None
        return _text(value, "name")
    if key == "visibility":
        if value not in tuple(Visibility):
            raise Invalid(f"visibility must be one of {', '.join(Visibility)}, not {value!r}")
        if value == Visibility.PUBLIC and not actor.admin:
            raise Forbidden("only an admin may make an image public; use shared or community")
        return str(value)
    if key in ("protected", "os_hidden"):
        if not isinstance(value, bool):
            raise Invalid(f"{key} must be true or false, not {value!r}")
        return value
    if key == "disk_format":
        return _choice(value, key, tuple(DiskFormat))
    if key == "container_format":
        return _choice(value, key, tuple(ContainerFormat))
    if key in ("min_disk", "min_ram"):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
            raise Invalid(f"{key} must be a whole number from 0 to {MAX_INT}, not {value!r}")
        return value
    if key == "tags":
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise Invalid(f"tags must be a list of strings, not {value!r}")
        return list(dict.fromkeys(check_tag(tag) for tag in value))
    raise Invalid(f"{key!r} is not a settable image field")


def check_tag(tag: Any) -> str:
    return _text(tag, "a tag", allow_empty=False)


def check_property(key: str, value: Any) -> str:
    if not key or len(key) > MAX_TEXT:
        raise Invalid(f"property names must have 1 to {MAX_TEXT} characters, not {key!r}")
    if key.startswith(RESERVED_PREFIX):
        raise Forbidden(f"property {key!r} is reserved for the image service")
    if not isinstance(value, str):
        raise Invalid(
            f"property {key!r} must be a string, not {type(value).__name__} {value!r} "
            "(quote numbers and booleans)"
        )
    if len(value) > MAX_PROPERTY_VALUE:
        raise Invalid(f"property {key!r} is longer than {MAX_PROPERTY_VALUE} characters")
    return value


def check_member_status(status: Any) -> str:
    if status not in tuple(MemberStatus):
        raise Invalid(f"member status must be one of {', '.join(MemberStatus)}, not {status!r}")
    return str(status)


def check_member_id(member_id: Any) -> str:
    return _text(member_id, "a member project", allow_empty=False)


def _text(value: Any, what: str, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{what} must be a string, not {value!r}")
    if len(value) > MAX_TEXT or (not allow_empty and not value):
        raise Invalid(f"{what} must have {0 if allow_empty else 1} to {MAX_TEXT} characters")
    return value


def _choice(value: Any, key: str, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise Invalid(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


# -- create and update ----------------------------------------------------------------


def new_image(fields: Mapping[str, Any], actor: Actor, now: str) -> Image:
    """The queued image a create body describes (timestamps in stored form)."""
    if not isinstance(fields, Mapping):
        raise Invalid("image fields must be a mapping of Glance field names to values")
    image = Image(
        id=str(uuid.uuid4()),
        owner=actor.project,
        status=ImageStatus.QUEUED,
        visibility=Visibility.SHARED,
        created_at=now,
        updated_at=now,
    )
    for key, value in fields.items():
        if not isinstance(key, str):
            raise Invalid(f"field names must be strings, not {key!r}")
        if key == "id":
            image.id = _check_id(value)
        elif key == "owner":
            if value != actor.project and not actor.admin:
                raise Forbidden(f"project {actor.project} cannot create images owned by {value!r}")
            image.owner = _text(value, "owner", allow_empty=False)
        elif key in IGNORED_AT_CREATE:
            continue
        elif key in READ_ONLY_FIELDS:
            raise Forbidden(f"{key!r} is read-only: the image service sets it")
        elif key in SETTABLE_FIELDS:
            setattr(image, key, check_field(key, value, actor))
        else:
            image.properties[key] = check_property(key, value)
    return image


def apply_changes(image: Image, changes: Sequence[Change], actor: Actor) -> Image:
    """A copy of ``image`` with every change applied, or the first change's error."""
    result = dataclasses.replace(image, tags=list(image.tags), properties=dict(image.properties))
    for change in changes:
        _apply(result, change, actor)
    return result


def _apply(image: Image, change: Change, actor: Actor) -> None:
    if not isinstance(change, Change):
        raise Invalid(f"changes must be Change objects, not {change!r}")
    try:
        op = ChangeOp(change.op)
    except ValueError:
        raise Invalid(f"change operation must be add, replace or remove, not {change.op!r}") from None
    path = change.path
    if isinstance(path, str) and path.startswith("/"):
        path = path[1:]
    if not isinstance(path, str) or not path or "/" in path:
        raise Invalid(f"cannot change {change.path!r}: name one field or property")
    if path in READ_ONLY_FIELDS:
        raise Forbidden(f"{path!r} is read-only: the image service sets it")
    if path in SETTABLE_FIELDS:
        if op is ChangeOp.REMOVE:
            raise Forbidden(f"{path!r} is a core field and cannot be removed; replace it instead")
        value = check_field(path, change.value, actor)
        if path in ("disk_format", "container_format") and image.status != ImageStatus.QUEUED:
            raise Forbidden(f"{path} can only change while the image is queued (it is {image.status})")
        setattr(image, path, value)
        return
    if path.startswith(RESERVED_PREFIX):
        raise Forbidden(f"property {path!r} is reserved for the image service")
    if op is not ChangeOp.ADD and path not in image.properties:
        raise Conflict(f"image {image.id} has no property {path!r} to {op}")
    if op is ChangeOp.REMOVE:
        del image.properties[path]
    else:
        image.properties[path] = check_property(path, change.value)


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise Invalid(f"an image id must be a UUID such as {uuid.uuid4()}, not {value!r}")
    return value
