"""See who an image is shared with, share it with more projects, or stop sharing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..actions import bindings
from ..model import Image, ImageDeckError, Member, MemberStatus, Visibility, describe_error, pad, visible
from ..widgets.plain import PlainInput, plain
from .base import Dialog, labelled
from .fields import FieldError, parse_project
from .results import MembersResult

_SHARE_STATES = frozenset(MemberStatus)

#: Looks a typed project up and returns its id; raises (Invalid, NotFound...) when it cannot.
ResolveProject = Callable[[str], Awaitable[str]]


class MembersDialog(Dialog[MembersResult]):
    """``MembersDialog(image, members, resolve=None) -> MembersResult | None``.

    Type a project id or name and press enter to queue an add; in the list, ``x`` or
    delete marks a member (or a queued add) for removal and again unmarks it. ctrl+s or
    Apply returns the adds and removes; the caller performs them.

    With ``resolve`` given, a typed project is looked up before it is queued: one that
    cannot be found is refused in place, so the result holds only project ids the store
    knows. Without it the typed text is queued as it is.
    """

    BINDINGS = bindings("members")

    AUTO_FOCUS = "#project"

    DEFAULT_CSS = """
    MembersDialog #members {
        height: auto;
        min-height: 3;
        max-height: 10;
        margin-top: 1;
    }
    """

    def __init__(self, image: Image, members: list[Member], resolve: ResolveProject | None = None) -> None:
        super().__init__()
        self.image = image
        self.members = list(members)
        self.resolve = resolve
        self.to_add: list[str] = []
        self.to_remove: list[str] = []
        #: What was typed for each queued project id, when the lookup turned a name into an id.
        self.typed: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(f"Members of {self.image.label}")
            if self.image.visibility != Visibility.SHARED:
                yield Static(
                    plain(
                        f"this image is {self.image.visibility}: members only apply to shared"
                        " images (v changes visibility)"
                    ),
                    classes="hint",
                )
            yield labelled(
                "Add project", PlainInput(placeholder="id or name, enter to add", id="project", compact=True)
            )
            yield MembersList(id="members")
            yield Static("x marks a member for removal (again to keep it) · ctrl+s applies", classes="hint")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button("Apply", id="apply", variant="primary", action="screen.apply", compact=True)

    def on_mount(self) -> None:
        self._render_list()

    def _render_list(self) -> None:
        members = self.query_one(MembersList)
        highlighted = members.highlighted
        members.clear_options()
        rows = [
            Option(
                Content.assemble(  # member ids and statuses are whatever the store holds: made visible
                    "- " if m.member_id in self.to_remove else "  ",
                    f"{pad(visible(m.member_id), 34)} ",
                    (visible(m.status), f"$share-{m.status}" if m.status in _SHARE_STATES else ""),
                ),
                id=f"member:{m.member_id}",
            )
            for m in self.members
        ]
        rows += [
            Option(
                Content.assemble(f"+ {pad(visible(self._shown(project)), 34)} ", ("to add", "$text-accent")),
                id=f"add:{project}",
            )
            for project in self.to_add
        ]
        if not rows:
            rows = [Option("not shared with any project", id="none", disabled=True)]
        members.add_options(rows)
        if members.option_count:
            members.highlighted = min(highlighted or 0, members.option_count - 1)

    def _shown(self, project: str) -> str:
        typed = self.typed.get(project)
        return f"{typed} ({project})" if typed else project

    @on(Input.Submitted, "#project")
    def _typed(self, event: Input.Submitted) -> None:
        """Check what was typed, look it up when the store can, then queue it."""
        event.stop()
        try:
            project = parse_project(event.value)
        except FieldError as exc:
            self.show_error(str(exc))
            return
        if self.resolve is None:
            self._queue(project, project)
        else:
            self._look_up(project)

    @work(exclusive=True, group="resolve", exit_on_error=False)
    async def _look_up(self, project: str) -> None:
        assert self.resolve is not None
        try:
            found = await self.resolve(project)
        except ImageDeckError as exc:  # a project the store cannot find, or a store that cannot answer
            self.show_error(f"cannot add {project}: {describe_error(exc)}; nothing was added")
            return
        self._queue(found, project)

    def _queue(self, project: str, typed: str) -> None:
        if any(m.member_id == project for m in self.members) and project not in self.to_remove:
            self.show_error(f"{typed} is already a member")
            return
        if project == self.image.owner:
            self.show_error("the owner project cannot be a member of its own image")
            return
        if project in self.to_remove:
            self.to_remove.remove(project)
        elif project not in self.to_add:
            self.to_add.append(project)
            if typed != project:
                self.typed[project] = typed
        self.clear_error()
        self.query_one("#project", Input).value = ""
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

    BINDINGS = bindings("members_list")

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
