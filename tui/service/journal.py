"""The service's journal: one SQLite row per job, so a job outlives the process running it.

A row holds the job's spec (no secret: see `spec`), its last state and figures, its
message, when it was made and last changed, the image a job created (an upload's queued
image, a copy's new image: recovery deletes or reuses it), and for a resumed download the
offset it resumed from. The file is the user's alone (0600).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..transfers.events import TransferKind, TransferProgress, TransferState
from .spec import JobSpec

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    destination TEXT NOT NULL DEFAULT '',
    total INTEGER,
    done INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    image_id TEXT,
    resumed_from INTEGER
)
"""

_SELECT = (
    "SELECT id, kind, state, spec, source, destination, total, done, message, created, updated, "
    "image_id, resumed_from FROM jobs ORDER BY seq"
)


@dataclass(frozen=True, slots=True)
class JobRow:
    """One job as the journal last saw it."""

    id: str
    spec: JobSpec
    progress: TransferProgress
    created: float
    updated: float
    image_id: str | None
    resumed_from: int | None


class Journal:
    """The jobs of one user's service, in the order they were submitted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)
        os.close(fd)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @staticmethod
    def read(path: Path) -> list[JobRow]:
        """The rows of a journal no service has open now, read without changing anything."""
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error:
            return []
        try:
            cursor = db.execute(_SELECT)
            return [_row(*values) for values in cursor.fetchall()]
        except sqlite3.Error:
            return []
        finally:
            db.close()

    def add(self, spec: JobSpec, source: str = "", destination: str = "") -> str:
        """Record a new job, queued; returns its id."""
        now = time.time()
        with self._db:
            cur = self._db.execute(
                "INSERT INTO jobs (id, kind, state, spec, source, destination, created, updated) "
                "VALUES ('', ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(spec.kind),
                    str(TransferState.QUEUED),
                    json.dumps(spec.to_json()),
                    source,
                    destination,
                    now,
                    now,
                ),
            )
            job_id = f"t{cur.lastrowid}"
            self._db.execute("UPDATE jobs SET id = ? WHERE seq = ?", (job_id, cur.lastrowid))
        return job_id

    def save(self, progress: TransferProgress) -> None:
        """Record a job's latest figures and state."""
        self._db.execute(
            "UPDATE jobs SET state = ?, source = ?, destination = ?, total = ?, done = ?, message = ?, "
            "updated = ? WHERE id = ?",
            (
                str(progress.state),
                progress.source,
                progress.destination,
                progress.total,
                progress.done,
                progress.message,
                time.time(),
                progress.job_id,
            ),
        )

    def set_image(self, job_id: str, image_id: str | None) -> None:
        self._db.execute("UPDATE jobs SET image_id = ? WHERE id = ?", (image_id, job_id))

    def set_resumed_from(self, job_id: str, offset: int) -> None:
        self._db.execute("UPDATE jobs SET resumed_from = ? WHERE id = ?", (offset, job_id))

    def forget(self, job_id: str) -> None:
        self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def rows(self) -> list[JobRow]:
        cursor = self._db.execute(_SELECT)
        return [_row(*values) for values in cursor.fetchall()]

    def get(self, job_id: str) -> JobRow | None:
        return next((row for row in self.rows() if row.id == job_id), None)


def _row(
    job_id: str,
    kind: str,
    state: str,
    spec: str,
    source: str,
    destination: str,
    total: int | None,
    done: int,
    message: str | None,
    created: float,
    updated: float,
    image_id: str | None,
    resumed_from: int | None,
) -> JobRow:
    progress = TransferProgress(
        job_id=job_id,
        kind=TransferKind(kind),
        state=TransferState(state),
        source=source,
        destination=destination,
        total=total,
        done=done,
        rate=None,
        eta=None,
        message=message,
    )
    loaded: Any = json.loads(spec)
    return JobRow(job_id, JobSpec.from_json(loaded), progress, created, updated, image_id, resumed_from)


__all__ = ["JobRow", "Journal"]
