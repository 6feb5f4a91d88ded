"""Path completion for dialog inputs: the suggestion is the next matching directory entry."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.suggester import Suggester

from ..model import visible


def complete_path(text: str) -> str | None:
    """The first entry of the typed directory that starts with the typed name.

    Directories get a trailing separator so completion can continue into them.
    Hidden entries appear only once a dot is typed; a name with characters a terminal
    cannot show as they are (controls, bidi overrides, bytes that are not UTF-8) is never
    offered, since what the input would show is not what it holds.
    """
    if not text:
        return None
    expanded = os.path.expanduser(text)
    directory, _, prefix = expanded.rpartition(os.sep)
    base = Path(directory or ("/" if expanded.startswith(os.sep) else "."))
    try:
        names = sorted(entry.name for entry in os.scandir(base) if visible(entry.name) == entry.name)
    except OSError:
        return None
    for name in names:
        if (
            name.startswith(prefix)
            and name != prefix
            and (prefix.startswith(".") or not name.startswith("."))
        ):
            suffix = os.sep if (base / name).is_dir() else ""
            return text + name[len(prefix) :] + suffix
    return None


class PathSuggester(Suggester):
    """Suggest completions from the file system (read off the event loop)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)
