"""Undoing a recorded change: its inverse, a preview a person can read, and the reasons to refuse.

An undo restores the "before" of an entry only while the image still holds its "after":
if someone changed a touched field since, the undo is refused (``force`` overrides it and
the preview names what will be overwritten). Deletes, uploads and imports cannot be undone;
neither can anything on an image that is gone. The undo is made through the recording
store, so it is logged itself, and can be undone in turn.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import CORE_FIELDS, Change, Conflict, Image, ImageDeckError, Invalid, NotFound
from ..stores.base import ImageStore
from .entry import Entry, FieldChange, Place, show_value
from .recorder import RecordingStore

Step = Callable[[ImageStore], Awaitable[Any]]


class UndoRefused(Conflict):
    """The change cannot be undone, or not safely now; the message says why."""

    kind = "cannot undo"


@dataclass(frozen=True, slots=True)
class UndoPlan:
    """What undoing ``entry`` will do, and the one store call that does it."""

    entry: Entry
    #: One clause per restored value: "restores hw_disk_bus=virtio (now scsi)".
    clauses: tuple[str, ...]
    #: Values changed since the entry, overwritten because the undo was forced.
    overwrites: tuple[str, ...]
    step: Step

    def preview(self) -> str:
        text = ", ".join(self.clauses)
        if self.overwrites:
            text += f" (overwriting changes made since: {'; '.join(self.overwrites)})"
        return text


# -- choosing an entry -------------------------------------------------------------------


def undone_ids(entries: Sequence[Entry]) -> set[str]:
    return {e.undo_of for e in entries if e.undo_of}


def last_undoable(entries: Sequence[Entry], place: Place) -> Entry | None:
    """The newest change made at ``place`` that can be undone and was not undone yet.

    Undos themselves are skipped, so undoing again steps further back; undo an undo by
    naming its entry.
    """
    undone = undone_ids(entries)
    for entry in reversed(entries):
        if (
            entry.place.same_as(place)
            and entry.undo_of is None
            and entry.id not in undone
            and entry.undo_refusal() is None
        ):
            return entry
    return None


def find_entry(entries: Sequence[Entry], ref: str) -> Entry:
    """The entry whose id is ``ref`` or starts with it (when only one does)."""
    exact = [e for e in entries if e.id == ref]
    if exact:
        return exact[-1]
    found = [e for e in entries if ref and e.id.startswith(ref)]
    if not found:
        raise NotFound(f"no entry {ref!r} in the action log (imagedeck log lists them)")
    if len(found) > 1:
        raise Invalid(
            f"entry {ref!r} is ambiguous: {', '.join(e.id for e in found[:5])}; give more of the id"
        )
    return found[0]


# -- planning ------------------------------------------------------------------------


async def plan_undo(
    store: RecordingStore, entry: Entry, *, entries: Sequence[Entry] = (), force: bool = False
) -> UndoPlan:
    """The plan to undo ``entry`` through ``store``, or UndoRefused saying why not."""
    refusal = entry.undo_refusal()
    if refusal:
        raise UndoRefused(f"entry {entry.id} ({entry.action.replace('_', ' ')}) cannot be undone: {refusal}")
    here = await store.place()
    if not entry.place.same_as(here):
        raise UndoRefused(
            f"entry {entry.id} was made at {entry.place.describe()}, not here ({here.describe()}); "
            "open that store and project to undo it"
        )
    undone_by = [e.id for e in entries if e.undo_of == entry.id]
    if undone_by and not force:
        raise UndoRefused(
            f"entry {entry.id} was already undone by entry {undone_by[-1]} (--force to apply it again)"
        )
    try:
        image = await store.get_image(entry.image_id)
    except NotFound:
        raise UndoRefused(f"image {entry.image_label} ({entry.image_id}) is gone") from None
    if entry.action in ("deactivate", "reactivate"):
        return _plan_lifecycle(entry, image, force)
    if entry.action in ("add_member", "remove_member", "member_status"):
        return await _plan_member(store, entry, here, force)
    return _plan_fields(entry, image, force)


def _plan_fields(entry: Entry, image: Image, force: bool) -> UndoPlan:
    changes: list[Change] = []
    clauses: list[str] = []
    overwrites: list[str] = []
    for change in entry.changes:
        now = _current(image, change.name)
        if now == change.before:
            continue
        if now != change.after:
            overwrites.append(_since(change, now))
        changes.append(_inverse(change, now))
        clauses.append(field_clause(change.name, change.before, now))
    _check(entry, clauses, overwrites, force)

    async def step(store: ImageStore) -> Any:
        return await store.update_image(entry.image_id, changes)

    return UndoPlan(entry, tuple(clauses), tuple(overwrites), step)


def _plan_lifecycle(entry: Entry, image: Image, force: bool) -> UndoPlan:
    change = entry.changes[0] if entry.changes else FieldChange("status", None, None)
    back = "reactivate" if entry.action == "deactivate" else "deactivate"
    overwrites = [] if image.status == change.after else [_since(change, image.status)]
    clauses = [] if change.before == image.status else [f"{back}s the image (now {image.status})"]
    _check(entry, clauses, overwrites, force)

    async def step(store: ImageStore) -> Any:
        return await getattr(store, back)(entry.image_id)

    return UndoPlan(entry, tuple(clauses), tuple(overwrites), step)


async def _plan_member(store: ImageStore, entry: Entry, here: Place, force: bool) -> UndoPlan:
    change = entry.changes[0]
    member = change.name
    try:
        members = await store.list_members(entry.image_id)
    except ImageDeckError as exc:
        raise UndoRefused(f"cannot read the members of image {entry.image_label}: {exc}") from None
    now = next((str(m.status) for m in members if m.member_id == member), None)
    overwrites = [] if now == change.after else [_since(change, now)]
    step: Step
    if entry.action == "add_member":
        clause = f"stops sharing the image with {member} (now {now})" if now else ""

        async def step(store: ImageStore) -> Any:
            return await store.remove_member(entry.image_id, member)

    elif entry.action == "remove_member":
        clause = (
            "" if now else f"shares the image with {member} again, pending their answer (was {change.before})"
        )

        async def step(store: ImageStore) -> Any:
            return await store.add_member(entry.image_id, member)

    else:
        if member != here.project_id:
            raise UndoRefused(
                f"entry {entry.id}: the share's answer belongs to project {member}, not this one"
            )
        if change.before is None:
            raise UndoRefused(f"entry {entry.id}: the answer before this one is not known")
        previous = str(change.before)
        clause = "" if now == previous else f"sets this project's answer back to {previous} (now {now})"

        async def step(store: ImageStore) -> Any:
            return await store.set_member_status(entry.image_id, member, previous)

    clauses = [clause] if clause else []
    _check(entry, clauses, overwrites, force)
    return UndoPlan(entry, tuple(clauses), tuple(overwrites), step)


async def apply_undo(store: RecordingStore, plan: UndoPlan) -> None:
    """Carry the plan out; the change is logged as the undo of its entry."""
    with store.undoing(plan.entry.id):
        await plan.step(store)


# -- pieces --------------------------------------------------------------------------


def _check(entry: Entry, clauses: list[str], overwrites: list[str], force: bool) -> None:
    if not clauses:
        raise UndoRefused(
            f"entry {entry.id}: nothing to undo, image {entry.image_label} already has the values from before"
        )
    if overwrites and not force:
        raise UndoRefused(
            f"image {entry.image_label} changed since entry {entry.id}: {'; '.join(overwrites)} "
            "(--force to undo anyway)"
        )


def _current(image: Image, name: str) -> Any:
    value = image.get(name)
    return list(value) if isinstance(value, list) else value


def _since(change: FieldChange, now: Any) -> str:
    if change.kind == "member":
        return f"{change.name}'s share is now {now or 'gone'}, not {change.after or 'gone'}"
    return f"{change.name} is now {show_value(now)}, not {show_value(change.after)}"


def _inverse(change: FieldChange, now: Any) -> Change:
    """The patch operation putting ``change.before`` back, given the value now."""
    if change.name in CORE_FIELDS:
        return Change.replace(change.name, change.before)
    if change.before is None:
        return Change.remove(change.name)
    return (
        Change.replace(change.name, change.before)
        if now is not None
        else Change.add(change.name, change.before)
    )


def field_clause(name: str, before: Any, now: Any) -> str:
    """One preview clause: what the undo sets ``name`` back to, and what it is now."""
    if name == "visibility":
        return f"makes the image {before} again (now {now})"
    if name == "protected":
        state = "protected" if now else "unprotected"
        return f"{'protects' if before else 'unprotects'} the image again (now {state})"
    if name == "os_hidden":
        return f"{'hides' if before else 'shows'} the image again (now {'hidden' if now else 'shown'})"
    if name == "tags":
        return f"restores tags {show_value(before)} (now {show_value(now)})"
    if name == "name":
        return f"renames the image back to {before!r} (now {now!r})"
    if before is None:
        return f"removes {name} (now {name}={show_value(now)})"
    return f"restores {name}={show_value(before)} (now {show_value(now)})"


__all__ = [
    "UndoPlan",
    "UndoRefused",
    "apply_undo",
    "field_clause",
    "find_entry",
    "last_undoable",
    "plan_undo",
    "undone_ids",
]
