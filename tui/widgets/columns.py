"""The image list's columns and the short forms its cells use (sizes, ages), without Textual."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..model import TRANSITIONAL_STATUSES, Image, parse_timestamp
from ..model.describe import short_id


class ListContext(Protocol):
    """What a cell needs from its list: this project's id, project names by id, and the time
    ages are counted to."""

    me: str | None

    @property
    def owner_names(self) -> Mapping[str, str]: ...

    def now(self) -> datetime: ...


def short_size(size: int | None) -> str:
    """A byte count in at most 7 characters (binary units), "-" when unknown."""
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "K", "M", "G", "T"):
        if value < 1024 or unit == "T":
            return f"{int(value)}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1024
    return "-"


def age(stamp: str | None, now: datetime) -> str:
    """How long ago a Glance timestamp was, in a few characters ("5m", "3d", "2y")."""
    when = parse_timestamp(stamp)
    if when is None:
        return "-"
    seconds = max(0, int((now - when).total_seconds()))
    for limit, size, unit in (
        (60, 1, "s"),
        (3600, 60, "m"),
        (86400, 3600, "h"),
        (86400 * 30, 86400, "d"),
        (86400 * 365, 86400 * 30, "mo"),
    ):
        if seconds < limit:
            return f"{seconds // size}{unit}"
    return f"{seconds // (86400 * 365)}y"


@dataclass(frozen=True, slots=True)
class Column:
    """One list column: a header, a width (0 = takes the remaining space) and a cell getter."""

    key: str
    title: str
    width: int
    cell: Callable[[Image, ListContext], str]
    right: bool = False


def _owner(image: Image, pane: ListContext) -> str:
    if image.owner and image.owner == pane.me:
        return "me"
    if not image.owner:
        return "-"
    return owner_label(image.owner, pane.owner_names)


def owner_label(owner: str, names: Mapping[str, str]) -> str:
    """A project as a short cell shows it: its name where known, else the ends of its id."""
    return names.get(owner) or short_id(owner)


BASE_COLUMNS = (
    Column("name", "Name", 0, lambda i, p: i.label),
    Column(
        "status", "Status", 12, lambda i, p: ("~ " if i.status in TRANSITIONAL_STATUSES else "") + i.status
    ),
    Column("disk_format", "Format", 6, lambda i, p: i.disk_format or "-"),
    Column("size", "Size", 7, lambda i, p: short_size(i.size), right=True),
    Column("visibility", "Visible", 9, lambda i, p: i.visibility),
    Column("protected", "P", 1, lambda i, p: "P" if i.protected else " "),
    Column("owner", "Owner", 9, _owner),
    Column("updated_at", "Upd.", 4, lambda i, p: age(i.updated_at, p.now()), right=True),
)

EXTRA_COLUMNS = (
    Column("container_format", "Cont.", 7, lambda i, p: i.container_format or "-"),
    Column("virtual_size", "Virtual", 8, lambda i, p: short_size(i.virtual_size), right=True),
    Column("min", "Min disk/RAM", 12, lambda i, p: f"{i.min_disk}G/{i.min_ram}M", right=True),
    Column("tags", "Tags", 16, lambda i, p: ",".join(i.tags) or "-"),
    Column("id", "ID", 36, lambda i, p: i.id),
    Column("hash", "Hash", 16, lambda i, p: (i.os_hash_value or i.checksum or "-")[:16]),
)

#: Narrowest the name column may get before extra columns stop being added (unless toggled).
MIN_NAME = 30


#: Name width the list keeps by letting minor columns give way (unless `w` asks for more columns).
NAME_FIT = 28

#: Base columns that give way, in order, when the name would get narrower than `NAME_FIT`.
MINOR_COLUMNS = ("visibility", "owner")


def choose_columns(width: int, *, wide: bool) -> list[tuple[Column, int]]:
    """The columns that fit ``width`` cells and their widths; the extra ones when room allows
    (more readily when ``wide``), minor ones given up first so names keep `NAME_FIT` cells."""
    chosen = list(BASE_COLUMNS)
    used = sum(c.width + 1 for c in chosen[1:]) + 2  # leading space, name separator
    for minor in MINOR_COLUMNS if not wide else ():
        if width - used >= NAME_FIT:
            break
        column = next(c for c in chosen if c.key == minor)
        chosen.remove(column)
        used -= column.width + 1
    min_name = 12 if wide else MIN_NAME
    for extra in EXTRA_COLUMNS:
        if width - used - extra.width - 1 >= min_name:
            chosen.append(extra)
            used += extra.width + 1
    name_width = max(8, width - used)
    return [(c, name_width if c.width == 0 else c.width) for c in chosen]
