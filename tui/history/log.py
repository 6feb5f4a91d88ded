"""The action log file: one JSON entry per line, private to its user, capped in length.

It lives in the user state directory (``platformdirs``), or where ``IMAGEDECK_HISTORY``
says. Several imagedeck processes may append at once: each entry is one ``write`` to a file
opened for appending, and trimming holds an exclusive lock and replaces the file whole. A
line that cannot be read (cut short, edited by hand) is skipped and counted, never fatal.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .entry import Entry

#: Environment variable naming another log file.
HISTORY_ENV = "IMAGEDECK_HISTORY"
#: Entries kept; the oldest go when the file grows past this by a tenth.
CAP = 2000
FILE_NAME = "actions.jsonl"
#: Environment variable naming imagedeck's state directory (as the transfer service reads it).
STATE_ENV = "IMAGEDECK_STATE_DIR"


def default_log_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    named = environ.get(HISTORY_ENV)
    if named:
        return Path(named).expanduser()
    # the state directory named for imagedeck (the transfer service's too) holds the log as well
    state = environ.get(STATE_ENV)
    return (
        Path(state).expanduser() / FILE_NAME
        if state
        else Path(platformdirs.user_state_dir("imagedeck")) / FILE_NAME
    )


def terminal_session() -> str:
    """An id shared by every imagedeck run in this terminal session, and by no other session.

    The process session (the login shell's) plus when its leader started, so a session id
    the system reuses later is told apart.
    """
    sid = os.getsid(0)
    started = ""
    with contextlib.suppress(OSError, IndexError):
        started = Path(f"/proc/{sid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    seed = f"{socket.gethostname()}:{sid}:{started}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class LogRead:
    """The entries read, oldest first, and how many lines were skipped as unreadable."""

    entries: list[Entry]
    skipped: int = 0

    def warning(self, path: Path) -> str | None:
        if not self.skipped:
            return None
        lines = "line" if self.skipped == 1 else "lines"
        return f"skipped {self.skipped} unreadable {lines} of the action log {path}"


class ActionLog:
    """The log file at ``path`` (created 0600, its directory 0700, on the first entry)."""

    def __init__(self, path: Path | None = None, *, cap: int = CAP) -> None:
        self.path = path if path is not None else default_log_path()
        self.cap = cap

    def append(self, entry: Entry) -> None:
        """Add one entry; OSError when the file cannot be written."""
        line = (json.dumps(entry.to_json(), ensure_ascii=True) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        while True:
            with self._opened(os.O_WRONLY | os.O_APPEND | os.O_CREAT) as fd:
                fcntl.flock(fd, fcntl.LOCK_EX)
                if not self._is_current(fd):
                    continue  # another process trimmed the file while this one waited
                os.write(fd, line)
                self._trim()
                return

    def read(self) -> LogRead:
        """Every readable entry, oldest first; a missing file is an empty log."""
        try:
            with self._opened(os.O_RDONLY) as fd:
                fcntl.flock(fd, fcntl.LOCK_SH)
                data = _read_all(fd)
        except FileNotFoundError:
            return LogRead([])
        entries: list[Entry] = []
        skipped = 0
        for raw in data.splitlines():
            if not raw.strip():
                continue
            try:
                entries.append(Entry.from_json(json.loads(raw)))
            except (ValueError, KeyError, TypeError):
                skipped += 1
        return LogRead(entries, skipped)

    @contextlib.contextmanager
    def _opened(self, flags: int) -> Iterator[int]:
        fd = os.open(self.path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            if flags & os.O_CREAT:
                os.fchmod(fd, 0o600)
            yield fd
        finally:
            os.close(fd)

    def _is_current(self, fd: int) -> bool:
        """Whether ``fd`` is still the file at ``path`` (a trim replaces it)."""
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path, follow_symlinks=False))
        except FileNotFoundError:
            return False

    def _trim(self) -> None:
        """Keep the newest ``cap`` lines once the file holds a tenth more (under the lock)."""
        with open(self.path, "rb") as reader:
            lines = reader.read().splitlines(keepends=True)
        if len(lines) <= self.cap + self.cap // 10:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(out, b"".join(lines[-self.cap :]))
            os.fsync(out)
        finally:
            os.close(out)
        os.replace(tmp, self.path)


def _read_all(fd: int) -> str:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


__all__ = ["CAP", "HISTORY_ENV", "ActionLog", "LogRead", "default_log_path", "terminal_session"]
