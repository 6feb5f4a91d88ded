"""The local store's SQLite catalog: schema, connections, transactions and row mapping.

Everything here is synchronous and runs on the store's own database thread. Several
processes may share one catalog: WAL lets readers run beside a writer, the busy timeout
makes a second writer wait instead of failing, and every write starts with
``BEGIN IMMEDIATE`` so two writers never deadlock upgrading a read lock.

A catalog is checked before anything writes to it: a file of another program, one whose
tables are gone, or an empty one beside image data is refused as it stands, never
"repaired" into an empty catalog that would make every data file look orphaned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import (
    Forbidden,
    Image,
    ImageDeckError,
    Invalid,
    Member,
    NotFound,
    QuotaExceeded,
    Unavailable,
    parse_timestamp,
    share_repeated_text,
)

#: How long a writer waits for another process's write to finish before giving up.
BUSY_TIMEOUT_S = 10.0

SCHEMA_VERSION = 1
#: Tables every imagedeck catalog has.
TABLES = frozenset({"images", "image_tags", "image_properties", "image_members"})

#: Image columns in the order ``SELECT`` returns them: every Image field but tags and
#: properties (tables of their own) and stores (the Glance backends holding the data).
IMAGE_COLUMNS = tuple(f.name for f in fields(Image) if f.name not in {"tags", "properties", "stores"})
SELECT_IMAGE = "SELECT " + ", ".join(f"i.{c}" for c in IMAGE_COLUMNS) + " FROM images i"

#: Sort keys as SQL columns. NULLs sort as the smallest value (generated ``*_key``
#: columns), and every key is indexed with the tiebreaks so that a page is one index
#: seek from the previous page's last row.
SORT_EXPRESSIONS = {
    "name": "i.name_key",
    "status": "i.status",
    "size": "i.size_key",
    "created_at": "i.created_at",
    "updated_at": "i.updated_at",
    "disk_format": "i.disk_format_key",
    "id": "i.id",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY,
    name TEXT,
    status TEXT NOT NULL,
    disk_format TEXT,
    container_format TEXT,
    size INTEGER,
    virtual_size INTEGER,
    checksum TEXT,
    os_hash_algo TEXT,
    os_hash_value TEXT,
    visibility TEXT NOT NULL,
    protected INTEGER NOT NULL DEFAULT 0,
    os_hidden INTEGER NOT NULL DEFAULT 0,
    owner TEXT NOT NULL,
    min_disk INTEGER NOT NULL DEFAULT 0,
    min_ram INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    name_key TEXT GENERATED ALWAYS AS (coalesce(name, '')) VIRTUAL,
    size_key INTEGER GENERATED ALWAYS AS (coalesce(size, -1)) VIRTUAL,
    disk_format_key TEXT GENERATED ALWAYS AS (coalesce(disk_format, '')) VIRTUAL
);
CREATE INDEX IF NOT EXISTS images_by_created ON images (created_at, id);
CREATE INDEX IF NOT EXISTS images_by_updated ON images (updated_at, created_at, id);
CREATE INDEX IF NOT EXISTS images_by_name ON images (name_key, created_at, id);
CREATE INDEX IF NOT EXISTS images_by_status ON images (status, created_at, id);
CREATE INDEX IF NOT EXISTS images_by_size ON images (size_key, created_at, id);
CREATE INDEX IF NOT EXISTS images_by_disk_format ON images (disk_format_key, created_at, id);
CREATE INDEX IF NOT EXISTS images_by_owner ON images (owner, created_at, id);
CREATE TABLE IF NOT EXISTS image_tags (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (image_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS image_tags_by_tag ON image_tags (tag, image_id);
CREATE TABLE IF NOT EXISTS image_properties (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (image_id, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS image_properties_by_name ON image_properties (name, value);
CREATE TABLE IF NOT EXISTS image_members (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    member TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (image_id, member)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS image_members_by_member ON image_members (member, status, image_id);
"""


class CatalogConnection(sqlite3.Connection):
    """A catalog connection that knows whether it may write."""

    read_only = False


def connect(path: Path, *, may_create: bool = True) -> sqlite3.Connection:
    """Open the catalog with WAL, foreign keys and a busy timeout.

    An empty catalog gets the schema only when ``may_create``: beside existing image
    data, an empty catalog is a lost one, and filling it in would orphan every file. The
    catalog is first looked at through a read-only connection, so a refused one is left
    exactly as it was, journal files and directory times included.
    """
    _inspect(path, may_create)
    conn = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_S,
        isolation_level=None,
        check_same_thread=False,
        factory=CatalogConnection,
    )
    try:
        _prepare(conn, path, may_create)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open the catalog without writing anything: no journal files, no schema, no mtime.

    While another process writes, its ``-wal`` and ``-shm`` files exist and a ``mode=ro``
    reader shares them, seeing each commit. With no writer, ``mode=ro`` would create those
    files, so the catalog is opened ``immutable`` instead: a snapshot as of the open,
    which a later writer's commits do not reach until the next open.
    """
    return _open_read_only(path, may_create=False)


def _inspect(path: Path, may_create: bool) -> None:
    """Check the catalog's schema without writing anything to it (see `connect`)."""
    _open_read_only(path, may_create=may_create).close()


def _open_read_only(path: Path, *, may_create: bool) -> sqlite3.Connection:
    live = Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    uri = f"file:{quote(str(path.absolute()), safe='/')}?{'mode=ro' if live else 'immutable=1'}"
    conn = sqlite3.connect(
        uri,
        uri=True,
        timeout=BUSY_TIMEOUT_S,
        isolation_level=None,
        check_same_thread=False,
        factory=CatalogConnection,
    )
    conn.read_only = True
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        with read(conn):
            _check_schema(conn, path, may_create=may_create)
    except BaseException:
        conn.close()
        raise
    return conn


def _check_schema(conn: sqlite3.Connection, path: Path, *, may_create: bool) -> None:
    """Refuse a catalog imagedeck cannot use as it stands; an empty one only if not ``may_create``."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise Invalid(
            f"the catalog {path} was written by a newer imagedeck (schema {version}); "
            "upgrade imagedeck to open it"
        )
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and version == 0:
        if may_create:
            return
        raise Invalid(
            f"the catalog {path} is empty (it has no images table); nothing was changed: restore it "
            "from a backup (a new catalog is started only in a store that holds no image data)"
        )
    missing = sorted(TABLES - tables)
    columns = {row[1] for row in conn.execute("PRAGMA table_xinfo(images)")}
    lacking = sorted(set(IMAGE_COLUMNS) - columns)
    if missing or lacking:
        what = f"tables {', '.join(missing)}" if missing else f"image columns {', '.join(lacking)}"
        raise Invalid(
            f"the catalog {path} is not an imagedeck catalog (it lacks {what}); "
            "nothing was changed: restore it from a backup or use another store directory"
        )


def _prepare(conn: sqlite3.Connection, path: Path, may_create: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
        raise Invalid(f"the catalog {path} cannot use write-ahead logging (is it on a network share?)")
    # WAL with NORMAL never corrupts on a crash; a power cut may lose the last commits,
    # which the upload protocol tolerates (blobs are synced before their row commits).
    conn.execute("PRAGMA synchronous = NORMAL")
    with write(conn):
        _check_schema(conn, path, may_create=may_create)  # again: another process may have won
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock up front (waits up to the busy timeout)."""
    if getattr(conn, "read_only", False):
        raise Forbidden("the local store is open read-only: nothing in it can be changed (drop --read-only)")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction: one consistent snapshot for several queries."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


# -- timestamps ---------------------------------------------------------------------

_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _wall_clock() -> datetime:
    return datetime.now(UTC)


#: Where catalog times come from; `stamped_as` swaps it while seeding a catalog with a past.
_clock: Callable[[], datetime] = _wall_clock


def now_stamp() -> str:
    """The current time as stored: microseconds, fixed width, so text order is time order.

    Glance keeps sub-second times in its database too (newest-first stays exact) and
    shows them to the second; `display_time` gives that shown form.
    """
    return _clock().strftime(_STAMP_FORMAT)


@contextmanager
def stamped_as(moment: datetime) -> Iterator[None]:
    """Record every catalog write in this block at ``moment``: how a demo catalog gets
    images of different ages. Only for a store nobody else writes to meanwhile."""
    global _clock
    saved, _clock = _clock, lambda: moment
    try:
        yield
    finally:
        _clock = saved


def display_time(stamp: str) -> str:
    """The stored stamp in Glance's shown form, e.g. ``2026-11-23T21:37:50Z``."""
    return stamp[:19] + "Z"


def stamp_from_text(value: str, what: str) -> str:
    """A user-given time in the stored form, for comparisons in filters."""
    parsed = parse_timestamp(value)
    if parsed is None:
        raise Invalid(f"{what} must be an ISO 8601 time such as 2026-01-31T12:00:00Z, not {value!r}")
    return parsed.astimezone(UTC).strftime(_STAMP_FORMAT)


# -- rows -> model ------------------------------------------------------------------


def fetch_row(conn: sqlite3.Connection, image_id: str) -> tuple[Any, ...] | None:
    row: tuple[Any, ...] | None = conn.execute(SELECT_IMAGE + " WHERE i.id = ?", (image_id,)).fetchone()
    return row


def load_image(conn: sqlite3.Connection, image_id: str) -> Image:
    """The image as the catalog holds it now; another process may have deleted it since it was written."""
    row = fetch_row(conn, image_id)
    if row is None:
        raise NotFound(f"image {image_id} was deleted by another process meanwhile")
    return load_images(conn, [row])[0]


def row_value(row: Sequence[Any], column: str) -> Any:
    return row[IMAGE_COLUMNS.index(column)]


def load_images(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> list[Image]:
    """Images for catalog rows, with their tags and properties (two queries per batch)."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    marks = ",".join("?" * len(ids))
    tags: dict[str, list[str]] = {}
    for image_id, tag in conn.execute(
        f"SELECT image_id, tag FROM image_tags WHERE image_id IN ({marks}) ORDER BY tag", ids
    ):
        tags.setdefault(image_id, []).append(tag)
    props: dict[str, dict[str, str]] = {}
    for image_id, name, value in conn.execute(
        f"SELECT image_id, name, value FROM image_properties WHERE image_id IN ({marks}) ORDER BY name",
        ids,
    ):
        props.setdefault(image_id, {})[name] = value
    return [_image(row, tags.get(row[0], []), props.get(row[0], {})) for row in rows]


def _image(row: Sequence[Any], tags: list[str], props: dict[str, str]) -> Image:
    data = dict(zip(IMAGE_COLUMNS, row, strict=True))
    data["protected"] = bool(data["protected"])
    data["os_hidden"] = bool(data["os_hidden"])
    data["created_at"] = display_time(data["created_at"])
    updated = display_time(data["updated_at"])
    # never-changed images (most of a big catalog) share one string for both times
    data["updated_at"] = data["created_at"] if updated == data["created_at"] else updated
    share_repeated_text(data)
    return Image(**data, tags=tags, properties=props)


def member_from_row(row: Sequence[Any]) -> Member:
    image_id, member, status, created_at, updated_at = row
    return Member(
        image_id=image_id,
        member_id=member,
        status=status,
        created_at=display_time(created_at),
        updated_at=display_time(updated_at),
    )


MEMBER_COLUMNS = "image_id, member, status, created_at, updated_at"


# -- small writes and lookups shared by the store's methods ------------------------


def write_tags_and_properties(conn: sqlite3.Connection, image: Image) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO image_tags (image_id, tag) VALUES (?, ?)",
        [(image.id, tag) for tag in image.tags],
    )
    conn.executemany(
        "INSERT INTO image_properties (image_id, name, value) VALUES (?, ?, ?)",
        [(image.id, k, v) for k, v in image.properties.items()],
    )


def touch(conn: sqlite3.Connection, image_id: str) -> None:
    conn.execute("UPDATE images SET updated_at = ? WHERE id = ?", (now_stamp(), image_id))


def fetch_member(conn: sqlite3.Connection, image_id: str, member: str) -> Member:
    row = conn.execute(
        f"SELECT {MEMBER_COLUMNS} FROM image_members WHERE image_id = ? AND member = ?",
        (image_id, member),
    ).fetchone()
    return member_from_row(row)


def db_error(exc: sqlite3.Error, path: Path) -> ImageDeckError:
    """A typed error for a catalog failure."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return Unavailable(
            f"the local store at {path} is busy: another imagedeck is writing to it; try again"
        )
    if "full" in text:
        return QuotaExceeded(f"the disk holding the local store at {path} is full; free some space")
    if "not a database" in text or "malformed" in text:
        return Invalid(
            f"the catalog of the local store at {path} is damaged or is not a SQLite database ({text}); "
            "nothing was changed: restore it from a backup or move it away"
        )
    if "readonly" in text or "read-only" in text:
        return Forbidden(f"the catalog of the local store at {path} cannot be written here ({text})")
    return Unavailable(f"the catalog of the local store at {path} failed: {text}")
