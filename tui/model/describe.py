"""One line a person can act on for any error, shared by the app and the command line."""

from __future__ import annotations

import re

from .errors import ImageDeckError

_HEX_ID = re.compile(r"[0-9a-f]{32}")


def describe_error(error: BaseException) -> str:
    """``kind: message`` for imagedeck's own errors, the class name for anything else; never a traceback."""
    if isinstance(error, ImageDeckError):
        return f"{error.kind}: {error}"
    return f"internal error: {type(error).__name__}: {error}"


def short_id(value: str) -> str:
    """A Keystone-style 32-hex id as its first and last four (``3f2a…9c1d``); other text as is.

    Where a list has a few cells for an owner, the ends of an id tell projects apart;
    the whole id stays in the detail pane and in what is copied.
    """
    return f"{value[:4]}…{value[-4:]}" if _HEX_ID.fullmatch(value) else value
