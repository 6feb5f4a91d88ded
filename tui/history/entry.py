"""One recorded change: where, to which image, what it was before and after, and how to say it again.

Entries are plain data so the log file, the CLI's ``--json`` and the app read the same thing.
Every text in an entry may come from another project (names, properties, tags): it is kept
as is here and made visible by whoever shows it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: Actions whose entries say what to restore; the others cannot be taken back.
UNDOABLE_ACTIONS = frozenset(
    {
        "update",
        "add_tag",
        "remove_tag",
        "deactivate",
        "reactivate",
        "add_member",
        "remove_member",
        "member_status",
    }
)

#: Why an action cannot be undone, said to a person who asked.
NOT_UNDOABLE = {
    "delete": "a deleted image cannot be brought back",
    "create": "creating an image is not undone here; delete the image if it is not wanted",
    "upload": "uploaded data cannot be taken back out of an image",
    "stage": "staged data cannot be taken back out of an image",
    "import": "an import cannot be taken back",
    "copy_to_backends": "copying data into more backend stores cannot be taken back",
    "import_from_region": "an import from another region cannot be taken back",
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a change was made: the store, its region and the project acting."""

    label: str
    region: str | None = None
    project_id: str = ""
    project_name: str = ""

    def describe(self) -> str:
        """``cloud:prod/RegionOne as alpha``: short enough for one column."""
        region = f"/{self.region}" if self.region else ""
        who = self.project_name or self.project_id
        return f"{self.label}{region} as {who}" if who else f"{self.label}{region}"

    def same_as(self, other: Place) -> bool:
        return (self.label, self.region, self.project_id) == (other.label, other.region, other.project_id)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field, property, tag list or member share, before and after the change.

    ``kind`` is ``field`` (core field or property; None means unset) or ``member`` (``name``
    is the project, the values its share status; None means not a member).
    """

    name: str
    before: Any
    after: Any
    kind: str = "field"


@dataclass(frozen=True, slots=True)
class Request:
    """The Glance v2 request that made the change: never a header, token or password."""

    method: str
    path: str
    body: Any = None
    #: What the body was when it is not JSON (image data), e.g. "4096 bytes of image data".
    note: str | None = None

    def line(self) -> str:
        """``PATCH /v2/images/ID [{"op": ...}]`` on one line."""
        if self.body is not None:
            return f"{self.method} {self.path} {json.dumps(self.body, ensure_ascii=True)}"
        return f"{self.method} {self.path}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True, slots=True)
class Entry:
    """A change imagedeck made, as recorded in the action log."""

    id: str
    time: str
    session: str
    place: Place
    action: str
    image_id: str
    image_name: str | None
    changes: tuple[FieldChange, ...]
    request: Request
    #: The equivalent ``openstack`` command line, one safe shell line; None when there is none.
    command: str | None
    #: The entry this one undid, when it was an undo.
    undo_of: str | None = None
    #: Why the change cannot be undone even though its action can (e.g. nothing read before).
    not_undoable: str | None = field(default=None)

    @property
    def image_label(self) -> str:
        return self.image_name or self.image_id

    def undo_refusal(self) -> str | None:
        """Why this entry can never be undone, or None when it can be tried."""
        if self.action in NOT_UNDOABLE:
            return NOT_UNDOABLE[self.action]
        if self.action not in UNDOABLE_ACTIONS:
            return f"imagedeck does not know how to undo {self.action!r}"
        return self.not_undoable

    def summary(self) -> str:
        """What changed, in one line: ``hw_disk_bus: virtio -> scsi; visibility: private -> shared``."""
        if not self.changes:
            return self.action.replace("_", " ")
        return "; ".join(describe_change(c) for c in self.changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Entry:
        """An entry from its JSON form; KeyError, TypeError or ValueError when it is not one."""
        if not isinstance(data, dict):
            raise TypeError("an entry is a JSON object")
        changes = tuple(FieldChange(**c) for c in data["changes"])
        entry = cls(
            id=_text(data["id"]),
            time=_text(data["time"]),
            session=_text(data["session"]),
            place=Place(**data["place"]),
            action=_text(data["action"]),
            image_id=_text(data["image_id"]),
            image_name=data.get("image_name"),
            changes=changes,
            request=Request(**data["request"]),
            command=data.get("command"),
            undo_of=data.get("undo_of"),
            not_undoable=data.get("not_undoable"),
        )
        for value in (entry.image_name, entry.command, entry.undo_of, entry.not_undoable, entry.place.label):
            if value is not None and not isinstance(value, str):
                raise TypeError("entry text fields must be strings")
        return entry


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, not {type(value).__name__}")
    return value


def show_value(value: Any) -> str:
    """A before/after value as a person reads it: ``(unset)``, ``a, b`` for lists, else str."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def describe_change(change: FieldChange) -> str:
    if change.kind == "member":
        before = change.before or "not a member"
        after = change.after or "not a member"
        return f"member {change.name}: {before} -> {after}"
    return f"{change.name}: {show_value(change.before)} -> {show_value(change.after)}"


__all__ = ["NOT_UNDOABLE", "UNDOABLE_ACTIONS", "Entry", "FieldChange", "Place", "Request", "describe_change"]
