"""One line a person can act on for any error, shared by the app and the command line."""

from __future__ import annotations

from .errors import ImageDeckError


def describe_error(error: BaseException) -> str:
    """``kind: message`` for imagedeck's own errors, the class name for anything else; never a traceback."""
    if isinstance(error, ImageDeckError):
        return f"{error.kind}: {error}"
    return f"internal error: {type(error).__name__}: {error}"
