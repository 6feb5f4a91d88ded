"""What the dialogs hand back: plain requests the caller turns into store calls or jobs.

No Textual here, so the app's workers and the transfers layer can take them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class MembersResult:
    """Projects to share the image with and member ids to remove; the caller performs them."""

    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove


@dataclass(frozen=True, slots=True)
class UploadRequest:
    """A checked local file and the Glance create-body fields to upload it with.

    ``allow_unsafe`` and ``force_format`` record that the person saw the inspector's
    verdict (unsafe file, declared format differing from the detected one) and chose
    to go on anyway.
    """

    path: Path
    fields: dict[str, Any]
    allow_unsafe: bool = False
    force_format: bool = False


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """A URL for Glance's ``web-download`` import and the fields of the image to create."""

    url: str
    fields: dict[str, Any]
