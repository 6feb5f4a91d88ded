"""The Textual application: settings, store, themes, global keys and wiring, nothing more.

Screens hold the panes and the store calls, `jobs` builds the transfers, `actions` declares
the keys; this module only owns what is global: which store is open, the clock (fixed in
tests so ages are deterministic), the themes, the keymap from the settings, and quitting.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from textual.app import App
from textual.filter import LineFilter, Monochrome, NoColor
from textual.notifications import SeverityLevel

from .actions import bindings
from .config import Settings
from .dialogs import LOCAL_STORE, CloudPickerDialog, ConfirmDialog
from .history import recording
from .jobs import Jobs
from .messages import TransferEvent
from .model import ImageDeckError, visible
from .palette import ImageDeckCommands
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .screens.unreachable import UnreachableScreen
from .stores import ImageStore, open_store
from .stores.clouds import cloud_names as clouds_yaml_names
from .themes import THEME_VARIABLE_DEFAULTS, load_themes, pick_theme, theme_dirs, theme_names
from .transfers import TransferManager

_NO_COLOUR = NoColor()


class ImageDeckApp(App[int]):
    """``ImageDeckApp(settings, store)``: the store is opened by the app, in a worker."""

    CSS_PATH = "app.tcss"
    TITLE = "imagedeck"
    COMMANDS = App.COMMANDS | {ImageDeckCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = bindings("app")

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
        self.store = recording(store, warn=self._log_unwritable)
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._environ = dict(os.environ if environ is None else environ)
        self.theme_errors: list[str] = []
        self.jobs = Jobs(self)
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
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    # -- themes --------------------------------------------------------------------

    def _register_themes(self) -> None:
        """Shipped and user themes; a broken file is kept as a message shown once mounted."""
        themes, self.theme_errors = load_themes(theme_dirs(self.settings.themes_dir))
        for theme in themes:
            self.register_theme(theme)
        names = {theme.name for theme in themes}
        if names:
            self.theme = pick_theme(self.settings.theme, self._environ, names)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """With ``NO_COLOR`` set, every colour is dropped, leaving bold, reverse and underline.

        Textual answers ``NO_COLOR`` by drawing in shades of grey, which are colour codes
        still; the mono theme already marks focus and state without colour, so the
        terminal's own colours are used instead.
        """
        filters = super().get_line_filters()
        if not self._environ.get("NO_COLOR"):
            return filters
        return [*(f for f in filters if not isinstance(f, (Monochrome, NoColor))), _NO_COLOUR]

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def switch_theme(self, name: str) -> None:
        if name not in self.available_themes:
            known = ", ".join(theme_names(self.available_themes))
            self.notify(f"No theme named {name!r}; try one of: {known}", severity="error")
            return
        self.theme = name
        self.notify(f"Theme: {name}", timeout=2)

    # -- start ---------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.push_screen(MainScreen())
        for error in self.theme_errors:
            self.notify(error, title="Theme not loaded", severity="warning", timeout=8)

    async def on_unmount(self) -> None:
        await self.jobs.stop_all()  # the person agreed to stop them when quitting
        for store in (self.store, *self.jobs.destinations.values(), *self._kept_open):
            with contextlib.suppress(ImageDeckError):
                await store.close()

    def show_unreachable(self, message: str) -> None:
        """The store did not answer at start (or after a switch): retry, pick another, or quit."""

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
                current = self.settings.cloud or LOCAL_STORE
                self.push_screen(CloudPickerDialog(self.cloud_names(), current), picked)
            elif main is not None:
                main.connect()

        self.push_screen(UnreachableScreen(self.store.label, message), chosen)

    # -- stores --------------------------------------------------------------------

    def cloud_names(self) -> list[str]:
        """Clouds from clouds.yaml (the environment's OS_* cloud too); none when unreadable."""
        try:
            return sorted(clouds_yaml_names(self._environ))
        except (ImageDeckError, OSError) as exc:
            self.notify(f"cannot read clouds.yaml: {exc}", severity="warning")
            return []

    def use_store(self, cloud: str | None) -> None:
        """Switch to another store built from a copy of the settings.

        The old one closes now, unless transfers have used this session's stores: a job
        still running (or one the person may retry) keeps it open until the app exits.
        """
        settings = self.settings.replace(cloud=cloud)
        store = recording(open_store(settings), warn=self._log_unwritable)
        old = self.store
        self.settings, self.store = settings, store
        if self.jobs.started:
            self._kept_open.append(old)
            return

        async def close_old() -> None:
            await old.close()

        self.run_worker(close_old(), group="close", exit_on_error=False)

    def _log_unwritable(self, message: str) -> None:
        self.notify(message, title="Action log", severity="warning", timeout=8)

    # -- transfers -----------------------------------------------------------------

    @property
    def transfers(self) -> TransferManager | None:
        """The transfers engine, once a first job has started it."""
        return self.jobs.manager

    def on_transfer_event(self, event: TransferEvent) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.transfer_progress(event.progress)

    def show_transfers(self) -> None:
        """A transfer started: the main screen shows its dock."""
        if isinstance(self.screen, MainScreen):
            self.screen.show_transfers()

    # -- global actions ------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_request_quit(self) -> None:
        """Quit at once, or ask first when transfers would be cut off."""
        if not self.jobs.running:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmDialog(
                "Quit imagedeck",
                f"{self.jobs.quit_note()} Quit anyway?",
                confirm_label="Quit",
            ),
            answered,
        )
