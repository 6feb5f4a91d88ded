"""The transfers dock shows what happens: the newest job in view, every line of a job, failures
in red with their reason in full, names rather than ids or temporary directories, one unit
style, and cancel or retry offered only where they apply."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from dataclasses import replace

from textual.widgets import Footer, ProgressBar, Static

from dialog_fixtures import PaneHost, transfer
from imagedeck.dialogs import ConfirmDialog
from imagedeck.transfers.streams import BATCH_PIECES
from imagedeck.widgets.transfers_pane import TransfersPane, binary_size, describe, short_place
from tui_support import image_named, loaded, rows_drawn, select, wait_for

TEMP_STORE = "local:/tmp/imagedeck-demo-rw1aoy6r"
IMAGE_ID = "e7aed390-f4f3-5327-9024-6aa33a766d4a"
REASON = "the connection to the image service dropped at 40% and three resumes made no progress " * 2


def text_of(pane: TransfersPane, job_id: str, part: str) -> str:
    return str(pane.row(job_id).query_one(f".transfer-{part}", Static).content)


def inside(outer, inner) -> bool:
    return outer.contains_region(inner)


def test_sizes_use_one_binary_style() -> None:
    assert [binary_size(n) for n in (0, 1, 1023)] == ["0 B", "1 B", "1023 B"]
    assert binary_size(1536) == "1.5 KiB"
    assert binary_size(1_288_490_189) == "1.2 GiB"
    assert binary_size(3 * 1024**6) == "3072.0 PiB"


def test_places_show_names_not_store_directories() -> None:
    assert short_place(f"{TEMP_STORE}: demo-app-golden") == "demo-app-golden"
    assert short_place(TEMP_STORE) == "local store"
    assert short_place("cloud:alpha: jammy") == "jammy"
    job = transfer("t3", kind="download", source=f"{TEMP_STORE}: demo-app-golden", destination="/tmp/g.qcow2")
    assert describe(job) == "download demo-app-golden → g.qcow2"


async def test_rows_show_names_units_and_no_internal_ids() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        upload = transfer("t3", destination=f"{TEMP_STORE}: jammy-server", done=0, rate=None, eta=None)
        pane.update(upload)
        await wait_for(lambda: rows_drawn(pane, "t3"), pilot)
        # the image is created: the destination names it by id now; the row keeps its name
        pane.update(replace(upload, destination=f"{TEMP_STORE}: {IMAGE_ID}"))
        await wait_for(lambda: pane.row("t3").progress.destination.endswith(IMAGE_ID), pilot)
        label = text_of(pane, "t3", "label")
        assert label == "upload  jammy-server.qcow2 → jammy-server"
        assert "t3" not in label and "imagedeck-demo" not in label
        assert text_of(pane, "t3", "figures") == "0 B / 1.0 GiB"


async def test_a_failed_job_is_red_with_its_whole_reason() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        pane.update(transfer("t1", state="failed", done=1_073_741_824, rate=None, eta=None, message=REASON))
        await wait_for(lambda: rows_drawn(pane, "t1"), pilot)
        row = pane.row("t1")
        message = row.query_one(".transfer-message", Static)
        assert text_of(pane, "t1", "message") == REASON
        assert message.region.height >= 3  # wrapped, not cut
        assert inside(pane.scrollable_content_region, message.region)
        bar = row.query_one(ProgressBar).query_one("Bar")
        failed = app.theme_variables["transfer-failed"].lower()
        assert bar.get_component_rich_style("bar--complete").color.name == failed
        assert row.query_one(".transfer-state", Static).rich_style.color.name == failed


async def test_the_dock_grows_to_a_third_of_the_screen_and_follows_the_newest_job() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 36)) as pilot:
        pane = app.query_one(TransfersPane)
        pane.blur()
        pane.update(transfer("t1"))
        await wait_for(lambda: rows_drawn(pane, "t1") and pane.row("t1").region.height > 0, pilot)
        one = pane.region.height
        pane.update(transfer("t2"))
        await wait_for(lambda: pane.region.height > one, pilot)
        for n in range(3, 9):
            pane.update(transfer(f"t{n}", state="failed", message=REASON))
        await wait_for(lambda: "t8" in pane.job_ids and pane.row("t8").region.height > 0, pilot)
        await wait_for(lambda: pane.region.height == 12, pilot)  # a third of 36 lines, then it scrolls
        newest = pane.row("t8")
        await wait_for(lambda: inside(pane.scrollable_content_region, newest.region), pilot)
        assert pane.selected_job == "t8"


async def test_cancel_and_retry_keys_show_only_where_they_apply() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        running = transfer("t1")
        pane.update(running)
        pane.update(transfer("t2", state="done", message="saved"))

        def keys() -> set[str]:
            return set(app.screen.active_bindings)

        await wait_for(lambda: rows_drawn(pane, "t1", "t2") and "x" in keys(), pilot)
        assert "R" not in keys()
        pane.update(replace(running, state="failed", message="gone"))
        await wait_for(lambda: "R" in keys(), pilot)
        assert "x" not in keys()
        await pilot.press("j")  # the finished job: neither
        assert "x" not in keys() and "R" not in keys()


async def test_in_the_app_a_finished_download_shows_every_line(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await select(app, pilot, "cirros-0.6.2")
        app.jobs.start_download(image_named(app, "cirros-0.6.2"), tmp_path / "cirros.qcow2")
        pane = app.screen.transfers_pane
        await wait_for(lambda: pane.job_ids and pane.row(pane.job_ids[0]).progress.state == "done", pilot)
        await wait_for(lambda: rows_drawn(pane, *pane.job_ids), pilot)  # the done event is drawn
        row = pane.row(pane.job_ids[0])
        message = row.query_one(".transfer-message", Static)
        assert "cirros.qcow2" in str(message.content)
        await wait_for(lambda: inside(pane.scrollable_content_region, message.region), pilot)
        assert not message.region.overlaps(app.screen.query_one(Footer).region)  # not hidden under it
        assert "local:" not in text_of(pane, pane.job_ids[0], "label")


def stall_downloads(app, release: asyncio.Event) -> None:
    """The store sends the first chunk of every download, then nothing until ``release``."""
    download = app.store.download

    @contextlib.asynccontextmanager
    async def stalled(image_id: str, offset: int = 0):
        async with download(image_id, offset) as data:

            async def chunks():
                async for chunk in data.chunks:
                    piece = 4096 // BATCH_PIECES  # enough small pieces to be written at once
                    for start in range(0, 4096, piece):
                        yield chunk[start : start + piece]
                    await release.wait()
                    yield chunk[4096:]

            yield dataclasses.replace(data, chunks=chunks())

    app.store.download = stalled


async def test_quitting_during_a_download_keeps_the_part_file_and_says_so(make_app, tmp_path) -> None:
    app = make_app()
    target = tmp_path / "golden.qcow2"
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        stall_downloads(app, asyncio.Event())
        app.jobs.start_download(image_named(app, "demo-app-golden"), target)
        part = tmp_path / "golden.qcow2.part"
        await wait_for(lambda: part.exists() and part.stat().st_size == 4096, pilot)
        await pilot.press("q")
        await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot)
        said = str(app.screen.query_one("#message", Static).content)
        assert ".part" in said and "resumes" in said
        await pilot.press("y")
    assert part.stat().st_size == 4096
    assert not target.exists()
