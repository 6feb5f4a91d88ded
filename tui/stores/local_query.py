"""An `ImageQuery` as SQL for the local catalog, with Glance's listing semantics.

Which images a project sees without a visibility filter, what ``member_status`` means,
how ``in:`` lists, tags and time comparisons filter, and the sort tiebreaks all follow
Glance's database layer, so a listing reads the same on both stores. Pages are read by
keyset (the last row's sort values), never by OFFSET, so a page sorted by one key costs
O(page size); orders no index serves (several keys) are sorted once per listing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Image, ImageQuery, Invalid, MemberStatus, SortKey, Visibility
from .local_catalog import (
    IMAGE_COLUMNS,
    SELECT_IMAGE,
    SORT_EXPRESSIONS,
    load_images,
    read,
    stamp_from_text,
)
from .local_rules import Actor

LIST_VISIBILITIES = (*Visibility, "all")
LIST_MEMBER_STATUSES = (*MemberStatus, "all")
_TIME_OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "=", "neq": "!="}
#: Core columns a property-style filter (``min_disk=2``) compares directly, as Glance does.
_TIEBREAK_EXPRESSIONS = [SORT_EXPRESSIONS["created_at"], SORT_EXPRESSIONS["id"]]
_COLUMN_FILTERS = frozenset(
    {"id", "checksum", "os_hash_algo", "os_hash_value", "min_disk", "min_ram", "virtual_size"}
)


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A WHERE clause with its parameters and the full ORDER BY (tiebreaks included)."""

    where: str
    params: tuple[Any, ...]
    order: tuple[tuple[str, str], ...]  # (SQL expression, "asc" | "desc")

    @property
    def indexed(self) -> bool:
        """True when an index yields rows in this order: one sort key (or none) with its
        tiebreaks running the same way. Other orders are sorted once per listing."""
        exprs = [expr for expr, _ in self.order]
        same_way = len({direction for _, direction in self.order}) == 1
        return same_way and len(exprs) <= 3 and exprs[-2:] == _TIEBREAK_EXPRESSIONS

    @property
    def ordering(self) -> str:
        return ", ".join(f"{expr} {direction.upper()}" for expr, direction in self.order)

    def page(self, after: Sequence[Any] | None, limit: int) -> tuple[str, list[Any]]:
        """SQL for the rows after the keyset ``after`` (None for the first page): one
        index seek, however deep into the listing the page is."""
        where, params = self.where, list(self.params)
        if after is not None:
            op = ">" if self.order[0][1] == "asc" else "<"
            exprs = ", ".join(expr for expr, _ in self.order)
            where = f"({where}) AND ({exprs}) {op} ({', '.join('?' * len(after))})"
            params.extend(after)
        columns = ", ".join(expr for expr, _ in self.order)
        sql = (
            f"{SELECT_IMAGE.replace(' FROM', f', {columns} FROM', 1)} WHERE {where} "
            f"ORDER BY {self.ordering} LIMIT ?"
        )
        params.append(limit)
        return sql, params


def split_row(row: Sequence[Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(image columns, sort values) of a row returned by `CompiledQuery.page`."""
    n = len(IMAGE_COLUMNS)
    return tuple(row[:n]), tuple(row[n:])


def compile_query(query: ImageQuery | None, actor: Actor) -> CompiledQuery:
    query = query or ImageQuery()
    clauses: list[str] = []
    params: list[Any] = []

    visibility = query.visibility
    if visibility is not None and visibility not in LIST_VISIBILITIES:
        raise Invalid(f"visibility filter must be one of {', '.join(LIST_VISIBILITIES)}, not {visibility!r}")
    member_status = query.member_status or MemberStatus.ACCEPTED
    if member_status not in LIST_MEMBER_STATUSES:
        raise Invalid(
            f"member_status filter must be one of {', '.join(LIST_MEMBER_STATUSES)}, not {member_status!r}"
        )
    if not actor.admin:
        # Public and community images, the project's own, and shared images it is a
        # member of with the asked-for answer (accepted unless told otherwise).
        member_clause = "m.image_id = i.id AND m.member = ?"
        member_params: list[Any] = [actor.project]
        if member_status != "all":
            member_clause += " AND m.status = ?"
            member_params.append(str(member_status))
        clauses.append(
            "(i.owner = ? OR i.visibility IN ('public', 'community') OR (i.visibility = 'shared'"
            f" AND EXISTS (SELECT 1 FROM image_members m WHERE {member_clause})))"
        )
        params.extend([actor.project, *member_params])
    if visibility is None:
        # Without a visibility filter, community images show only to their owner.
        clauses.append("(i.visibility != 'community' OR i.owner = ?)")
        params.append(actor.project)
    elif visibility != "all":
        clauses.append("i.visibility = ?")
        params.append(str(visibility))

    def equal_any(column: str, values: Sequence[str]) -> None:
        if values:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(str(v) for v in values)

    if query.name is not None:
        clauses.append("i.name = ?")
        params.append(query.name)
    equal_any("i.status", query.status)
    equal_any("i.disk_format", query.disk_format)
    equal_any("i.container_format", query.container_format)
    if query.owner:
        clauses.append("i.owner = ?")
        params.append(query.owner)
    for tag in query.tags:
        clauses.append("EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.tag = ?)")
        params.append(tag)
    for bound, operator in ((query.size_min, ">="), (query.size_max, "<=")):
        if bound is not None:
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise Invalid(f"size_min and size_max must be whole numbers, not {bound!r}")
            clauses.append(f"i.size {operator} ?")
            params.append(bound)
    if query.protected is not None:
        clauses.append("i.protected = ?")
        params.append(int(query.protected))
    clauses.append("i.os_hidden = ?")  # hidden images are listed only when asked for
    params.append(int(bool(query.os_hidden)))
    for column, time_filter in (("created_at", query.created_at), ("updated_at", query.updated_at)):
        if time_filter is not None:
            clauses.append(f"i.{column} {_TIME_OPERATORS[time_filter.operator]} ?")
            params.append(stamp_from_text(time_filter.value, f"the {column} filter"))
    for key, value in query.properties:
        if key in _COLUMN_FILTERS:
            clauses.append(f"i.{key} = ?")
        else:
            clauses.append(
                "EXISTS (SELECT 1 FROM image_properties p"
                " WHERE p.image_id = i.id AND p.name = ? AND p.value = ?)"
            )
            params.append(key)
        params.append(value)

    return CompiledQuery(" AND ".join(clauses), tuple(params), _ordering(query.sort))


def _ordering(sort: Sequence[SortKey]) -> tuple[tuple[str, str], ...]:
    """Sort keys plus Glance's tiebreaks: created_at, then id, in the single key's
    direction when one key was given, otherwise descending."""
    keys = [(s.key, s.direction) for s in sort] or [("created_at", "desc")]
    tiebreak = keys[0][1] if len(keys) == 1 else "desc"
    names = [k for k, _ in keys]
    for extra in ("created_at", "id"):
        if extra not in names:
            keys.append((extra, tiebreak))
    return tuple((SORT_EXPRESSIONS[k], d) for k, d in keys)


def read_page(
    conn: sqlite3.Connection, compiled: CompiledQuery, after: tuple[Any, ...] | None, limit: int
) -> tuple[list[Image], tuple[Any, ...] | None, bool]:
    """One page (and whether another follows) in one snapshot."""
    sql, params = compiled.page(after, limit + 1)
    with read(conn):
        rows = conn.execute(sql, params).fetchall()
        more = len(rows) > limit
        split = [split_row(r) for r in rows[:limit]]
        images = load_images(conn, [image_row for image_row, _ in split])
    return images, (split[-1][1] if split else None), more


def read_ordered_ids(conn: sqlite3.Connection, compiled: CompiledQuery) -> list[str]:
    """Every matching id in order: one sort for a whole listing no index can serve."""
    sql = f"SELECT i.id FROM images i WHERE {compiled.where} ORDER BY {compiled.ordering}"
    return [row[0] for row in conn.execute(sql, compiled.params)]


def read_listed(conn: sqlite3.Connection, compiled: CompiledQuery, ids: Sequence[str]) -> list[Image]:
    """The images of one page of `read_ordered_ids`, in that order (gone ones skipped)."""
    marks = ",".join("?" * len(ids))
    sql = f"{SELECT_IMAGE} WHERE ({compiled.where}) AND i.id IN ({marks})"
    with read(conn):
        rows = {row[0]: row for row in conn.execute(sql, [*compiled.params, *ids])}
        return load_images(conn, [rows[i] for i in ids if i in rows])
