"""Images other projects shared with this one, grouped pending / accepted / rejected.

The pane only shows and marks; accepting or rejecting is a store call the screen makes
when it receives `SharingPane.Answer`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from ..actions import bindings, find
from ..deck import DeckNode
from ..model import Image, MemberStatus, cell_width, pad, visible
from .columns import age, owner_label, short_size

GROUPS = (MemberStatus.PENDING, MemberStatus.ACCEPTED, MemberStatus.REJECTED)


def _widen(line: str, width: int) -> str:
    """``line`` padded with spaces to ``width`` cells (never cut: the cells are fitted already)."""
    return line + " " * max(0, width - cell_width(line))


class SharingPane(DeckNode, VerticalScroll, can_focus=True):
    """Shares waiting for an answer first; `a` accept, `r` reject, `space` mark, `z` back to pending."""

    BINDINGS = bindings("sharing")

    COMPONENT_CLASSES: ClassVar[set[str]] = {"sharing-pane--cursor", "sharing-pane--cursor-blurred"}

    DEFAULT_CSS = """
    SharingPane {
        background: $surface;
        padding: 0 1;
    }
    SharingPane > Static {
        width: 1fr;
    }
    SharingPane > .sharing-pane--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    SharingPane > .sharing-pane--cursor-blurred {
        background: $block-cursor-blurred-background;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Answer(Message):
        """Set the member status of these images (this project's membership) to ``status``."""

        def __init__(self, images: list[Image], status: str) -> None:
            super().__init__()
            self.images = images
            self.status = status

    class Opened(Message):
        def __init__(self, image: Image) -> None:
            super().__init__()
            self.image = image

    class Counted(Message):
        """A new listing arrived: ``pending`` shares wait for an answer (titles and header say so)."""

        def __init__(self, pending: int) -> None:
            super().__init__()
            self.pending = pending

    def __init__(self, *, clock: Callable[[], datetime] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.groups: dict[str, list[Image]] = {g: [] for g in GROUPS}
        self.marked: set[str] = set()
        self.loaded = False
        self.message = ""
        self._cursor_line: int | None = None
        #: The row drawn on each line of the body, for clicks.
        self._line_rows: dict[int, int] = {}
        #: Project names by id, where the store tells them: who shared reads as a name.
        self.owner_names: dict[str, str] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Answers write: a read-only session neither shows nor runs them."""
        entry = find("sharing", action)
        return not (entry is not None and entry.writes and self.deck.settings.read_only)

    def compose(self) -> ComposeResult:
        yield Static(Text("loading shares…", style="italic"), id="sharing-body")

    @property
    def rows(self) -> list[tuple[str, Image]]:
        return [(group, image) for group in GROUPS for image in self.groups[group]]

    @property
    def current(self) -> tuple[str, Image] | None:
        rows = self.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    @property
    def pending_count(self) -> int:
        return len(self.groups[MemberStatus.PENDING])

    def set_shares(self, groups: Mapping[str, Sequence[Image]]) -> None:
        """New listing; marks stay on images still listed, the cursor keeps its place so
        answering moves on to the next share."""
        self.groups = {g: sorted(groups.get(g, ()), key=lambda i: (i.name or i.id).lower()) for g in GROUPS}
        self.loaded = True
        self.message = ""
        ids = {image.id for _, image in self.rows}
        self.marked &= ids
        self.cursor = self.cursor
        self.post_message(self.Counted(self.pending_count))

    def set_owner_names(self, names: Mapping[str, str]) -> None:
        self.owner_names = dict(names)
        self._redraw()

    def show_message(self, message: str) -> None:
        self.message = message
        self._redraw()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self) -> None:
        self._redraw()
        line = self._cursor_line
        if line is not None:
            self.scroll_to_region_line(line)

    def scroll_to_region_line(self, line: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        if line < self.scroll_y:
            self.scroll_to(y=line, animate=False)
        elif line + 1 >= self.scroll_y + height:
            self.scroll_to(y=line - height + 2, animate=False)

    def _redraw(self) -> None:
        if self.is_mounted:
            self.query_one("#sharing-body", Static).update(self._render_body())

    def _render_body(self) -> Text:
        self._cursor_line = None
        self._line_rows = {}
        if not self.loaded:
            return Text(visible(self.message) or "loading shares…", style="italic")
        now = self._clock()
        text = Text(no_wrap=True, overflow="ellipsis")
        line = 0
        if self.message:
            text.append(visible(self.message) + "\n", style="bold")
            line += 1
        n = 0
        width = self.scrollable_content_region.width
        two_lines = width < 60  # a side pane: details go on a second line
        name_width = max(8, width - 3 if two_lines else width - 37)
        for group in GROUPS:
            images = self.groups[group]
            text.append(f"{group.capitalize()} ({len(images)})\n", style=f"bold {self._colour(group)}")
            line += 1
            if not images:
                text.append("  none\n", style="dim")
                line += 1
            for image in images:
                mark = "*" if image.id in self.marked else " "
                here = n == self.cursor
                if here:
                    self._cursor_line = line
                self._line_rows.update({line: n, line + 1: n} if two_lines else {line: n})
                style = self._cursor_style() if here else ""
                # names, owners and formats are the sharing project's words: escaped, cut in cells
                name = f"{'>' if here else ' '}{mark} {pad(visible(image.label), name_width)}"
                facts = (
                    f"{pad(visible(self._owner(image)), 10)} {short_size(image.size):>7} "
                    f"{pad(visible(image.disk_format or '-'), 6)} {age(image.created_at, now):>4}"
                )
                # the cursor bar spans the pane's width, like the list's
                if two_lines:
                    text.append(_widen(name, width) + "\n", style=style)
                    text.append(_widen(f"   {facts}", width) + "\n", style=style or "dim")
                    line += 2
                else:
                    text.append(_widen(f"{name} {facts}", width) + "\n", style=style)
                    line += 1
                n += 1
        return text

    def _owner(self, image: Image) -> str:
        """The sharing project: its name where known, else the ends of its id."""
        return owner_label(image.owner, self.owner_names) if image.owner else "-"

    def _cursor_style(self) -> Style:
        """The list's cursor bar: bright while the pane has focus, dim once it has not."""
        if not self.is_attached:
            return Style(reverse=True)
        # the screen's focus, not `has_focus`: on_focus runs before `has_focus` is set
        if self.screen.focused is self:
            return self.get_component_rich_style("sharing-pane--cursor")
        return self.get_component_rich_style("sharing-pane--cursor-blurred")

    def _colour(self, group: str) -> str:
        colour = self.app.theme_variables.get(f"share-{group}") if self.is_attached else None
        return colour or ""

    def on_resize(self) -> None:
        self._redraw()

    def on_focus(self) -> None:
        self._redraw()

    def on_blur(self) -> None:
        self._redraw()

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the share; a double click opens it, like enter."""
        # screen coordinates: a click on the body arrives with offsets relative to the body
        region = self.content_region
        inside = region.contains(event.screen_x, event.screen_y)
        row = self._line_rows.get(round(self.scroll_y) + event.screen_y - region.y) if inside else None
        if row is None:
            return
        self.cursor = row
        if event.chain >= 2:
            self.action_open()

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_top(self) -> None:
        self.cursor = 0

    def action_bottom(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_mark(self) -> None:
        current = self.current
        if current is None:
            return
        image = current[1]
        self.marked ^= {image.id}
        self.cursor += 1

    def action_open(self) -> None:
        if self.current:
            self.post_message(self.Opened(self.current[1]))

    def action_answer(self, status: str) -> None:
        """Answer the marked shares, or the one under the cursor when none is marked."""
        if self.marked:
            images = [image for _, image in self.rows if image.id in self.marked]
        elif self.current:
            images = [self.current[1]]
        else:
            self.notify("No share selected", severity="warning")
            return
        self.post_message(self.Answer(images, status))
