"""Sharing in the local store: Glance's member rules over the ``image_members`` table.

Only ``shared`` images have members; the owner (or an admin) adds and removes them;
only the member project answers (pending, accepted, rejected); a member sees only its
own entry. Functions run on the store's database thread.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..model import Conflict, Forbidden, Member, MemberStatus, NotFound
from . import local_catalog as catalog
from .local_rules import (
    Actor,
    check_member_id,
    check_member_status,
    require_owner,
    require_shared,
    visible_row,
)


def list_members(conn: sqlite3.Connection, actor: Actor, image_id: str) -> list[Member]:
    with catalog.read(conn):
        row = visible_row(conn, actor, image_id)
        require_shared(row)
        sql = f"SELECT {catalog.MEMBER_COLUMNS} FROM image_members WHERE image_id = ?"
        params: list[Any] = [row[0]]
        if not actor.admin and catalog.row_value(row, "owner") != actor.project:
            sql += " AND member = ?"  # a member sees only its own answer
            params.append(actor.project)
        rows = conn.execute(sql + " ORDER BY created_at, member", params).fetchall()
    return [catalog.member_from_row(r) for r in rows]


def add_member(conn: sqlite3.Connection, actor: Actor, image_id: str, member_id: str) -> Member:
    with catalog.write(conn):
        row = visible_row(conn, actor, image_id)
        require_shared(row)
        require_owner(actor, row, "share")
        member = check_member_id(member_id)
        now = catalog.now_stamp()
        try:
            conn.execute(
                f"INSERT INTO image_members ({catalog.MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                (row[0], member, MemberStatus.PENDING, now, now),
            )
        except sqlite3.IntegrityError:
            raise Conflict(f"image {image_id} is already shared with {member}") from None
        return catalog.fetch_member(conn, row[0], member)


def remove_member(conn: sqlite3.Connection, actor: Actor, image_id: str, member_id: str) -> None:
    with catalog.write(conn):
        row = visible_row(conn, actor, image_id)
        require_shared(row)
        require_owner(actor, row, "unshare")
        gone = conn.execute(
            "DELETE FROM image_members WHERE image_id = ? AND member = ?",
            (row[0], member_id),
        ).rowcount
        if not gone:
            raise NotFound(f"image {image_id} is not shared with {member_id}")


def set_member_status(
    conn: sqlite3.Connection, actor: Actor, image_id: str, member_id: str, status: str
) -> Member:
    with catalog.write(conn):
        row = visible_row(conn, actor, image_id)
        require_shared(row)
        if not actor.admin:
            if catalog.row_value(row, "owner") == actor.project:
                raise Forbidden(
                    f"the owner of image {image_id} cannot answer its shares; "
                    f"project {member_id} accepts or rejects it"
                )
            if member_id != actor.project:
                raise Forbidden(f"only project {member_id} can answer its share of {image_id}")
        current = conn.execute(
            "SELECT 1 FROM image_members WHERE image_id = ? AND member = ?",
            (row[0], member_id),
        ).fetchone()
        if current is None:
            raise NotFound(f"image {image_id} is not shared with {member_id}")
        conn.execute(
            "UPDATE image_members SET status = ?, updated_at = ? WHERE image_id = ? AND member = ?",
            (check_member_status(status), catalog.now_stamp(), row[0], member_id),
        )
        return catalog.fetch_member(conn, row[0], member_id)
