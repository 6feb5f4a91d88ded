"""What was typed into the ``:`` line and the ``/`` filter, kept between runs.

One small JSON file in the user state directory, written 0600 (commands name clouds and
paths), capped per kind and without repeats. The file is read back as untrusted: anything
but a mapping of short single-line strings is ignored with one warning, never a traceback,
and what is shown of it goes through the inputs' control pictures like any typed text.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import platformdirs

KINDS = ("command", "filter")
#: Entries kept per kind; the oldest go first.
MAX_ENTRIES = 200
#: Longer lines are not history but pasted data: not kept, and refused when read back.
MAX_LENGTH = 1000
#: A bigger file is not one imagedeck wrote: ignored unread.
MAX_FILE_BYTES = 512 * 1024
FILE_NAME = "history.json"


def history_path(store_path: Path) -> Path | None:
    """The history file in the user state directory; None for a store in the temporary directory.

    The demo's store (and a test's) lives in the temporary directory and leaves nothing
    behind, so a session on it keeps its history in memory only.
    """
    temp = Path(tempfile.gettempdir()).resolve()
    if store_path.expanduser().resolve().is_relative_to(temp):
        return None
    return Path(platformdirs.user_state_dir("imagedeck")) / FILE_NAME


def _usable(entry: object) -> bool:
    return isinstance(entry, str) and 0 < len(entry) <= MAX_LENGTH and entry.isprintable()


def _cleaned(entries: Iterable[str]) -> list[str]:
    """Latest last, each text once (its newest place kept), at most `MAX_ENTRIES`."""
    seen: dict[str, None] = {}
    for entry in entries:
        seen.pop(entry, None)
        seen[entry] = None
    return list(seen)[-MAX_ENTRIES:]


def parse_history(text: str) -> dict[str, list[str]]:
    """The entries of a history file; raises ValueError saying why it cannot be used."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a mapping of kinds to lists")
    found: dict[str, list[str]] = {}
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list) or not all(_usable(entry) for entry in entries):
            raise ValueError(f"{kind!r} is not a list of single-line texts")
        found[kind] = _cleaned(entries)
    return found


class Histories:
    """The command and filter histories of one session, saved after every new entry."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[str]] = {kind: [] for kind in KINDS}
        #: Why the file was not read (one line), empty when it was or did not exist.
        self.warning = ""

    @classmethod
    def load(cls, path: Path | None) -> Histories:
        """The histories in ``path``; a missing file is empty, a broken one ignored with a warning."""
        histories = cls(path)
        if path is None:
            return histories
        try:
            with path.open("rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise ValueError("larger than a history file gets")
            histories.entries = parse_history(raw.decode("utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:  # JSON and UTF-8 errors are ValueErrors too
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            histories.warning = f"history file {path} ignored: {reason}"
        return histories

    def of(self, kind: str) -> list[str]:
        return self.entries[kind]

    def add(self, kind: str, text: str) -> None:
        """Remember ``text`` as the newest entry of ``kind`` and save; blank or odd text is not kept."""
        text = text.strip()
        if not _usable(text):
            return
        self.entries[kind] = _cleaned([*self.entries[kind], text])
        self.save()

    def save(self) -> None:
        """Write the file 0600 through a temporary file; a failure only costs the history."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(self.entries, stream, ensure_ascii=False)
            os.replace(temp, self.path)


class Walk:
    """Up and down through one kind's entries from the line being typed, which is kept as a draft."""

    def __init__(self, entries: list[str], draft: str) -> None:
        self.entries = entries
        self.draft = draft
        self.position = len(entries)  # past the newest: the draft

    def older(self) -> str | None:
        if self.position == 0:
            return None
        self.position -= 1
        return self.entries[self.position]

    def newer(self) -> str | None:
        if self.position >= len(self.entries):
            return None
        self.position += 1
        return self.draft if self.position == len(self.entries) else self.entries[self.position]
