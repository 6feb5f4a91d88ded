"""Find tokens (ids, hashes, timestamps) that a drawing split across lines.

A token reads as one value only when it sits whole on one line, or shortened on one line
around an ellipsis (``1a2b3c4d…9e8f7a6b``, or ``1a2b3c4d…`` when only its start is kept).
Anything else — a token cut at a line's end and carried on the next, or missing — is what
`split_tokens` reports. Used on the detail pane and on the SVG snapshots' text alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

ELLIPSIS = "…"
_SHORTENED = re.compile(rf"([^\s{ELLIPSIS}]*){ELLIPSIS}([^\s{ELLIPSIS}]*)")


def _kept(token: str, head: str, tail: str) -> int:
    """Characters of ``token`` that a shortened ``head…tail`` shows: the longest end of ``head``
    that starts the token plus the longest start of ``tail`` that ends it."""
    start = next((len(head) - i for i in range(len(head)) if token.startswith(head[i:])), 0)
    end = next((j for j in range(len(tail), 0, -1) if token.endswith(tail[:j])), 0)
    return start + end if start + end < len(token) else 0


def shortened_on(line: str, token: str, least: int = 6) -> bool:
    """``line`` shows ``token`` shortened, keeping at least ``least`` of its characters."""
    need = min(least, len(token) - 1)
    return any(_kept(token, m.group(1), m.group(2)) >= need for m in _SHORTENED.finditer(line))


def split_tokens(lines: Sequence[str], tokens: Iterable[str], least: int = 6) -> list[str]:
    """The tokens shown neither whole on one of ``lines`` nor shortened on one (in order given)."""
    return [
        token
        for token in tokens
        if not any(token in line for line in lines)
        and not any(shortened_on(line, token, least) for line in lines)
    ]
