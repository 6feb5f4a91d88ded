"""What a person chose to accept after seeing a verdict, carried by the running transfer.

The choice travels in a context variable, so every store the data passes through (the
local store inspects what it receives) honours it without each store call carrying it.
This module imports nothing heavy: a transfer sets the choice without loading the
inspector.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Overrides:
    """Accept unsafe content (``allow_unsafe``) and/or a declared format that does not match."""

    allow_unsafe: bool = False
    force_format: bool = False


_OVERRIDES: ContextVar[Overrides] = ContextVar("imagedeck_inspection_overrides", default=Overrides())


def current_overrides() -> Overrides:
    """The overrides of the transfer running in this context (none by default)."""
    return _OVERRIDES.get()


@contextlib.contextmanager
def overriding(*, allow_unsafe: bool = False, force_format: bool = False) -> Iterator[None]:
    """Within the block, stores accept unsafe content and/or a format mismatch."""
    token = _OVERRIDES.set(Overrides(allow_unsafe, force_format))
    try:
        yield
    finally:
        _OVERRIDES.reset(token)
