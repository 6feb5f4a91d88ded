"""The fields of a new image, shared by the upload and import-from-URL dialogs."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from ..model import ContainerFormat, Schema
from ..widgets.plain import PlainInput
from .base import labelled, pair
from .fields import NEW_IMAGE_VISIBILITY, FieldError, parse_count, parse_properties, parse_tags
from .property_help import PropertyCheck, PropertyHelp, put_property


class MetadataForm(Vertical):
    """Name, formats, visibility, minimums, protection, tags and properties.

    `fields` returns Glance create-body fields (only what was set), or raises
    FieldError naming the field to fix; a property the catalog does not know is
    accepted on the second try.
    """

    DEFAULT_CSS = """
    MetadataForm {
        height: auto;
    }
    MetadataForm #properties {
        height: 3;
    }
    """

    def __init__(self, schema: Schema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema
        self.property_check = PropertyCheck()

    def compose(self) -> ComposeResult:
        schema = self.schema
        container = ContainerFormat.BARE if ContainerFormat.BARE in schema.container_formats else Select.NULL
        visibility = NEW_IMAGE_VISIBILITY if NEW_IMAGE_VISIBILITY in schema.visibilities else Select.NULL
        yield labelled("Name", PlainInput(id="name", compact=True))
        yield pair(
            labelled(
                "Disk format",
                Select(
                    [(f, f) for f in schema.disk_formats], prompt="choose", id="disk_format", compact=True
                ),
            ),
            labelled(
                "Container",
                Select(
                    [(f, f) for f in schema.container_formats],
                    value=container,
                    prompt="choose",
                    id="container_format",
                    compact=True,
                ),
            ),
        )
        yield pair(
            labelled(
                "Visibility",
                Select(
                    [(v, v) for v in schema.visibilities],
                    value=visibility,
                    prompt="choose",
                    id="visibility",
                    compact=True,
                ),
            ),
            labelled("Min disk (GB)", PlainInput("0", id="min_disk", type="integer", compact=True)),
        )
        yield pair(
            labelled("Min RAM (MB)", PlainInput("0", id="min_ram", type="integer", compact=True)),
            Horizontal(Checkbox("Protected", id="protected", compact=True), classes="field"),
        )
        yield labelled("Tags", PlainInput(id="tags", placeholder="comma-separated", compact=True))
        yield Label("Properties: key=value per line", classes="hint")
        yield TextArea(id="properties", compact=True)
        yield PropertyHelp(self.property_check)

    def prefill(self, name: str, disk_format: str | None, min_disk: int | None) -> None:
        """Put inspection results in the form (a format the schema lacks is left to choose)."""
        self.query_one("#name", Input).value = name
        if disk_format in self.schema.disk_formats:
            self.query_one("#disk_format", Select).value = disk_format
        if min_disk is not None:
            self.query_one("#min_disk", Input).value = str(min_disk)

    @property
    def disk_format(self) -> str | None:
        value = self.query_one("#disk_format", Select).value
        return None if value is Select.NULL else str(value)

    def fields(self) -> dict[str, Any]:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            raise FieldError("name: give the image a name")
        if len(name) > 255:
            raise FieldError("name is longer than 255 characters")
        result: dict[str, Any] = {"name": name}
        for key in ("disk_format", "container_format", "visibility"):
            value = self.query_one(f"#{key}", Select).value
            if value is Select.NULL:
                raise FieldError(f"{key.replace('_', ' ')}: choose one")
            result[key] = str(value)
        result["min_disk"] = parse_count(self.query_one("#min_disk", Input).value, "min disk")
        result["min_ram"] = parse_count(self.query_one("#min_ram", Input).value, "min RAM")
        result["protected"] = self.query_one("#protected", Checkbox).value
        tags = parse_tags(self.query_one("#tags", Input).value)
        if tags:
            result["tags"] = tags
        properties = parse_properties(self.query_one("#properties", TextArea).text)
        self.property_check.check(properties)
        result.update(properties)
        return result

    @on(PropertyHelp.Add)
    def _add_property(self, event: PropertyHelp.Add) -> None:
        put_property(self.query_one("#properties", TextArea), event.key, event.value)
