"""Structured filters the store applies server-side, on top of the current query."""

from __future__ import annotations

import dataclasses

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from ..actions import bindings
from ..model import DiskFormat, ImageQuery, ImageStatus, MemberStatus, Visibility
from ..widgets.plain import PlainInput
from .base import Dialog, labelled, pair
from .fields import FieldError, parse_choices, parse_size, parse_tags

_VISIBILITIES = (*Visibility, "all")
_MEMBER_STATUSES = (*MemberStatus, "all")
_HIDDEN = (("hidden only", "true"), ("not hidden", "false"))


def _size_text(value: int | None) -> str:
    return "" if value is None else str(value)


class FilterDialog(Dialog[ImageQuery]):
    """``FilterDialog(query) -> ImageQuery | None``.

    Edits visibility, member status, status and disk format (comma-separated, any
    of), tags (all of), size range (``512M``, ``2G``; binary units) and hidden. The
    result is ``query`` with those fields replaced; name, owner and sort are kept.
    Enter in any text field applies; Clear empties every field.
    """

    BINDINGS = bindings("filters")

    AUTO_FOCUS = "#visibility"

    DEFAULT_CSS = """
    FilterDialog > #dialog {
        width: 76;
    }
    FilterDialog #form {
        height: auto;
        max-height: 16;
    }
    """

    def __init__(self, query: ImageQuery) -> None:
        super().__init__()
        self.query_in = query

    def compose(self) -> ComposeResult:
        q = self.query_in
        with Vertical(id="dialog") as frame:
            frame.border_title = "Filters"
            with VerticalScroll(id="form", can_focus=False):
                hidden = Select.NULL if q.os_hidden is None else str(q.os_hidden).lower()
                yield pair(
                    labelled(
                        "Visibility",
                        Select(
                            [(v, v) for v in _VISIBILITIES],
                            value=q.visibility or Select.NULL,
                            prompt="default view",
                            id="visibility",
                            compact=True,
                        ),
                    ),
                    labelled(
                        "Member status",
                        Select(
                            [(v, v) for v in _MEMBER_STATUSES],
                            value=q.member_status or Select.NULL,
                            prompt="default",
                            id="member_status",
                            compact=True,
                        ),
                    ),
                )
                yield labelled(
                    "Status",
                    PlainInput(
                        ", ".join(q.status),
                        placeholder="any of, e.g. active, queued",
                        id="status",
                        compact=True,
                    ),
                )
                yield labelled(
                    "Disk format",
                    PlainInput(
                        ", ".join(q.disk_format),
                        placeholder="any of, e.g. qcow2, raw",
                        id="disk_format",
                        compact=True,
                    ),
                )
                yield labelled(
                    "Tags",
                    PlainInput(
                        ", ".join(q.tags), placeholder="all of, comma-separated", id="tags", compact=True
                    ),
                )
                yield pair(
                    labelled(
                        "Size at least",
                        PlainInput(
                            _size_text(q.size_min), placeholder="e.g. 100M", id="size_min", compact=True
                        ),
                    ),
                    labelled(
                        "Size at most",
                        PlainInput(
                            _size_text(q.size_max), placeholder="e.g. 2G", id="size_max", compact=True
                        ),
                    ),
                )
                yield labelled(
                    "Hidden", Select(_HIDDEN, value=hidden, prompt="default", id="os_hidden", compact=True)
                )
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Clear", id="clear", action="screen.clear", compact=True)
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button("Apply", id="apply", variant="primary", action="screen.apply", compact=True)

    def _select(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else str(value)

    def result(self) -> ImageQuery:
        """The query the form describes; raises FieldError for unusable input."""
        text = lambda widget_id: self.query_one(f"#{widget_id}", Input).value  # noqa: E731
        size_min = parse_size(text("size_min"), "size at least")
        size_max = parse_size(text("size_max"), "size at most")
        if size_min is not None and size_max is not None and size_min > size_max:
            raise FieldError("size at least is larger than size at most")
        hidden = self._select("os_hidden")
        return dataclasses.replace(
            self.query_in,
            visibility=self._select("visibility"),
            member_status=self._select("member_status"),
            status=parse_choices(text("status"), tuple(ImageStatus), "status"),
            disk_format=parse_choices(text("disk_format"), tuple(DiskFormat), "disk format"),
            tags=tuple(parse_tags(text("tags"))),
            size_min=size_min,
            size_max=size_max,
            os_hidden=None if hidden is None else hidden == "true",
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self) -> None:
        self.clear_error()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    def action_clear(self) -> None:
        """Empty every field; applying an empty form asks for the default view."""
        for field in self.query(Input):
            field.value = ""
        for select in self.query(Select):
            select.clear()

    def action_apply(self) -> None:
        try:
            query = self.result()
        except FieldError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(query)
