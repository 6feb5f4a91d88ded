"""Everything about one image: core fields, hashes, properties, tags, stores and members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..actions import bindings
from ..model import TRANSITIONAL_STATUSES, Image, Member, fit, visible
from .columns import age, short_size

#: Cells of one value shown at most: a property of 64 KiB would otherwise fill pages of the pane.
MAX_VALUE_CELLS = 2000
#: Cells of a property name: a long one would leave no room for the values beside it.
MAX_LABEL_CELLS = 40


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    return f"{short_size(size)} ({size:,} bytes)"


class DetailPane(VerticalScroll, can_focus=True):
    """The selected image in full; long values wrap, `y` copies the id."""

    BINDINGS = bindings("detail")

    DEFAULT_CSS = """
    DetailPane {
        background: $surface;
        padding: 0 1;
    }
    DetailPane > Static {
        width: 1fr;
    }
    """

    def __init__(self, *, clock: Callable[[], datetime] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.image: Image | None = None
        self.members: list[Member] | None = None
        self.members_note = ""

    def compose(self):
        yield Static(Text("no image selected", style="italic"), id="detail-body")

    def show(self, image: Image | None, members: list[Member] | None = None, note: str = "") -> None:
        """Show ``image``; ``members`` is None when not loaded (or not the owner)."""
        if (image, members, note) == (self.image, self.members, self.members_note) and image is not None:
            return  # the same record again (a cursor resting, members loaded twice)
        changed = image is None or self.image is None or image.id != self.image.id
        self.image, self.members, self.members_note = image, members, note
        body = self.query_one("#detail-body", Static)
        content = self._render_image()
        body.update(content, layout=self._height_of(content, body.size.width) != body.size.height)
        if changed:
            self.scroll_home(animate=False)

    def _height_of(self, content: Text | Table, width: int) -> int | None:
        """Lines ``content`` takes at ``width``: when it is the body's height already, the new
        text is drawn in place instead of laying out the whole screen again, which costs tens
        of milliseconds on every cursor rest."""
        if width <= 0:
            return None
        console = self.app.console
        return len(console.render_lines(content, console.options.update_width(width), pad=False))

    def _render_image(self) -> Text | Table:
        image = self.image
        if image is None:
            return Text("no image selected", style="italic")
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1, overflow="fold")

        def row(label: str, value: object) -> None:
            # Keys and values belong to whoever wrote the image: shown as text, never as markup.
            shown = fit(visible(value), MAX_VALUE_CELLS) if value not in (None, "") else "-"
            table.add_row(Text(fit(visible(label), MAX_LABEL_CELLS)), Text(shown))

        def section(title: str) -> None:
            table.add_row(Text(title, style="bold underline"), "")

        now = self._clock()
        status = image.status + (" (changing…)" if image.status in TRANSITIONAL_STATUSES else "")
        row("Name", image.label)
        row("ID", image.id)
        row("Status", status)
        row("Disk format", image.disk_format)
        row("Container", image.container_format)
        row("Size", _size(image.size))
        row("Virtual size", _size(image.virtual_size))
        row("Visibility", image.visibility)
        row("Protected", "yes" if image.protected else "no")
        row("Hidden", "yes" if image.os_hidden else "no")
        row("Owner", image.owner)
        row("Min disk", f"{image.min_disk} GiB")
        row("Min RAM", f"{image.min_ram} MiB")
        row("Created", f"{image.created_at or '-'} ({age(image.created_at, now)} ago)")
        row("Updated", f"{image.updated_at or '-'} ({age(image.updated_at, now)} ago)")
        row("Stores", image.stores)
        row("Tags", ", ".join(image.tags))
        section("Hashes")
        row("Checksum", image.checksum)
        row(image.os_hash_algo or "Hash", image.os_hash_value)
        section("Properties")
        if image.properties:
            for key in sorted(image.properties):
                row(key, image.properties[key])
        else:
            row("", "none")
        if self.members is not None or self.members_note:
            section("Members")
            if self.members_note:
                row("", self.members_note)
            for member in self.members or []:
                row(member.member_id, member.status)
            if self.members == []:
                row("", "not shared with any project")
        return table
