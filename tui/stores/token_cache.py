"""Keystone tokens kept between runs, so a CLI call does not authenticate every time.

One 0600 file per cloud and auth identity under the user cache dir. The file name is the
cloud name plus a hash of who authenticates (never the secret); the token inside is the only
sensitive value and is never logged. Expired entries are ignored and removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import platformdirs

#: A token this close to expiry is not worth reusing.
EXPIRY_MARGIN = timedelta(seconds=60)


def default_dir() -> Path:
    return Path(platformdirs.user_cache_dir("imagedeck")) / "tokens"


class TokenCache:
    """Read, write and drop the cached token body of one cloud identity."""

    def __init__(self, cloud_name: str, identity: dict[str, Any], directory: Path | None = None):
        digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]
        safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", cloud_name)[:64]
        self.path = (directory or default_dir()) / f"{safe_name}-{digest}.json"

    def load(self) -> dict[str, Any] | None:
        """The cached entry if present and not about to expire; otherwise None."""
        try:
            entry = json.loads(self.path.read_text())
            expires = datetime.fromisoformat(entry["expires_at"].replace("Z", "+00:00"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if expires - EXPIRY_MARGIN <= datetime.now(timezone.utc):
            self.drop()
            return None
        return entry

    def save(self, entry: dict[str, Any]) -> None:
        """Write atomically with mode 0600 from the start; a cache failure is not an error."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump(entry, out)
            os.replace(tmp, self.path)
        except OSError:
            pass

    def drop(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass
