"""Create an image from a URL with the image service's ``web-download`` import."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from ..actions import bindings
from ..model import Schema
from ..widgets.plain import PlainInput
from .base import Dialog, labelled
from .fields import FieldError
from .metadata_form import MetadataForm
from .results import ImportRequest

WEB_DOWNLOAD = "web-download"


def check_url(text: str) -> str:
    """An http(s) URL with a host, or FieldError."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FieldError("URL: give an http:// or https:// address of the image file")
    return url


def name_from_url(url: str) -> str:
    """The file name of the URL's path without its extension (``…/jammy.img`` -> ``jammy``)."""
    last = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
    return last.rsplit(".", 1)[0] if "." in last.lstrip(".") else last


class ImportUrlDialog(Dialog[ImportRequest]):
    """``ImportUrlDialog(schema) -> ImportRequest | None``.

    URL plus the new image's fields (name filled from the URL when left empty). When
    the store does not list ``web-download`` among ``schema.import_methods`` the dialog
    says so and refuses to submit.
    """

    BINDINGS = bindings("import")

    AUTO_FOCUS = "#url"

    DEFAULT_CSS = """
    ImportUrlDialog > #dialog {
        width: 78;
    }
    ImportUrlDialog #form-area {
        height: auto;
        max-height: 12;
        margin-top: 1;
    }
    """

    def __init__(self, schema: Schema) -> None:
        super().__init__()
        self.schema = schema

    @property
    def supported(self) -> bool:
        return WEB_DOWNLOAD in self.schema.import_methods

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = "Import from URL"
            yield labelled(
                "URL", PlainInput(placeholder="https://example.org/images/disk.qcow2", id="url", compact=True)
            )
            if not self.supported:
                yield Static(
                    "this store does not offer web-download import; upload the file instead (u)",
                    classes="hint",
                    id="unsupported",
                )
            with VerticalScroll(id="form-area", can_focus=False):
                yield MetadataForm(self.schema, id="form")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    "Import",
                    id="import",
                    variant="primary",
                    disabled=not self.supported,
                    action="screen.submit",
                    compact=True,
                )

    @on(Input.Changed, "#url")
    def _url_changed(self, event: Input.Changed) -> None:
        self.clear_error()
        name = self.query_one("#name", Input)
        name.placeholder = name_from_url(event.value) if event.value.strip() else ""

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if not self.supported:
            self.show_error("this store does not offer web-download import")
            return
        try:
            url = check_url(self.query_one("#url", Input).value)
            name = self.query_one("#name", Input)
            if not name.value.strip():
                name.value = name_from_url(url)
            fields = self.query_one(MetadataForm).fields()
        except FieldError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(ImportRequest(url, fields))
