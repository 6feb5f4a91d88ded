"""What a disk image really is: format, virtual size and a safety verdict.

Wraps oslo.utils' format inspector, the one Glance, Nova and Cinder run, so the verdict
shown before an upload is the one the cloud reaches. ``inspect_file`` blocks; run it in a
thread worker. `Guard` applies the same verdict to bytes streaming into a store.

Names load on first use, so a command that only lists images, or a transfer that only
sets `overriding`, never loads the inspector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.lazy import lazy_names
from .overrides import Overrides, current_overrides, overriding

if TYPE_CHECKING:
    from .guard import Guard
    from .inspect import inspect_file
    from .report import Failure, FormatReport, mismatch_warning
    from .stream import Refusal, StreamInspection, StreamVerdict

_LAZY = {
    "Guard": "guard",
    "inspect_file": "inspect",
    "Failure": "report",
    "FormatReport": "report",
    "mismatch_warning": "report",
    "Refusal": "stream",
    "StreamInspection": "stream",
    "StreamVerdict": "stream",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())

__all__ = [
    "Failure",
    "FormatReport",
    "Guard",
    "Overrides",
    "Refusal",
    "StreamInspection",
    "StreamVerdict",
    "current_overrides",
    "inspect_file",
    "mismatch_warning",
    "overriding",
]
