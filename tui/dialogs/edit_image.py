"""Edit an image's metadata, see what will change, and apply it in one go."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from ..actions import bindings
from ..model import Change, Image, ImageDeckError, ImageStatus, Schema, visible
from ..widgets.plain import PlainInput, plain, plain_lines
from .base import Dialog, labelled, pair
from .changes import describe, field_changes, property_changes
from .fields import FieldError, format_properties, parse_count, parse_properties, parse_tags
from .property_help import PropertyCheck, PropertyHelp, put_property

#: Applies changes to the store; raising an ImageDeckError keeps the dialog open.
ApplyChanges = Callable[[list[Change]], Awaitable[object]]


def _kept(typed: str, original: str) -> str:
    """A text field's value: the original itself while the field still shows its visible form.

    Fields show names, tags and properties with their control characters escaped; an
    untouched field must not turn the escapes into the new value.
    """
    return original if typed == visible(original) else typed.strip()


def _kept_properties(typed: dict[str, str], current: dict[str, str]) -> dict[str, str]:
    """Typed properties with every untouched key and value back to what the image holds."""
    keys = {visible(key): key for key in current}
    kept: dict[str, str] = {}
    for key, value in typed.items():
        key = keys.get(key, key)
        original = current.get(key)
        kept[key] = original if original is not None and value == visible(original).strip() else value
    return kept


class EditImageDialog(Dialog[list[Change]]):
    """``EditImageDialog(image, schema, apply=None) -> list[Change] | None``.

    Fields are checked against ``schema`` (allowed formats), min disk/RAM as whole
    numbers, properties as ``key=value`` lines (not core or reserved names), tags
    comma-separated. A preview lists every change in words as you type.

    With ``apply`` given, ctrl+s / Apply awaits ``apply(changes)`` in a worker: a store
    error is shown in place with every edit kept, success dismisses with the changes.
    Without it the dialog dismisses with the changes and the caller applies them; a
    caller that keeps the dialog open itself can call `show_error` to report failure.
    An unchanged form dismisses with an empty list.
    """

    BINDINGS = bindings("edit")

    AUTO_FOCUS = "#name"

    DEFAULT_CSS = """
    EditImageDialog > #dialog {
        width: 76;
    }
    EditImageDialog #form {
        height: auto;
        max-height: 14;
    }
    EditImageDialog Checkbox {
        margin-right: 3;
    }
    EditImageDialog #properties {
        height: 5;
    }
    EditImageDialog #preview {
        border-top: solid $panel;
        height: auto;
        max-height: 6;
        color: $text-accent;
    }
    """

    def __init__(self, image: Image, schema: Schema, apply: ApplyChanges | None = None) -> None:
        super().__init__()
        self.image = image
        self.schema = schema
        self.apply = apply
        self.property_check = PropertyCheck()

    def _format_select(self, widget_id: str, allowed: tuple[str, ...], current: str | None) -> Select:
        values = list(allowed)
        if current and current not in values:
            values.append(current)  # keep what the image has even if this store no longer offers it
        return Select(
            [(plain(value), value) for value in values],
            value=current if current else Select.NULL,
            allow_blank=current is None,
            id=widget_id,
            disabled=self.image.status != ImageStatus.QUEUED,
            compact=True,
        )

    def compose(self) -> ComposeResult:
        image = self.image
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(f"Edit {image.label}")
            with VerticalScroll(id="form", can_focus=False):
                yield labelled("Name", PlainInput(visible(image.name or ""), id="name", compact=True))
                yield pair(
                    labelled(
                        "Disk format",
                        self._format_select("disk_format", self.schema.disk_formats, image.disk_format),
                    ),
                    labelled(
                        "Container",
                        self._format_select(
                            "container_format", self.schema.container_formats, image.container_format
                        ),
                    ),
                )
                if image.status != ImageStatus.QUEUED:
                    yield Static("formats can only change while the image is queued", classes="hint")
                yield pair(
                    labelled(
                        "Min disk (GB)",
                        PlainInput(str(image.min_disk), id="min_disk", type="integer", compact=True),
                    ),
                    labelled(
                        "Min RAM (MB)",
                        PlainInput(str(image.min_ram), id="min_ram", type="integer", compact=True),
                    ),
                )
                with Horizontal(classes="field"):
                    yield Checkbox("Protected", image.protected, id="protected", compact=True)
                    yield Checkbox("Hidden", image.os_hidden, id="os_hidden", compact=True)
                yield labelled(
                    "Tags",
                    PlainInput(
                        ", ".join(map(visible, image.tags)),
                        id="tags",
                        compact=True,
                        placeholder="comma-separated",
                    ),
                )
                yield Label("Properties: key=value per line; delete a line to remove it", classes="hint")
                shown = {visible(key): visible(value) for key, value in image.properties.items()}
                yield TextArea(format_properties(shown), id="properties", compact=True)
                yield PropertyHelp(self.property_check)
            yield Static("no changes", id="preview")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button("Apply", id="apply", variant="primary", action="screen.apply", compact=True)

    def changes(self) -> list[Change]:
        """The changes the form holds now; raises FieldError for a value that cannot be used."""
        wanted: dict[str, object] = {}
        name = _kept(self.query_one("#name", Input).value, self.image.name or "")
        if len(name) > 255:
            raise FieldError("name is longer than 255 characters")
        wanted["name"] = name or None
        for key, allowed in (
            ("disk_format", self.schema.disk_formats),
            ("container_format", self.schema.container_formats),
        ):
            value = self.query_one(f"#{key}", Select).value
            value = None if value is Select.NULL else value
            if value != getattr(self.image, key) and value not in allowed:
                raise FieldError(f"{key} must be one of {', '.join(allowed)}")
            wanted[key] = value
        wanted["min_disk"] = parse_count(self.query_one("#min_disk", Input).value, "min disk")
        wanted["min_ram"] = parse_count(self.query_one("#min_ram", Input).value, "min RAM")
        wanted["protected"] = self.query_one("#protected", Checkbox).value
        wanted["os_hidden"] = self.query_one("#os_hidden", Checkbox).value
        tags = {visible(tag): tag for tag in self.image.tags}
        wanted["tags"] = [tags.get(tag, tag) for tag in parse_tags(self.query_one("#tags", Input).value)]
        return field_changes(self.image, wanted) + property_changes(self.image.properties, self._properties())

    def _properties(self) -> dict[str, str]:
        return _kept_properties(
            parse_properties(self.query_one("#properties", TextArea).text), self.image.properties
        )

    def _check_properties(self) -> None:
        """Refuse a value the catalog rules out; ask twice before saving a key it does not know."""
        current = self.image.properties
        self.property_check.check({k: v for k, v in self._properties().items() if current.get(k) != v})

    @on(PropertyHelp.Add)
    def _add_property(self, event: PropertyHelp.Add) -> None:
        """Put ``key=value`` in the properties box, in place of the key's line if it has one."""
        put_property(self.query_one("#properties", TextArea), event.key, event.value)

    @on(TextArea.SelectionChanged, "#properties")
    def _cursor_moved(self, event: TextArea.SelectionChanged) -> None:
        row = event.selection.end[0]
        lines = event.text_area.text.splitlines()
        if row < len(lines):
            self.query_one(PropertyHelp).explain(lines[row].partition("=")[0])

    def _refresh_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            changes = self.changes()
        except FieldError as exc:
            preview.update(plain(f"cannot apply yet: {exc}"))
            return
        if not changes:
            preview.update("no changes")
        else:
            preview.update(plain_lines("Will change:", *(f"• {describe(c, self.image)}" for c in changes)))

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _edited(self) -> None:
        self.clear_error()
        self._refresh_preview()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        try:
            changes = self.changes()
            self._check_properties()
        except FieldError as exc:
            self.show_error(str(exc))
            return
        if self.apply is None or not changes:
            self.dismiss(changes)
        else:
            self._apply(changes)

    @work(exclusive=True, group="apply", exit_on_error=False)
    async def _apply(self, changes: list[Change]) -> None:
        button = self.query_one("#apply", Button)
        button.disabled = True
        try:
            await self.apply(changes)  # type: ignore[misc]
        except ImageDeckError as exc:
            self.show_error(f"{exc.kind}: {exc}")
            return
        finally:
            button.disabled = False
        self.dismiss(changes)
