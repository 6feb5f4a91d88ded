"""Messages that cross panes and screens, routed by the main screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class CommandEntered(Message):
    """A ``:`` command line was submitted (text without the colon)."""

    text: str


@dataclass
class FilterChanged(Message):
    """The `/` filter text changed (empty = no filter)."""

    text: str
