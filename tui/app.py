"""The Textual application: settings, store, themes, global keys and wiring, nothing more.

Screens hold the panes and the store calls; this module only owns what is global: which
store is open, the clock (fixed in tests so ages are deterministic), the themes, the
keymap from the settings, the transfers engine, and quitting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from .commands import ImageDeckCommands
from .config import Settings
from .dialogs import LOCAL_STORE, CloudPickerDialog
from .messages import TransferEvent
from .model import Image, ImageDeckError, visible
from .stores import ImageStore, open_store
from .themes import THEME_VARIABLE_DEFAULTS, load_themes, pick_theme, theme_dirs


class ImageDeckApp(App[int]):
    """``ImageDeckApp(settings, store)``: the store is opened by the app, in a worker."""

    CSS_PATH = "app.tcss"
    TITLE = "imagedeck"
    COMMANDS = App.COMMANDS | {ImageDeckCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "request_quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        settings: Settings,
        store: ImageStore,
        *,
        clock: Callable[[], datetime] | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(timezone.utc))
        self._environ = dict(os.environ if environ is None else environ)
        self.theme_errors: list[str] = []
        self.transfers: Any = None
        #: Stores opened as copy destinations, by the word that names them; closed on exit.
        self._destinations: dict[str, ImageStore] = {}
        #: Stores switched away from while transfers may still use them; closed on exit.
        self._kept_open: list[ImageStore] = []
        self._register_themes()

    # -- notifications -------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of the app, the panes and the dialogs, shown as plain text.

        Messages carry image names, tags, member ids, file names and remote errors: each
        is made visible (no escape sequence reaches the terminal, no newline forges a line)
        and never read as markup, so ``[/]`` in a name cannot crash the app. ``markup`` is
        accepted for Textual's own callers and ignored.
        """
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout,
                       markup=False)

    # -- themes --------------------------------------------------------------------

    def _register_themes(self) -> None:
        """Shipped and user themes; a broken file is kept as a message shown once mounted."""
        themes, self.theme_errors = load_themes(theme_dirs(self.settings.themes_dir))
        for theme in themes:
            self.register_theme(theme)
        names = {theme.name for theme in themes}
        if names:
            self.theme = pick_theme(self.settings.theme, self._environ, names)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def switch_theme(self, name: str) -> None:
        if name not in self.available_themes:
            known = ", ".join(sorted(n for n in self.available_themes if n.startswith("imagedeck")))
            self.notify(f"No theme named {name!r}; try one of: {known}", severity="error")
            return
        self.theme = name
        self.notify(f"Theme: {name}", timeout=2)

    # -- start ---------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        from .screens.main import MainScreen

        self.push_screen(MainScreen())
        for error in self.theme_errors:
            self.notify(error, title="Theme not loaded", severity="warning", timeout=8)

    async def on_unmount(self) -> None:
        if self.transfers is not None:  # the person agreed to stop them when quitting
            for job in self.transfers.jobs():
                if job.state.active:
                    self.transfers.cancel(job.id)
        for store in (self.store, *self._destinations.values(), *self._kept_open):
            try:
                await store.close()
            except ImageDeckError:
                pass

    def show_unreachable(self, message: str) -> None:
        """The store did not answer at start (or after a switch): retry, pick another, or quit."""
        from .screens.main import MainScreen
        from .screens.unreachable import UnreachableScreen

        def main_screen() -> MainScreen | None:
            return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

        def picked(name: str | None) -> None:
            main = main_screen()
            if name is None or main is None:  # nothing chosen: back to the same question
                self.show_unreachable(message)
            else:
                main.switch_to(None if name == LOCAL_STORE else name)

        def chosen(answer: str | None) -> None:
            main = main_screen()
            if answer == "quit":
                self.exit(return_code=1)
            elif answer == "cloud":
                self.push_screen(CloudPickerDialog(self.cloud_names(), self.settings.cloud or LOCAL_STORE), picked)
            elif main is not None:
                main.connect()

        self.push_screen(UnreachableScreen(self.store.label, message), chosen)

    # -- stores --------------------------------------------------------------------

    def cloud_names(self) -> list[str]:
        """Clouds from clouds.yaml (the environment's OS_* cloud too); none when unreadable."""
        from .stores.clouds import cloud_names

        try:
            return sorted(cloud_names(self._environ))
        except (ImageDeckError, OSError) as exc:
            self.notify(f"cannot read clouds.yaml: {exc}", severity="warning")
            return []

    def use_store(self, cloud: str | None) -> None:
        """Switch to another store built from a copy of the settings.

        The old one closes now, unless transfers have used this session's stores: a job
        still running (or one the person may retry) keeps it open until the app exits.
        """
        settings = self.settings.replace(cloud=cloud)
        store = open_store(settings)
        old = self.store
        self.settings, self.store = settings, store
        if self.transfers is not None and self.transfers.jobs():
            self._kept_open.append(old)
            return

        async def close_old() -> None:
            await old.close()

        self.run_worker(close_old, group="close", exit_on_error=False)

    # -- transfers -----------------------------------------------------------------

    def _transfer_manager(self) -> Any:
        if self.transfers is None:
            from .transfers import TransferManager

            self.transfers = TransferManager(max_running=self.settings.max_transfers, on_event=self._on_transfer)
        return self.transfers

    def _on_transfer(self, progress: Any) -> None:
        """Called by the manager on this loop: hand the event to the screen as a message."""
        self.post_message(TransferEvent(progress))

    def on_transfer_event(self, event: TransferEvent) -> None:
        from .screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.transfer_progress(event.progress)

    def _submit(self, make_job: Callable[[], Any]) -> None:
        from .screens.main import MainScreen, describe_error

        try:
            self._transfer_manager().submit(make_job())
        except ImageDeckError as exc:
            self.notify(describe_error(exc), title="Transfer not started", severity="error")
            return
        if isinstance(self.screen, MainScreen):
            self.screen.show_transfers()

    def start_download(self, image: Image, path: Path, replace: bool = False) -> None:
        from .transfers import DownloadJob

        self._submit(lambda: DownloadJob(self.store, image.id, path, replace=replace))

    def start_upload(self, request: Any) -> None:
        from .transfers import UploadJob

        self._submit(lambda: UploadJob(self.store, request.path, request.fields,
                                       allow_unsafe=request.allow_unsafe, force_format=request.force_format))

    def start_import(self, request: Any) -> None:
        from .transfers import ImportJob

        self._submit(lambda: ImportJob(self.store, request.url, request.fields))

    def start_copy(self, image: Image, destination_target: str, name: str | None) -> None:
        """Open the destination in a worker (a cloud may be slow or refuse us), then queue the copy."""
        from .screens.main import describe_error
        from .transfers import CopyJob

        source = self.store

        async def open_then_copy() -> None:
            try:
                destination = await self._destination(destination_target)
            except Exception as exc:  # wrong password, unreachable, unknown cloud: say so, go on
                self.notify(describe_error(exc), title="Cannot open the destination", severity="error", timeout=8)
                return
            self._submit(lambda: CopyJob(source, image.id, destination, name=name))

        self.run_worker(open_then_copy, group="destination", exit_on_error=False)

    async def _destination(self, target: str) -> ImageStore:
        """The store ``target`` names, opened once and kept for the next copy there."""
        from .stores.targets import open_target

        if target not in self._destinations:
            store = await open_target(self.settings, target)
            if target in self._destinations:  # another copy opened it meanwhile
                await store.close()
            else:
                self._destinations[target] = store
                for warning in getattr(store, "warnings", ()):
                    self.notify(f"{store.label}: {warning}", severity="warning", timeout=8)
        return self._destinations[target]

    def start_convert(self, image: Image, out_format: str, path: Path | None, name: str | None = None) -> None:
        """Convert into the file ``path`` or, when None, back into this store as image ``name``."""
        from .transfers import ConvertJob, carried_fields

        source = (self.store, image.id)
        if path is not None:
            self._submit(lambda: ConvertJob(source, out_format, path))
        else:
            self._submit(lambda: ConvertJob(source, out_format, self.store, fields=carried_fields(image, name)))

    def cancel_transfer(self, job_id: str) -> None:
        if self.transfers is not None and self.transfers.cancel(job_id):
            self.notify(f"Cancelling transfer {job_id}", timeout=3)

    def retry_transfer(self, job_id: str) -> None:
        from .screens.main import describe_error

        try:
            self._transfer_manager().retry(job_id)
        except ImageDeckError as exc:
            self.notify(describe_error(exc), severity="error")

    @property
    def running_transfers(self) -> int:
        return int(getattr(self.transfers, "active_count", 0) or 0)

    # -- global actions ------------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_request_quit(self) -> None:
        """Quit at once, or ask first when transfers would be cut off."""
        running = self.running_transfers
        if not running:
            self.exit()
            return
        from .dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmDialog("Quit imagedeck", f"{running} transfer(s) still running will be stopped. Quit anyway?",
                          confirm_label="Quit"),
            answered,
        )
