"""Global keys: help, command line, palette, tab, esc, quit, transfers, theme, unreachable store."""

from __future__ import annotations

from pathlib import Path

from imagedeck.actions import parse_command
from imagedeck.app import ImageDeckApp
from imagedeck.model import ImageQuery, Invalid, Unavailable
from imagedeck.screens.help import HelpScreen
from imagedeck.screens.unreachable import UnreachableScreen
from imagedeck.stores.local import LocalStore
from tui_support import fixed_clock, loaded, notes, palette_offers, wait_for


async def test_question_mark_lists_every_binding(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen), pilot)
        text = "\n".join(f"{keys} {what}" for keys, what in app.screen.rows)
        for words in (
            "Accept",
            "Reject",
            "Undo",
            "Mark",
            "Copy id",
            "Delete",
            "Upload",
            "Filters",
            "Sort",
            "Reverse",
            "Cancel transfer",
            ":sort KEY",
            ":cloud NAME",
        ):
            assert words in text, words
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, HelpScreen), pilot)


async def test_help_shows_remapped_keys(make_app) -> None:
    app = make_app(keymap={"sharing.accept": "A"})
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("tab", "tab")
        await wait_for(lambda: app.focused is app.screen.sharing, pilot)
        await pilot.press("A")
        await wait_for(lambda: any("Accepted" in n for n in notes(app)), pilot)
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen), pilot)
        assert ("A", "Accept") in app.screen.rows


async def test_tab_and_shift_tab_cycle_panes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        screen = app.screen
        assert app.focused is screen.image_list
        await pilot.press("tab")
        assert app.focused is screen.detail
        await pilot.press("tab")
        await wait_for(lambda: app.focused is screen.sharing, pilot)
        await pilot.press("tab")
        assert app.focused is screen.image_list
        await pilot.press("shift+tab")
        await wait_for(lambda: app.focused is screen.sharing, pilot)
        await pilot.press("escape")
        assert app.focused is screen.image_list


async def test_command_line_sort_theme_and_errors(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon", *"sort size desc", "enter")
        await wait_for(lambda: app.screen.image_list.sort_key == "size", pilot)
        sizes = [i.size for i in app.screen.image_list.shown]
        known = [s for s in sizes if s is not None]
        assert known == sorted(known, reverse=True) and sizes[-1] is None  # unknown size last
        await pilot.press("colon", *"theme imagedeck-light", "enter")
        await wait_for(lambda: app.theme == "imagedeck-light", pilot)
        await pilot.press("colon", *"frobnicate", "enter")
        await wait_for(lambda: any("unknown command 'frobnicate'" in n for n in notes(app)), pilot)
        await pilot.press("colon", *"theme nope", "enter")
        await wait_for(lambda: any("No theme named 'nope'" in n for n in notes(app)), pilot)
        assert app.focused is app.screen.image_list


async def test_colon_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon", "q", "enter")
        await wait_for(lambda: app.return_code is not None, pilot)
    assert app.return_code == 0


async def test_q_quits_at_once_without_transfers(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("q")
        await wait_for(lambda: app.return_code is not None, pilot)
    assert app.return_code == 0 and not app.is_running


async def test_q_asks_when_transfers_run(settings, tmp_path: Path) -> None:
    import asyncio

    from imagedeck.dialogs import ConfirmDialog, UploadRequest

    class StalledStore(LocalStore):
        """Fault injection: the upload stalls, as on a link that stopped moving."""

        async def upload(self, image_id, data, size=None):
            await asyncio.Event().wait()

    app = ImageDeckApp(
        settings, StalledStore(settings.store_path, settings.project), clock=fixed_clock, environ={}
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        source = tmp_path / "disk.raw"
        source.write_bytes(bytes(4096))
        app.jobs.start_upload(
            UploadRequest(
                path=source, fields={"name": "stalled", "disk_format": "raw", "container_format": "bare"}
            )
        )
        await wait_for(lambda: app.jobs.running == 1, pilot)
        await pilot.press("q")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        assert "1 transfer(s) still running" in app.screen.message
        await pilot.press("n")
        await wait_for(lambda: not isinstance(app.screen, ConfirmDialog), pilot)
        assert app.is_running and app.jobs.running == 1
        await pilot.press("q")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        await pilot.press("y")
    assert app.return_code == 0


async def test_palette_offers_global_actions(make_app) -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p")
        await wait_for(lambda: isinstance(app.screen, CommandPalette), pilot)
        await pilot.press(*"show shares")
        await wait_for(lambda: palette_offers(app, "show shares"), pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.focused is not None and app.focused.id == "sharing", pilot)


async def test_t_toggles_transfers_pane(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        pane = app.screen.query_one("#transfers")
        assert not pane.display
        await pilot.press("t")
        assert pane.display and app.focused is pane
        await pilot.press("t")
        assert not pane.display and app.focused is app.screen.image_list


async def test_unreachable_store_offers_retry(tmp_path: Path, settings) -> None:
    class FlakyStore(LocalStore):
        """Fault injection: the first open fails as an unreachable cloud would."""

        fail = True

        async def open(self) -> None:
            if self.fail:
                raise Unavailable("cannot reach https://glance.example:9292 (connection refused)")
            await super().open()

    store = FlakyStore(settings.store_path, settings.project)
    app = ImageDeckApp(settings, store, clock=fixed_clock, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: isinstance(app.screen, UnreachableScreen), pilot)
        assert "connection refused" in str(app.screen.query_one("#reason").render())
        store.fail = False
        await pilot.press("r")
        await loaded(app, pilot)
        assert app.screen.image_list.images


async def test_switching_to_the_local_store_by_command(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        first = app.store
        await pilot.press("colon", *"cloud local", "enter")
        await wait_for(lambda: app.store is not first, pilot)
        await loaded(app, pilot)
        assert app.settings.cloud is None and app.screen.image_list.images


async def test_switching_store_keeps_the_old_one_open_for_its_transfers(settings, tmp_path: Path) -> None:
    closed: list[str] = []

    class Recording(LocalStore):
        """Records when the app closes it."""

        async def close(self) -> None:
            closed.append(self.label)
            await super().close()

    first = Recording(settings.store_path, settings.project)
    app = ImageDeckApp(settings, first, clock=fixed_clock, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        image = next(i for i in app.screen.image_list.images if i.name == "cirros-0.6.2")
        app.jobs.start_download(image, tmp_path / "cirros.qcow2")
        await wait_for(lambda: app.transfers is not None and app.transfers.active_count == 0, pilot)
        await pilot.press("colon", *"cloud local", "enter")
        await wait_for(lambda: app.store is not first, pilot)
        await loaded(app, pilot)
        assert closed == []  # a retry of that download would still need it
    assert closed == [first.label]


def test_parse_command_vocabulary() -> None:
    base = ImageQuery()
    entry, command = parse_command("sort size desc", base)
    assert entry.id == "list.sort" and command.args == ("size", "desc")
    query = parse_command("filter status=active,queued tag=lts format=qcow2", base)[1].query
    assert query is not None
    assert query.status == ("active", "queued") and query.tags == ("lts",) and query.disk_format == ("qcow2",)
    assert parse_command("filter", base)[1].query == ImageQuery()
    assert parse_command(":q!", base)[1].name == "quit"
    for bad in ("sort colour", "filter status", "filter colour=red", "cloud", "nonsense"):
        try:
            parse_command(bad, base)
        except Invalid:
            continue
        raise AssertionError(f"{bad!r} was accepted")


async def test_unreachable_store_offers_another_store(tmp_path: Path, settings) -> None:
    from imagedeck.dialogs import LOCAL_STORE, CloudPickerDialog

    class DownStore(LocalStore):
        """Fault injection: this store never answers."""

        async def open(self) -> None:
            raise Unavailable("cannot reach https://glance.example:9292 (timed out)")

    app = ImageDeckApp(
        settings.replace(cloud=None),
        DownStore(settings.store_path, settings.project),
        clock=fixed_clock,
        environ={},
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: isinstance(app.screen, UnreachableScreen), pilot)
        await pilot.press("c")
        await wait_for(lambda: isinstance(app.screen, CloudPickerDialog), pilot)
        app.screen.dismiss(None)  # changed their mind: asked again
        await wait_for(lambda: isinstance(app.screen, UnreachableScreen), pilot)
        await pilot.press("c")
        await wait_for(lambda: isinstance(app.screen, CloudPickerDialog), pilot)
        app.screen.dismiss(LOCAL_STORE)
        await loaded(app, pilot)
        assert not isinstance(app.store, DownStore) and app.screen.image_list.images


async def test_unreachable_quit(settings) -> None:
    class DownStore(LocalStore):
        async def open(self) -> None:
            raise Unavailable("cannot reach the cloud")

    app = ImageDeckApp(
        settings, DownStore(settings.store_path, settings.project), clock=fixed_clock, environ={}
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: isinstance(app.screen, UnreachableScreen), pilot)
        await pilot.press("q")
        await wait_for(lambda: app.return_code is not None, pilot)
    assert app.return_code == 1


async def test_switching_to_an_unknown_cloud_explains(make_app, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "no-clouds.yaml"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("colon", *"cloud nosuchcloud", "enter")
        await wait_for(lambda: any("no cloud named 'nosuchcloud'" in n for n in notes(app)), pilot)
        assert app.settings.cloud is None and app.screen.image_list.images  # still on the local store
