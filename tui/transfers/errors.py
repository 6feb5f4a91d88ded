"""Why a transfer stopped, as typed errors the CLI and the app show on one line."""

from __future__ import annotations

from ..model import ImageDeckError, Invalid, Unavailable


class VerificationFailed(ImageDeckError):
    """The bytes that arrived are not the bytes that were sent (hash or size differ)."""

    kind = "verification failed"


class UnsafeImage(Invalid):
    """The format inspector found something dangerous in the file (e.g. a backing file)."""

    kind = "unsafe image"


class FormatMismatch(Invalid):
    """The declared disk format is not what the file really is."""

    kind = "format mismatch"


class ToolMissing(Unavailable):
    """An optional external program (qemu-img) is not installed."""

    kind = "missing tool"


__all__ = ["FormatMismatch", "ToolMissing", "UnsafeImage", "VerificationFailed"]
