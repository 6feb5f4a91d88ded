"""Who may do what to which image, and what a read-only session refuses.

The footer asks `check_action` which keys to show: a write is hidden in read-only mode,
an action on the selected image is hidden outside the list and detail panes and greyed
while no image is selected. A key the footer hides still gets its reason when pressed.
"""

from __future__ import annotations

from textual import events

from ..actions import BY_ID, bound_to, find, refusal
from ..model import Image, ImageStatus, Visibility
from .main_state import MainState

#: The binding scope of each pane that can hold the focus.
_PANE_SCOPES = {"images": "list", "detail": "detail", "sharing": "sharing", "transfers": "transfers"}


class Permissions(MainState):
    """Checks shared by the image, sharing and command actions."""

    def is_owner(self, image: Image) -> bool:
        return self.identity is not None and image.owner == self.identity.project_id

    def lists_members(self, image: Image) -> bool:
        """The detail pane lists the members of shared images this project owns."""
        return self.is_owner(image) and image.visibility == Visibility.SHARED

    def _on_image_pane(self) -> bool:
        return not self.is_mounted or self.current_pane() in (self.image_list, self.detail)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = find("main", action)
        if entry is None:
            return True
        if entry.writes and self.deck.settings.read_only:
            return False
        if entry.on_image:
            if not self._on_image_pane():
                return False
            if self.is_mounted and self.image_list.current is None:
                return None
        return True

    def on_key(self, event: events.Key) -> None:
        """In read-only mode a write's key explains why nothing happens (its binding is off)."""
        if not self.deck.settings.read_only:
            return
        pane = self.current_pane().id or ""
        scopes = [_PANE_SCOPES.get(pane, ""), "main"]
        entry = bound_to(event.key, scopes, self.deck.settings.keymap)
        if entry is None or not entry.writes or (entry.on_image and not self._on_image_pane()):
            return
        event.stop()
        event.prevent_default()
        self.notify(refusal(entry), title="Read-only", severity="warning")

    def selected_image(self) -> Image | None:
        """The image under the list cursor, or a note that there is none."""
        image = self.image_list.current
        if image is None:
            self.notify("No image selected", severity="warning")
        return image

    def owned_image(self, action_id: str) -> Image | None:
        """The image under the cursor if this project may change it, else explain and None."""
        image = self.selected_image()
        if image is None:
            return None
        if not self.is_owner(image) and not (self.identity and self.identity.is_admin):
            me = self.identity.project_name if self.identity else "this project"
            what = BY_ID[action_id].writes
            self.notify(
                f"Only the owner project ({image.owner}) can {what} '{image.label}'; you act as {me}.",
                title="Not allowed",
                severity="warning",
            )
            return None
        return image

    def active_image(self, what: str) -> Image | None:
        """The image under the cursor if its data can be read, else explain and None."""
        image = self.selected_image()
        if image is None:
            return None
        if image.status != ImageStatus.ACTIVE:
            self.notify(
                f"'{image.label}' is {image.status}: only an active image has data to {what}.",
                title="Not active",
                severity="warning",
            )
            return None
        return image
