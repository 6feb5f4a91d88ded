"""See who an image is shared with, share it with more projects, or stop sharing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..model import Image, Member, MemberStatus, Visibility
from .base import Dialog, labelled
from .results import MembersResult

_SHARE_STATES = frozenset(MemberStatus)


class MembersDialog(Dialog[MembersResult]):
    """``MembersDialog(image, members) -> MembersResult | None``.

    Type a project id or name and press enter to queue an add; in the list, ``x`` or
    delete marks a member (or a queued add) for removal and again unmarks it. ctrl+s or
    Apply returns the adds and removes; the caller resolves names and performs them.
    """

    BINDINGS = [Binding("ctrl+s", "apply", "Apply", id="members.apply")]

    AUTO_FOCUS = "#project"

    DEFAULT_CSS = """
    MembersDialog #members {
        height: auto;
        min-height: 3;
        max-height: 10;
        margin-top: 1;
    }
    """

    def __init__(self, image: Image, members: list[Member]) -> None:
        super().__init__()
        self.image = image
        self.members = list(members)
        self.to_add: list[str] = []
        self.to_remove: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = f"Members of {self.image.label}"
            if self.image.visibility != Visibility.SHARED:
                yield Static(
                    f"this image is {self.image.visibility}: members only apply to shared"
                    " images (v changes visibility)",
                    classes="hint",
                )
            yield labelled("Add project", Input(placeholder="id or name, enter to add", id="project", compact=True))
            yield MembersList(id="members")
            yield Static("x marks a member for removal (again to keep it) · ctrl+s applies", classes="hint")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    "Apply", id="apply", variant="primary", action="screen.apply", compact=True
                )

    def on_mount(self) -> None:
        self._render_list()

    def _render_list(self) -> None:
        members = self.query_one(MembersList)
        highlighted = members.highlighted
        members.clear_options()
        rows = [
            Option(
                Content.assemble(
                    "- " if m.member_id in self.to_remove else "  ",
                    f"{m.member_id:<34} ",
                    (m.status, f"$share-{m.status}" if m.status in _SHARE_STATES else ""),
                ),
                id=f"member:{m.member_id}",
            )
            for m in self.members
        ]
        rows += [
            Option(Content.assemble(f"+ {project:<34} ", ("to add", "$text-accent")), id=f"add:{project}")
            for project in self.to_add
        ]
        if not rows:
            rows = [Option("not shared with any project", id="none", disabled=True)]
        members.add_options(rows)
        if members.option_count:
            members.highlighted = min(highlighted or 0, members.option_count - 1)

    @on(Input.Submitted, "#project")
    def _queue_add(self, event: Input.Submitted) -> None:
        event.stop()
        project = event.value.strip()
        if not project:
            self.show_error("type a project id or name to add")
            return
        if any(m.member_id == project for m in self.members) and project not in self.to_remove:
            self.show_error(f"{project} is already a member")
            return
        if project == self.image.owner:
            self.show_error("the owner project cannot be a member of its own image")
            return
        if project in self.to_remove:
            self.to_remove.remove(project)
        elif project not in self.to_add:
            self.to_add.append(project)
        self.clear_error()
        event.input.value = ""
        self._render_list()

    def on_members_list_toggle_remove(self, event: MembersList.ToggleRemove) -> None:
        """Mark or unmark a member for removal, or drop a queued add."""
        kind, _, project = event.option_id.partition(":")
        if kind == "add":
            self.to_add.remove(project)
        elif kind == "member":
            if project in self.to_remove:
                self.to_remove.remove(project)
            else:
                self.to_remove.append(project)
        self._render_list()

    def action_apply(self) -> None:
        self.dismiss(MembersResult(add=list(self.to_add), remove=list(self.to_remove)))


class MembersList(OptionList):
    """The member rows; removal marks are toggled from here."""

    BINDINGS = [
        Binding("x", "toggle_remove", "Remove", id="members.remove"),
        Binding("delete", "toggle_remove", "Remove", show=False, id="members.remove_delete"),
    ]

    def action_toggle_remove(self) -> None:
        if self.highlighted is None:
            return
        option = self.get_option_at_index(self.highlighted)
        if option.id and option.id != "none":
            self.post_message(self.ToggleRemove(option.id))

    class ToggleRemove(Message):
        """The highlighted row was marked (or unmarked) for removal."""

        def __init__(self, option_id: str) -> None:
            super().__init__()
            self.option_id = option_id
