"""Text from outside made safe to show on a terminal, and measured in terminal cells.

Everything another project or a file controls — image names, properties, tags, member
ids, file names, messages of a remote service — can carry bytes a terminal obeys: ESC
sequences that set the title, write the clipboard (OSC 52), clear the screen or draw
hyperlinks; newlines that forge table rows; bidi overrides that reverse what is read;
invisible format characters; and, from file names and arguments that are not UTF-8,
lone surrogates that make ``print`` raise. `visible` turns each of them into a short
escape a person can read (``\\x1b``, ``\\n``, ``\\u202e``, ``\\xff``), so the text shows
what it holds and can do nothing else. Every human-readable output of the CLI and the
app passes through it.

Widths are counted in terminal cells, not characters: CJK and most emoji take two cells,
combining marks none. Only the standard library is used, so the CLI's start-up stays
cheap; for printable text the widths agree with what Rich (and so the app) draws.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Named escapes for the controls people know by name; every other one is ``\xNN`` style.
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

ELLIPSIS = "…"


@lru_cache(maxsize=4096)
def _escape_char(char: str) -> str:
    """The visible form of one character: itself when a terminal can only draw it."""
    if char == " " or (char.isprintable() and not _is_surrogate(char)):
        return char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _is_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def visible(text: object) -> str:
    """``text`` with every character a terminal would act on, or not draw, made visible.

    Escaped: C0 and C1 controls (ESC, BEL, newline, tab...), DEL, format characters such as
    bidi overrides and isolates and zero-width joiners, line and paragraph separators, other
    non-space separators, private-use and unassigned code points, and lone surrogates (a byte
    that was not UTF-8 shows as ``\\xNN``). Plain printable text, spaces included, is
    returned unchanged (and fast: most names need no work).
    """
    string = text if isinstance(text, str) else str(text)
    if string.isprintable():
        return string
    return "".join(map(_escape_char, string))


#: Marks drawn on the character before them, and invisible format characters.
_ZERO_WIDTH_CATEGORIES = frozenset(("Mn", "Me", "Mc", "Cf"))


#: Code points drawn in no cell of their own: Hangul vowels and final consonants that join
#: the syllable before them, the Hangul fillers, and emoji skin-tone modifiers.
_ZERO_WIDTH_RANGES = (
    (0x1160, 0x11FF),
    (0xD7B0, 0xD7FF),
    (0x3164, 0x3164),
    (0xFFA0, 0xFFA0),
    (0x1F3FB, 0x1F3FF),
)
#: Symbols Unicode 16 made wide, which Python 3.11's Unicode 14 database still calls narrow;
#: terminals and Rich draw them in two cells.
_WIDE_RANGES = ((0x2630, 0x2637), (0x268A, 0x268F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D356), (0x1D360, 0x1D376))


def _in(ranges: tuple[tuple[int, int], ...], char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES or _in(_ZERO_WIDTH_RANGES, char):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F") or _in(_WIDE_RANGES, char):
        return 2
    return 1


def cell_width(text: str) -> int:
    """Terminal cells that ``text`` (already `visible`) takes."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def fit(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``ellipsis`` when it was cut.

    Never splits a wide character: a cut that would halve one leaves the cell empty instead.
    """
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    if room < 0:
        return ellipsis[:width] if cell_width(ellipsis[:width]) <= width else ""
    used = 0
    kept: list[str] = []
    for char in text:
        w = _char_width(char)
        if used + w > room:
            break
        kept.append(char)
        used += w
    return "".join(kept) + ellipsis


def pad(text: str, width: int) -> str:
    """``text`` fitted into ``width`` cells and padded with spaces to exactly that width."""
    fitted = fit(text, width)
    return fitted + " " * (width - cell_width(fitted))


def ljust(text: str, width: int) -> str:
    """Pad ``text`` with spaces to ``width`` cells without cutting it (like `str.ljust`)."""
    return text + " " * max(0, width - cell_width(text))


__all__ = ["ELLIPSIS", "cell_width", "fit", "ljust", "pad", "visible"]
