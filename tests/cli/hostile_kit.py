"""Hostile text for CLI tests, and the checks every human-readable output must pass."""

from __future__ import annotations

from hypothesis import strategies as st

from imagedeck.model import cell_width

#: Pieces another project could put in a name, a property, a tag or a member id: terminal
#: title, OSC 52 clipboard write, screen clear, hyperlink, cursor moves, bidi overrides and
#: isolates, zero-width and format characters, C1 controls, newlines that would forge a
#: row, Rich-style markup, wide characters and combining marks.
SNIPPETS = (
    "\x1b]0;owned\x07",
    "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://example.invalid/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[31m",
    "\x1b[A\r",
    "\x9b2J",
    "\x85",
    "\x7f",
    "\x00",
    "\x08",
    "\t",
    "\x0b",
    "\x0c",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\n",
    "\r\n",
    "\nforged  active  raw",
    "[/]",
    "[link=x]",
    "[bold red]",
    "\\x1b",
    "%s",
    "{}",
    "日本語",
    "e\u0301",
    "👍🏽",
    "\U000e0041",
    "\ue000",
)

#: Lone surrogates: what bytes that were not UTF-8 become in Python (never storable).
SURROGATES = ("\udcff", "\udc80", "\ud800")

_plain = st.text(st.characters(codec="utf-8"), max_size=12)


def hostile_text(*, surrogates: bool = False, max_size: int = 255) -> st.SearchStrategy[str]:
    """Non-blank text mixing `SNIPPETS` (and `SURROGATES` when asked) with any characters."""
    pieces = SNIPPETS + (SURROGATES if surrogates else ())
    return (
        st.lists(st.one_of(st.sampled_from(pieces), _plain), min_size=1, max_size=8)
        .map("".join)
        .map(lambda text: text[:max_size])
        .filter(lambda text: text.strip() != "")
    )


def assert_terminal_safe(text: str) -> None:
    """Only printable characters and spaces between line ends: no C0 or C1 control, no DEL,
    no format or bidi character, no separator but space, no surrogate, no unassigned."""
    for number, line in enumerate(text.split("\n"), 1):
        assert line.isprintable(), f"line {number} holds characters a terminal would act on: {line!r}"


def table_rows(text: str) -> list[str]:
    """The lines of a table, header first (no blank trailing line)."""
    return text.rstrip("\n").split("\n")


def widest(text: str) -> int:
    return max((cell_width(line) for line in text.split("\n")), default=0)
