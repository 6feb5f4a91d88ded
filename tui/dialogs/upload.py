"""Pick a local image file, see what it really is, then describe the image to create.

The file is inspected in a thread worker with the same format inspector the image
service runs, so the safety verdict and any format mismatch are shown before a single
byte is sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from humanize import naturalsize
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Select, Static
from textual.worker import Worker, WorkerState

from .. import formats
from ..actions import bindings
from ..model import ImageDeckError, Schema
from ..widgets.plain import PlainInput, plain, plain_lines
from .base import Dialog, labelled
from .fields import FieldError
from .metadata_form import MetadataForm
from .paths import PathSuggester
from .results import UploadRequest


def _size(value: int | None) -> str:
    return "unknown" if value is None else naturalsize(value, binary=True)


def image_name_for(path: Path) -> str:
    """A readable image name from a file name: ``jammy.qcow2`` -> ``jammy``."""
    return path.stem or path.name


class UploadDialog(Dialog[UploadRequest]):
    """``UploadDialog(schema, start_dir) -> UploadRequest | None``.

    Step one: a path (→ completes a directory entry; enter inspects the file in a
    thread worker). Step two: the inspector's facts and verdict, then a form prefilled
    with name (file stem), disk format (detected), container ``bare``, min disk
    (suggested from the virtual size), visibility `fields.NEW_IMAGE_VISIBILITY`. Upload refuses an
    unsafe file unless "upload anyway" is ticked and a disk format differing from the
    detected one unless "keep my format" is ticked; both choices travel in the
    request.
    """

    BINDINGS = bindings("upload")

    AUTO_FOCUS = "#path"

    DEFAULT_CSS = """
    UploadDialog > #dialog {
        width: 78;
    }
    UploadDialog #form-area {
        height: auto;
        max-height: 10;
        display: none;
    }
    UploadDialog.-inspected #form-area {
        display: block;
    }
    UploadDialog #verdict {
        height: auto;
    }
    UploadDialog #verdict.-unsafe {
        color: $text-error;
    }
    UploadDialog #mismatch {
        color: $text-warning;
        display: none;
    }
    UploadDialog #mismatch.-shown {
        display: block;
    }
    UploadDialog .override {
        display: none;
    }
    UploadDialog .override.-shown {
        display: block;
    }
    """

    def __init__(self, schema: Schema, start_dir: Path) -> None:
        super().__init__()
        self.schema = schema
        self.start_dir = start_dir
        self.path: Path | None = None
        self.report: formats.FormatReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = "Upload an image file"
            start = str(self.start_dir)
            yield labelled(
                "File",
                PlainInput(
                    start if start.endswith("/") else start + "/",
                    id="path",
                    suggester=PathSuggester(),
                    select_on_focus=False,
                    compact=True,
                ),
            )
            yield Static("→ completes, enter inspects the file", classes="hint")
            yield Static("", id="verdict")
            yield Static("", id="mismatch")
            with VerticalScroll(id="form-area", can_focus=False):
                yield MetadataForm(self.schema, id="form")
                yield Checkbox(
                    "Upload anyway (I trust this file)", id="allow_unsafe", classes="override", compact=True
                )
                yield Checkbox("Keep my disk format", id="force_format", classes="override", compact=True)
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    "Upload",
                    id="upload",
                    variant="primary",
                    disabled=True,
                    action="screen.upload",
                    compact=True,
                )

    # -- step one: the file ----------------------------------------------------------

    @on(Input.Submitted, "#path")
    def _path_entered(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            self.show_error("type the path of an image file")
        elif path.is_dir():
            self.show_error(f"{path} is a directory; choose a file in it (→ completes)")
        else:
            self.clear_error()
            self.query_one("#verdict", Static).update(plain(f"inspecting {path.name}…"))
            self.run_worker(
                lambda: (path, formats.inspect_file(path)),
                thread=True,
                exclusive=True,
                group="inspect",
                name="inspect",
                exit_on_error=False,
            )

    @on(Input.Changed, "#path")
    def _path_changed(self, event: Input.Changed) -> None:
        if self.path is not None and Path(event.value.strip()).expanduser() != self.path:
            self._forget_inspection()

    def _forget_inspection(self) -> None:
        self.path = None
        self.report = None
        self.remove_class("-inspected")
        self.query_one("#upload", Button).disabled = True
        self.query_one("#verdict", Static).update("")
        self._show_overrides()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "inspect":
            return
        if event.state == WorkerState.SUCCESS:
            path, report = cast("tuple[Path, formats.FormatReport]", event.worker.result)
            self._inspected(path, report)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.query_one("#verdict", Static).update("")
            if isinstance(error, ImageDeckError):
                self.show_error(str(error))
            else:  # inspect_file promises typed errors; anything else still gets a line, not a traceback
                self.show_error(f"cannot inspect the file: {type(error).__name__}: {error}")

    # -- step two: the verdict and the form --------------------------------------------

    def _inspected(self, path: Path, report: formats.FormatReport) -> None:
        self.path = path
        self.report = report
        form = self.query_one(MetadataForm)
        form.prefill(image_name_for(path), report.detected_format, report.suggested_min_disk_gb)
        verdict = self.query_one("#verdict", Static)
        facts = (
            f"{path.name}: {report.detected_format or 'unknown format'}, "
            f"virtual {_size(report.virtual_size)}, file {_size(report.actual_size)}"
        )
        if report.safe:
            verdict.update(plain_lines(facts, "✓ safe: passes the image service's format checks"))
            verdict.remove_class("-unsafe")
        else:
            failed = "; ".join(str(f) for f in report.failures) or "the format is not recognised"
            verdict.update(plain_lines(facts, f"✗ UNSAFE: {failed}", "the image service will refuse it"))
            verdict.add_class("-unsafe")
        self.add_class("-inspected")
        self.query_one("#upload", Button).disabled = False
        self._show_overrides()
        self.query_one("#name", Input).focus()

    @property
    def mismatch(self) -> str | None:
        """The format layer's warning when the chosen disk format is not what the file is."""
        if self.report is None:
            return None
        return formats.mismatch_warning(
            self.query_one(MetadataForm).disk_format,
            self.report.detected_format,
            raw_to_glance=self.report.inspector_format == "raw",
        )

    def _show_overrides(self) -> None:
        unsafe = self.report is not None and not self.report.safe
        self.query_one("#allow_unsafe", Checkbox).set_class(unsafe, "-shown")
        mismatch = self.mismatch
        self.query_one("#force_format", Checkbox).set_class(mismatch is not None, "-shown")
        warning = self.query_one("#mismatch", Static)
        warning.update(plain(f"⚠ {mismatch}" if mismatch else ""))
        warning.set_class(mismatch is not None, "-shown")

    @on(Select.Changed)
    def _format_changed(self) -> None:
        self.clear_error()
        self._show_overrides()

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "path":
            self.action_upload()

    def action_upload(self) -> None:
        if self.path is None or self.report is None:
            self.show_error("choose a file and press enter to inspect it first")
            return
        try:
            fields = self.query_one(MetadataForm).fields()
        except FieldError as exc:
            self.show_error(str(exc))
            return
        allow_unsafe = not self.report.safe and self.query_one("#allow_unsafe", Checkbox).value
        if not self.report.safe and not allow_unsafe:
            self.show_error("the file failed the safety checks; tick 'Upload anyway' to send it regardless")
            return
        mismatch = self.mismatch is not None
        force_format = mismatch and self.query_one("#force_format", Checkbox).value
        if mismatch and not force_format:
            self.show_error(
                f"choose {self.report.detected_format} as disk format, or tick 'Keep my disk format'"
            )
            return
        self.dismiss(UploadRequest(self.path, fields, allow_unsafe, force_format))
