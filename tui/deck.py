"""A typed handle on the app for screens, widgets and dialogs.

Textual types ``self.app`` as a plain `App`; reaching the store, the settings or the
transfer jobs through `deck` lets the type checker catch a renamed method before a key
press does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.app import App
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from .app import ImageDeckApp


class _InApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


class _Notifying(_InApp, Protocol):
    def notify(self, message: str, *, severity: SeverityLevel = ...) -> None: ...


def deck_of(app: App[Any]) -> ImageDeckApp:
    """``app`` as the imagedeck app it is (every screen of this package runs inside one)."""
    return cast("ImageDeckApp", app)


class DeckNode:
    """Mixin for imagedeck's screens, widgets and dialogs: ``self.deck`` is the app, typed.

    A plain class rather than a Textual node, so the styles a widget inherits still come
    from its Textual base.
    """

    @property
    def deck(self: _InApp) -> ImageDeckApp:
        return cast("ImageDeckApp", self.app)

    def writable(self: _Notifying, action_id: str) -> bool:
        """Whether the action may write; in a read-only session it says why and refuses."""
        from .actions import BY_ID, refusal

        if deck_of(self.app).settings.read_only:
            self.notify(refusal(BY_ID[action_id]), severity="warning")
            return False
        return True
