"""Text from outside as Textual content: every character made visible, nothing read as markup.

A plain ``str`` handed to a ``Static``, a border title, an option or a notification is
parsed as Textual markup: an image name holding ``[/]`` raises while drawing and one
holding ``[link=…]`` draws a link nobody typed. A `Content` built here is drawn as the
characters it holds, with `visible` having turned escape sequences, newlines and bidi
overrides into readable escapes first.
"""

from __future__ import annotations

from typing import Any

from rich.highlighter import Highlighter
from rich.text import Text
from textual.content import Content
from textual.widgets import Input

from ..model import visible


def plain(text: object, style: str = "") -> Content:
    """``text`` on one line, as it is: controls escaped, brackets shown as brackets."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def plain_lines(*lines: object) -> Content:
    """Several lines of text, each made `plain`: only the breaks between them are real."""
    return Content("\n".join(visible(line) for line in lines))


def _picture(char: str) -> str:
    """A one-cell stand-in: the control picture of a C0 control or DEL, else the replacement mark."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


class ControlPictures(Highlighter):
    """Draws every character a terminal would obey or not draw as a reversed one-cell stand-in.

    An input field edits the very characters it holds, so escaping them into several
    characters would move the cursor off what it edits: one stand-in per character keeps
    every position while nothing pasted (an ESC sequence, a bidi override) reaches the terminal.
    """

    def highlight(self, text: Text) -> None:
        plain_text = text.plain
        if plain_text.isprintable():
            return
        hidden = [n for n, char in enumerate(plain_text) if not (char.isprintable() or char == " ")]
        chars = list(plain_text)
        for n in hidden:
            chars[n] = _picture(chars[n])
        text.plain = "".join(chars)
        for n in hidden:
            text.stylize("reverse", n, n + 1)


class PlainInput(Input):
    """An `Input` that shows pasted or prefilled control characters as stand-ins, never raw."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("highlighter", ControlPictures())
        super().__init__(*args, **kwargs)


__all__ = ["ControlPictures", "PlainInput", "plain", "plain_lines"]
