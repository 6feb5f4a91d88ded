"""The format inspection of bytes a job moves into a store it does not run itself.

A copy or an import passes bytes from elsewhere; Glance inspects uploads too, but
accepts qcow2 data declared raw, and a URL import it fetches itself. The job therefore
checks the bytes with the verdict `imagedeck upload` gives a file: the header before
the destination image exists, the rest on the way, the end before the upload completes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import ImageDeckError
from .errors import FormatMismatch, UnsafeImage

if TYPE_CHECKING:
    from ..formats import Guard, Refusal


def job_guard(declared: str | None, what: str, *, allow_unsafe: bool, force_format: bool) -> Guard:
    """A `Guard` for ``what`` (e.g. "image web-golden"), refusing as upload does."""
    from ..formats import Guard, Overrides  # here: only a transfer loads the inspector

    def refuse(refusal: Refusal) -> ImageDeckError:
        if refusal.unsafe:
            reason = f"{what} is not safe to store: {refusal.reason}"
            return UnsafeImage(f"{reason} (allow unsafe images to store it)")
        reason = f"{what}: {refusal.reason}"
        return FormatMismatch(f"{reason} (declare the detected format, or force the declared one)")

    return Guard(declared, refuse, Overrides(allow_unsafe, force_format))
