"""How CLI results look: aligned tables and key/value blocks for people, JSON with Glance's
field names for scripts.

Names, properties, tags and member ids are written by other projects, so every cell and
value a person reads passes through `visible` before layout: a control sequence shows as
an escape, a newline cannot forge a table row, and columns are measured in terminal cells.
JSON needs none of this: its encoder escapes every control character already.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import humanize

from ..model import Image, Member, cell_width, fit, parse_timestamp, visible
from ..model.safe_text import ljust

if TYPE_CHECKING:
    from ..formats import FormatReport


def to_plain(data: Any) -> Any:
    """JSON-ready values: images and members in Glance's shape, paths and enums as text."""
    if isinstance(data, (Image, Member)):
        return data.to_glance()
    if callable(getattr(data, "to_dict", None)):  # e.g. a format inspection report
        return to_plain(data.to_dict())
    if isinstance(data, dict):
        return {str(k): to_plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple, set, frozenset)):
        return [to_plain(v) for v in data]
    if isinstance(data, Enum):
        return data.value
    if isinstance(data, Path):
        return str(data)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return to_plain({f.name: getattr(data, f.name) for f in dataclasses.fields(data)})
    return data


#: One value per call, with the C encoder (``indent`` would switch to the pure-Python one).
_compact = json.JSONEncoder(default=str).encode


def to_json(data: Any) -> str:
    """A list prints one item per line, as listings of thousands of images print fast that way
    and stay easy to grep; anything else is indented."""
    plain = to_plain(data)
    if isinstance(plain, list) and plain:
        return "[\n" + ",\n".join(f"  {_compact(item)}" for item in plain) + "\n]"
    return json.dumps(plain, indent=2, default=str)


# -- small formatters --------------------------------------------------------------


def size(value: int | None) -> str:
    """Binary units, as disk images are sized: 1.0 GiB, 512.0 MiB."""
    if value is None:
        return "-"
    return humanize.naturalsize(value, binary=True)


def age(timestamp: str | None, now: datetime | None = None) -> str:
    """How long ago, e.g. "3 minutes ago"; "-" when unknown."""
    when = parse_timestamp(timestamp)
    if when is None:
        return "-"
    now = now or datetime.now(UTC)
    return humanize.naturaltime(now - when)


def text(value: Any) -> str:
    """A value as one line a person can read: "-" when unset, list items comma-separated."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(visible(v) for v in value)
    return visible(value)


#: Cells wider than this are cut with "…" in tables, so one huge name cannot push every
#: other column off the screen (``show`` and ``--json`` print values whole).
MAX_CELL_WIDTH = 80


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Left-aligned columns two spaces apart, measured in terminal cells; the last column is
    not padded. Every cell is made visible first, so each row is exactly one line."""
    body = [[fit(visible(cell), MAX_CELL_WIDTH) for cell in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_width(cell))
    lines = []
    for row in [list(headers), *body]:
        cells = [ljust(cell, widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def key_values(pairs: Iterable[tuple[Any, Any]]) -> str:
    """One ``key  value`` line per pair, keys aligned; keys and values made visible."""
    shown = [(visible(k), text(v)) for k, v in pairs]
    width = max((cell_width(k) for k, _ in shown), default=0)
    return "\n".join(f"{ljust(k, width)}  {v}" for k, v in shown)


# -- images and members ------------------------------------------------------------

IMAGE_COLUMNS = ("ID", "Name", "Status", "Disk", "Size", "Visibility", "Prot", "Owner", "Updated")
#: Columns given up, in this order, when a terminal is too narrow for the whole table.
IMAGE_DROP_ORDER = ("Prot", "Visibility", "Updated", "Disk", "Owner")
#: The Name column keeps at least this many cells before any column is given up.
NAME_MIN_WIDTH = 16
#: Cells an owner id keeps when the table fits a terminal (the full id is in --wide and --json).
SHORT_OWNER = 8


def owner_label(owner: str | None, me: str | None, *, short: bool) -> str:
    """``me`` for this project's own images; another project's id, cut when ``short``."""
    if not owner:
        return "-"
    if owner == me:
        return "me"
    return fit(visible(owner), SHORT_OWNER + 1) if short else owner


def image_table(
    images: Sequence[Image], now: datetime | None = None, *, me: str | None = None, width: int | None = None
) -> str:
    """The ``ls`` table; with ``width`` it fits that many cells (names cut, columns given up)."""
    if not images:
        return "no images"
    rows = [
        (
            image.id,
            image.name or "-",
            image.status,
            image.disk_format or "-",
            size(image.size),
            image.visibility,
            "yes" if image.protected else "",
            owner_label(image.owner, me, short=width is not None),
            age(image.updated_at, now),
        )
        for image in images
    ]
    if width is None:
        return table(IMAGE_COLUMNS, rows)
    return fitted_table(IMAGE_COLUMNS, rows, width, flex="Name", drop_order=IMAGE_DROP_ORDER)


def fitted_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int, *, flex: str, drop_order: Sequence[str]
) -> str:
    """`table` within ``width`` cells: the ``flex`` column takes the room the others leave, and
    columns are given up in ``drop_order`` while that room is under `NAME_MIN_WIDTH`."""
    cells = [[fit(visible(cell), MAX_CELL_WIDTH) for cell in row] for row in rows]
    flex_index = list(headers).index(flex)
    natural = [
        max(cell_width(header), *(cell_width(row[i]) for row in cells)) for i, header in enumerate(headers)
    ]
    keep = list(range(len(headers)))

    def room() -> int:
        """Cells left for the flex column once the other kept columns and the gaps are laid out."""
        return width - sum(natural[i] for i in keep if i != flex_index) - 2 * (len(keep) - 1)

    for index in range(len(headers)):  # a column with nothing in it gives its room to names first
        if room() < natural[flex_index] and index != flex_index and all(not row[index] for row in cells):
            keep.remove(index)
    for name in drop_order:
        if room() >= min(NAME_MIN_WIDTH, natural[flex_index]):
            break
        if (index := list(headers).index(name)) in keep:
            keep.remove(index)
    flex_width = min(natural[flex_index], max(4, room()))
    chosen = [[fit(row[i], flex_width) if i == flex_index else row[i] for i in keep] for row in cells]
    return table([headers[i] for i in keep], chosen)


def image_details(image: Image, now: datetime | None = None) -> str:
    """Every core field, then the free-form properties sorted by name."""

    def sized(value: int | None) -> str:
        return "-" if value is None else f"{size(value)} ({value:,} bytes)"

    def timed(value: str | None) -> str:
        return "-" if value is None else f"{value} ({age(value, now)})"

    pairs: list[tuple[str, Any]] = [
        ("id", image.id),
        ("name", image.name),
        ("status", image.status),
        ("disk_format", image.disk_format),
        ("container_format", image.container_format),
        ("size", sized(image.size)),
        ("virtual_size", sized(image.virtual_size)),
        ("checksum", image.checksum),
        ("os_hash_algo", image.os_hash_algo),
        ("os_hash_value", image.os_hash_value),
        ("visibility", image.visibility),
        ("protected", image.protected),
        ("os_hidden", image.os_hidden),
        ("owner", image.owner),
        ("min_disk", f"{image.min_disk} GiB"),
        ("min_ram", f"{image.min_ram} MiB"),
        ("tags", sorted(image.tags)),
        ("created_at", timed(image.created_at)),
        ("updated_at", timed(image.updated_at)),
    ]
    if image.stores:
        pairs.append(("stores", image.stores))
    pairs.extend(sorted(image.properties.items()))
    return key_values(pairs)


def member_table(members: Sequence[Member], now: datetime | None = None) -> str:
    if not members:
        return "no members"
    rows = [(m.member_id, m.status, age(m.created_at, now), age(m.updated_at, now)) for m in members]
    return table(("Project", "Status", "Shared", "Updated"), rows)


def inspection(report: FormatReport) -> str:
    """The verdict line, then the facts and every failed check on its own line."""
    pairs: list[tuple[str, Any]] = [
        ("file", report.path),
        ("detected_format", report.detected_format or "unknown"),
        ("declared_format", report.declared_format),
        (
            "virtual_size",
            "-"
            if report.virtual_size is None
            else f"{size(report.virtual_size)} ({report.virtual_size:,} bytes)",
        ),
        ("actual_size", f"{size(report.actual_size)} ({report.actual_size:,} bytes)"),
        ("allocated_size", size(report.allocated_size)),
        (
            "suggested_min_disk",
            None if report.suggested_min_disk_gb is None else f"{report.suggested_min_disk_gb} GiB",
        ),
        ("safe", report.safe),
    ]
    pairs += [("failed check", failure.message) for failure in report.failures]
    if report.mismatch:
        pairs.append(("mismatch", report.mismatch))
    pairs += [("note", note) for note in report.notes]
    return key_values(pairs)


def render(data: Any) -> str:
    """A person's view of a command result when the command gave none of its own."""
    if isinstance(data, Image):
        return image_details(data)
    if isinstance(data, Member):
        return key_values(data.to_glance().items())
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, Image) for d in data):
        return image_table(data)
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, Member) for d in data):
        return member_table(data)
    if isinstance(data, dict):
        return key_values(data.items())
    if isinstance(data, str):
        return data
    return to_json(data)


__all__ = [
    "age",
    "fitted_table",
    "image_details",
    "image_table",
    "inspection",
    "key_values",
    "member_table",
    "owner_label",
    "render",
    "size",
    "table",
    "text",
    "to_json",
    "to_plain",
]
