"""Messages that cross panes and screens, routed by the main screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from .transfers.events import TransferProgress


@dataclass
class CommandEntered(Message):
    """A ``:`` command line was submitted (text without the colon)."""

    text: str


@dataclass
class FilterChanged(Message):
    """The `/` filter text changed (empty = no filter)."""

    text: str


class TransferEvent(Message):
    """A transfer's progress; a newer event for the same job replaces a queued older one."""

    def __init__(self, progress: TransferProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, TransferEvent)
            and message.progress.job_id == self.progress.job_id
            and not message.progress.finished
        )
