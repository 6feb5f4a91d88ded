"""Everything about one image: core fields, hashes, properties, tags, stores and members."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import events, work
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..actions import bindings
from ..catalog import PropertyCatalog, lint
from ..deck import DeckNode
from ..model import TRANSITIONAL_STATUSES, Image, ImageDeckError, Member, cell_width, visible
from ..stores.base import ImageStore
from .columns import age, short_size
from .detail_layout import DetailBody, Field, Kind, field_lines

#: Seconds between two looks at the relative ages ("3m ago") while the pane is on screen.
AGE_REFRESH_SECONDS = 60.0
#: A copied value longer than this is named in the notification rather than repeated.
NOTIFY_VALUE_CELLS = 40


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    return f"{short_size(size)} ({size:,} bytes)"


def _stamp(stamp: str | None, now: datetime) -> tuple[str, str]:
    return f"{stamp or '-'} ({age(stamp, now)} ago)", stamp or ""


def image_fields(
    image: Image,
    members: list[Member] | None,
    note: str,
    now: datetime,
    catalog: PropertyCatalog | None = None,
    owner_names: Mapping[str, str] | None = None,
) -> tuple[Field, ...]:
    """What the pane shows of ``image``, in order; ``members`` is None when not loaded.

    With a ``catalog``, a property lint finds fault with is followed by a ``!`` note saying why.
    An owner whose name ``owner_names`` knows reads ``name (id)``; `y` copies the id alone.
    """
    status = image.status + (" (changing…)" if image.status in TRANSITIONAL_STATUSES else "")
    created, created_copy = _stamp(image.created_at, now)
    updated, updated_copy = _stamp(image.updated_at, now)
    fields = [
        Field("Name", image.label),
        Field("ID", image.id),
        Field("Status", status, copy=image.status),
        Field("Disk format", image.disk_format or ""),
        Field("Container", image.container_format or ""),
        Field("Size", _size(image.size), copy=str(image.size or "")),
        Field("Virtual size", _size(image.virtual_size), copy=str(image.virtual_size or "")),
        Field("Visibility", image.visibility),
        Field("Protected", "yes" if image.protected else "no"),
        Field("Hidden", "yes" if image.os_hidden else "no"),
        _owner_field(image.owner or "", owner_names or {}),
        Field("Min disk", f"{image.min_disk} GiB", copy=str(image.min_disk)),
        Field("Min RAM", f"{image.min_ram} MiB", copy=str(image.min_ram)),
        Field("Created", created, copy=created_copy),
        Field("Updated", updated, copy=updated_copy),
        Field("Stores", image.stores or ""),
        Field("Tags", ", ".join(image.tags)),
        Field("Hashes", "", Kind.SECTION),
        Field("Checksum", image.checksum or "", Kind.HASH),
        Field(image.os_hash_algo or "Hash", image.os_hash_value or "", Kind.HASH),
        Field("Properties", "", Kind.SECTION),
    ]
    findings = lint_notes(image, catalog)
    for key in sorted(image.properties):
        fields.append(Field(key, image.properties[key]))
        fields += [Field("", f"! {message}", Kind.NOTE) for message in findings.get(key, ())]
    if not image.properties:
        fields.append(Field("", "none", Kind.NOTE))
    if members is not None or note:
        fields.append(Field("Members", "", Kind.SECTION))
        if note:
            fields.append(Field("", note, Kind.NOTE))
        fields += [Field(m.member_id, m.status, copy=m.member_id) for m in members or []]
        if members == []:
            fields.append(Field("", "not shared with any project", Kind.NOTE))
    return tuple(fields)


def _owner_field(owner: str, names: Mapping[str, str]) -> Field:
    name = names.get(owner)
    return Field("Owner", f"{name} ({owner})" if name else owner, copy=owner)


def lint_notes(image: Image, catalog: PropertyCatalog | None) -> dict[str, list[str]]:
    """Lint's messages about ``image``'s properties, by key.

    The last record's are kept: the pane draws one record several times (its members
    arriving, ages moving on), and looking for close matches of every unknown key costs
    milliseconds a key press would otherwise wait for.
    """
    if catalog is None:
        return {}
    if _last_lint and _last_lint[0] is image and _last_lint[1] is catalog:
        return _last_lint[2]
    notes: dict[str, list[str]] = {}
    for finding in lint(image, catalog):
        notes.setdefault(finding.key, []).append(finding.message)
    _last_lint[:] = [image, catalog, notes]
    return notes


#: The record, catalog and notes of the last `lint_notes` call.
_last_lint: list[Any] = []


class DetailPane(DeckNode, VerticalScroll, can_focus=True):
    """The selected image in full, one value per field; with focus, j/k move a cursor over the
    fields and `y` copies the one under it."""

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
        self.fields: tuple[Field, ...] = ()
        #: Index into `fields` of the field under the cursor (always a selectable one, or 0).
        self.cursor = 0
        #: The store's property catalog, and the store it was read from (read again after a switch).
        self.catalog: PropertyCatalog | None = None
        self._catalog_of: object = None
        #: Project names by id, where the store tells them.
        self.owner_names: dict[str, str] = {}

    def compose(self):
        yield Static(Text("no image selected", style="italic"), id="detail-body")

    def on_mount(self) -> None:
        self.set_interval(AGE_REFRESH_SECONDS, self.refresh_ages)

    def show(self, image: Image | None, members: list[Member] | None = None, note: str = "") -> None:
        """Show ``image``; ``members`` is None when not loaded (or not the owner)."""
        if (image, members, note) == (self.image, self.members, self.members_note) and image is not None:
            return  # the same record again (a cursor resting, members loaded twice)
        changed = image is None or self.image is None or image.id != self.image.id
        self.image, self.members, self.members_note = image, members, note
        self.fields = self._fields()
        self.cursor = self._cursor_kept(changed)
        self._draw()
        if changed:
            self.scroll_home(animate=False)

    def refresh_ages(self) -> None:
        """Draw again when a relative age moved on; nothing is drawn while the ages still read the same."""
        if self.image is None or not self.is_on_screen:
            return
        fields = self._fields()
        if fields != self.fields:
            self.fields = fields
            self._draw()

    def _fields(self) -> tuple[Field, ...]:
        if self.image is None:
            return ()
        store = getattr(self.app, "store", None)
        if store is not None and store is not self._catalog_of:
            self._catalog_of, self.catalog = store, None
            self._load_catalog(store)
        return image_fields(
            self.image, self.members, self.members_note, self._clock(), self.catalog, self.owner_names
        )

    def set_owner_names(self, names: Mapping[str, str]) -> None:
        """Owners read as names from now on; the shown image is drawn again."""
        self.owner_names = dict(names)
        if self.image is not None:
            self.fields = self._fields()
            self._draw()

    @work(exclusive=True, group="catalog", exit_on_error=False)
    async def _load_catalog(self, store: ImageStore) -> None:
        """Read the store's catalog once (the store keeps it), then mark the shown image."""
        try:
            catalog = await store.property_catalog()
        except ImageDeckError:
            return  # no marks without a catalog; the edit dialog says why
        if store is self._catalog_of:
            self.catalog = catalog
            if self.image is not None:
                self.fields = self._fields()
                self._draw()

    def _cursor_kept(self, new_image: bool) -> int:
        """The first field of a new image; for the same image, the cursor's field or the one
        before it when it went away (members loaded, a property removed)."""
        stops = self._selectable()
        if not stops:
            return 0
        earlier = [i for i in stops if i <= self.cursor]
        return stops[0] if new_image or not earlier else earlier[-1]

    def _selectable(self) -> list[int]:
        return [index for index, field in enumerate(self.fields) if field.selectable]

    def _draw(self) -> None:
        body = self.query_one("#detail-body", Static)
        content = self._render_image()
        body.update(content, layout=self._height_of(content, body.size.width) != body.size.height)

    def _height_of(self, content: Text | DetailBody, width: int) -> int | None:
        """Lines ``content`` takes at ``width``: when it is the body's height already, the new
        text is drawn in place instead of laying out the whole screen again, which costs tens
        of milliseconds on every cursor rest."""
        if width <= 0:
            return None
        if isinstance(content, DetailBody):
            return len(content.lines(width))
        console = self.app.console
        return len(console.render_lines(content, console.options.update_width(width), pad=False))

    def _render_image(self) -> Text | DetailBody:
        if self.image is None:
            return Text("no image selected", style="italic")
        return DetailBody(self.fields, self.cursor if self.has_focus else None)

    # -- the field cursor -----------------------------------------------------------

    def on_focus(self, event: events.Focus) -> None:
        if self.image is not None:
            self._draw()

    def on_blur(self, event: events.Blur) -> None:
        if self.image is not None:
            self._draw()

    def _move_to(self, index: int) -> None:
        self.cursor = index
        self._draw()
        body = self.query_one("#detail-body", Static)
        lines = DetailBody(self.fields).lines(body.size.width)
        first, last = field_lines(lines, index)
        height = self.scrollable_content_region.height
        if first < self.scroll_y:
            self.scroll_to(y=first, animate=False)
        elif last >= self.scroll_y + height:
            self.scroll_to(y=max(first, last - height + 1), animate=False)

    def action_cursor(self, delta: int) -> None:
        """Move to the next or previous field; the headings and notes between are skipped."""
        stops = self._selectable()
        if not stops:
            return
        after = [i for i in stops if i > self.cursor] if delta > 0 else [i for i in stops if i < self.cursor]
        if after:
            self._move_to(after[0] if delta > 0 else after[-1])

    def action_top(self) -> None:
        if stops := self._selectable():
            self._move_to(stops[0])
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        if stops := self._selectable():
            self._move_to(stops[-1])
        self.scroll_end(animate=False)

    def action_copy_value(self) -> None:
        """Copy the whole value under the cursor, as the pane shows it: a control character
        from another project's property reaches the clipboard as its escape, never raw into
        a shell the value is pasted into."""
        if self.image is None or not self._selectable():
            return
        field = self.fields[self.cursor]
        value = visible(field.full_value)
        name = "member id" if field.copy == field.label else field.label
        if not value:
            self.deck.notify(f"{name} has no value to copy", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(value)
        if cell_width(value) <= NOTIFY_VALUE_CELLS:
            self.deck.notify(f"Copied {name}: {value}", timeout=3)
        else:
            self.deck.notify(f"Copied {name} ({len(value)} characters)", timeout=3)
