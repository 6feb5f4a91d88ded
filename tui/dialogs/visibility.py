"""Choose who can see an image, with the reason a choice is unavailable."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..model import Visibility
from .base import Dialog

#: What each visibility means, in a line.
MEANINGS = {
    Visibility.PRIVATE: "only the owner project",
    Visibility.SHARED: "the owner and the projects it is shared with (members)",
    Visibility.COMMUNITY: "every project may use it; it is not in their default list",
    Visibility.PUBLIC: "every project sees it in its list",
}

#: From least to most exposed.
ORDER = (Visibility.PRIVATE, Visibility.SHARED, Visibility.COMMUNITY, Visibility.PUBLIC)

#: Why a visibility may be missing from ``allowed``.
WHY_NOT = {
    Visibility.PUBLIC: "only an admin may make an image public",
}


class VisibilityDialog(Dialog[str]):
    """``VisibilityDialog(current, allowed) -> str | None``.

    Lists every visibility; those not in ``allowed`` are shown disabled with the
    reason (public is admin-only). Enter picks the highlighted one.
    """

    DEFAULT_CSS = """
    VisibilityDialog #choices {
        height: auto;
        max-height: 14;
        margin-top: 1;
    }
    """

    def __init__(self, current: str, allowed: Sequence[str]) -> None:
        super().__init__()
        self.current = current
        self.allowed = tuple(allowed)

    def compose(self) -> ComposeResult:
        options = []
        for visibility in ORDER:
            marker = " (current)" if visibility == self.current else ""
            allowed = visibility in self.allowed
            reason = (
                MEANINGS[visibility] if allowed else WHY_NOT.get(visibility, "not allowed for this project")
            )
            options.append(
                Option(f"{visibility}{marker}\n  {reason}", id=str(visibility), disabled=not allowed)
            )
        with Vertical(id="dialog") as frame:
            frame.border_title = "Visibility"
            yield OptionList(*options, id="choices")
            yield Static("", id="error")
            yield Static("enter chooses, esc cancels", classes="hint")

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        if self.current in self.allowed:
            choices.highlighted = choices.get_option_index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
