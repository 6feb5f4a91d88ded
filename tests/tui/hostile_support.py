"""A local store full of names, properties, tags and projects written to attack a terminal.

Shared by the app's hostile-text tests and the real-terminal test: every string another
project controls carries escape sequences (window title, OSC 52 clipboard write, screen
clear, hyperlink), bidi overrides, newlines, Textual markup, wide characters and
invisible code points.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from imagedeck.stores.local import LocalStore

#: The project the app runs as, and the projects that share images with it.
ME = "beta"
#: An owner whose very project name is an attack.
EVIL_PROJECT = "ev\x1b]0;OWNED-PROJECT\x07il"
OTHER = "alpha"

TITLE = "\x1b]0;PWNED-TITLE\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"
CLEAR = "\x1b[2J\x1b[3J\x1b[H"
LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
BIDI = "\u202egnp.exe"
INVISIBLE = "\u200b\u2028\ufeff\U000e0001\ue000\x7f\x85"

#: Sequences that must never reach a terminal from the data (Textual itself sends none).
PAYLOADS = (b"\x1b]0;", b"\x1b]52;", b"\x1b]8;;https://evil", b"\x1b]2;", b"\x1b[2J\x1b[3J")

#: Image names (each within Glance's 255 characters) and what is around them.
NAMES = {
    "title": f"t{TITLE}itle",
    "clip": f"c{CLIPBOARD}lip",
    "clear": f"c{CLEAR}lear",
    "link": f"l{LINK}ink",
    "bidi": f"b{BIDI}idi",
    "newline": "new\nline\r\tend",
    "close": "close[/]tag",
    "markup": "[link=https://evil.example]mark[/link][bold]up",
    "wide": "镜像-🙂-イメージ" * 3,
    "invisible": f"in{INVISIBLE}visible",
    "long": "L" * 230 + TITLE,
}

#: A property value far longer than any screen: it must be cut or wrapped, never break a line.
HUGE = ("x" * 97 + "\x1b[2J") * 100


def hostile_properties() -> dict[str, str]:
    return {
        "evil_title": TITLE + "[/]",
        "evil_link": LINK,
        "evil_huge": HUGE,
        f"key{CLEAR}[bold]": f"{BIDI}\n{CLIPBOARD}",
    }


HOSTILE_TAGS = ["tag[/]", f"t{TITLE}", "新\n行"]


async def _data() -> AsyncIterator[bytes]:
    yield b"\0" * 4096


async def seed_hostile(path: Path) -> None:
    """Images named by `NAMES`, owned by ``alpha`` and the hostile project, shared with ``beta``
    (pending, with hostile member ids beside), plus a protected hostile image of ``beta``'s own."""
    stores = {name: LocalStore(path, name, admin=True) for name in (ME, OTHER, EVIL_PROJECT)}
    try:
        for n, (_key, name) in enumerate(NAMES.items()):
            owner = stores[EVIL_PROJECT if n % 2 else OTHER]
            image = await owner.create_image(
                {
                    "name": name,
                    "disk_format": "raw",
                    "container_format": "bare",
                    "visibility": "shared",
                    "tags": HOSTILE_TAGS,
                    **hostile_properties(),
                }
            )
            await owner.upload(image.id, _data(), 4096)
            await owner.add_member(image.id, ME)
            await owner.add_member(image.id, f"m{TITLE}[/]")
        mine = stores[ME]
        for name in (NAMES["close"], NAMES["title"], NAMES["link"]):
            image = await mine.create_image(
                {
                    "name": name,
                    "disk_format": "raw",
                    "container_format": "bare",
                    "visibility": "shared",
                    "protected": True,
                    "tags": HOSTILE_TAGS,
                    **hostile_properties(),
                }
            )
            await mine.upload(image.id, _data(), 4096)
            await mine.add_member(image.id, f"m{CLIPBOARD}[/]")
    finally:
        for store in stores.values():
            await store.close()


def unsafe_chars(text: str) -> list[str]:
    """Characters a terminal acts on or does not draw: they must never be on screen."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")]


def offending_lines(lines: Iterable[str]) -> list[str]:
    return [repr(line) for line in lines if unsafe_chars(line)]
