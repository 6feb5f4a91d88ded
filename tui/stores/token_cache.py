"""Keystone tokens kept between runs, so a CLI call does not authenticate every time.

One 0600 file per cloud configuration under the user cache dir. The file name is the cloud
name plus a hash of the configuration's *binding*: everything that decides where a token goes
and whom it belongs to (auth URL, identity, scope, region, interface, endpoint override, TLS
choice), never a secret. The binding is written into the entry as well and must match on
reading, so a token issued for one configuration is never handed to another.
Only a token whose expiry Keystone stated is kept: one without an expiry lives as long as
the run that got it.

The file lies on local disk and is treated as hostile: anything that is not a regular file
of ours holding a well-formed, unexpired entry is ignored (never followed through a symlink)
and replaced on the next save. The token inside is the only sensitive value and is never logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs

#: A token this close to its expiry is neither used nor reused: it is renewed first. The one
#: margin for reading the cache and for renewing a token in use, so the two never disagree.
EXPIRY_MARGIN = timedelta(seconds=60)
#: A cache entry larger than this is not ours (a big catalog is a few hundred KiB).
MAX_ENTRY_BYTES = 4 * 1024 * 1024


def default_dir() -> Path:
    return Path(platformdirs.user_cache_dir("imagedeck")) / "tokens"


class TokenCache:
    """Read, write and drop the cached token entry of one cloud configuration."""

    def __init__(self, cloud_name: str, binding: dict[str, Any], directory: Path | None = None):
        text = json.dumps(binding, sort_keys=True, default=str)
        #: The binding as it reads back from JSON, to compare with a loaded entry's.
        self.binding: dict[str, Any] = json.loads(text)
        digest = hashlib.sha256(text.encode()).hexdigest()[:24]
        safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", cloud_name)[:64]
        self.path = (directory or default_dir()) / f"{safe_name}-{digest}.json"

    def load(self) -> dict[str, Any] | None:
        """The cached entry if it is ours, for this binding and not about to expire; else None."""
        entry = self._read()
        if entry is None or entry.get("binding") != self.binding:
            return None
        expires = _expiry(entry.get("expires_at"))
        if expires is None:
            return None
        if near_expiry(expires):
            self.drop()
            return None
        return entry

    def _read(self) -> dict[str, Any] | None:
        """The file's JSON object, read without following a symlink and only from our own file."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                return None
            if info.st_size > MAX_ENTRY_BYTES:
                return None
            with os.fdopen(fd, "rb", closefd=False) as src:
                raw = src.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            return None
        return entry if isinstance(entry, dict) else None

    def save(self, entry: dict[str, Any]) -> None:
        """Write atomically with mode 0600 from the start; a cache failure is not an error.

        The new file is created under a fresh name and renamed over the old entry, so a
        symlink or a stale file at the entry's name is replaced, never written through.
        """
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if self.path.is_dir() and not self.path.is_symlink():
                self.path.rmdir()  # an empty directory in the way; a full one stays (and we skip)
            fd, name = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".tmp", dir=directory)
        except OSError:
            return
        tmp = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({**entry, "binding": self.binding}, out)
            tmp.replace(self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def drop(self) -> None:
        """Remove the entry (a symlink itself, never its target; never a directory)."""
        try:
            if not self.path.is_dir() or self.path.is_symlink():
                self.path.unlink()
        except OSError:
            pass


def near_expiry(expires_at: datetime) -> bool:
    """Whether a token expiring at ``expires_at`` is within `EXPIRY_MARGIN` of it (or past it)."""
    return expires_at - EXPIRY_MARGIN <= datetime.now(UTC)


def _expiry(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
