"""Typed errors every store raises, so callers never see a transport's exceptions.

Each carries a message a person can act on; the CLI prints it on one line and the
TUI shows it as a notification.
"""

from __future__ import annotations


class ImageDeckError(Exception):
    """Base of every error imagedeck reports to a person."""

    #: Short label used when the error is shown without its class name.
    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(ImageDeckError):
    """The image, member or tag does not exist or is not visible to this project."""

    kind = "not found"


class Forbidden(ImageDeckError):
    """Policy forbids the action for this project or role."""

    kind = "forbidden"


class Conflict(ImageDeckError):
    """The action clashes with the current state (duplicate member, wrong status...)."""

    kind = "conflict"


class Invalid(ImageDeckError):
    """The request itself is malformed or carries a value the store rejects."""

    kind = "invalid"


class FormatRejected(Invalid):
    """The store's format inspector refused the image data (Glance answers 415)."""

    kind = "format rejected"


class AuthFailed(ImageDeckError):
    """Credentials were refused or a token could not be renewed."""

    kind = "authentication failed"


class Unavailable(ImageDeckError):
    """The store could not be reached or answered with a server error."""

    kind = "unavailable"


class QuotaExceeded(ImageDeckError):
    """A quota or size limit (or a full disk) stopped the action."""

    kind = "quota exceeded"


__all__ = [
    "AuthFailed",
    "Conflict",
    "Forbidden",
    "FormatRejected",
    "ImageDeckError",
    "Invalid",
    "NotFound",
    "QuotaExceeded",
    "Unavailable",
]
