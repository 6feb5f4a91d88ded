"""Transfers pane: one row per job, refreshed in place; cancel and retry requests."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import ProgressBar, Static

from dialog_fixtures import PaneHost, transfer
from imagedeck.transfers import TransferProgress, TransferState
from imagedeck.widgets.transfers_pane import TransferRow, TransfersPane, format_eta, short_place
from tui_support import rows_drawn, wait_for


def _texts(pane: TransfersPane, job_id: str) -> dict[str, str]:
    row = pane.row(job_id)
    return {
        name: str(row.query_one(f".transfer-{name}", Static).content)
        for name in ("label", "state", "figures", "message")
    }


async def test_rows_are_added_per_job_and_updated_in_place() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        assert pane.query_one("#transfers-empty").display
        first = transfer("job-1")
        pane.update(first)
        pane.update(
            transfer(
                "job-2",
                kind="download",
                state="queued",
                source="cloud:alpha/abc",
                destination="/home/u/abc.raw",
                done=0,
                rate=None,
                eta=None,
            )
        )
        await wait_for(lambda: rows_drawn(pane, "job-1", "job-2"), pilot)
        assert pane.job_ids == ["job-1", "job-2"]
        assert not pane.query_one("#transfers-empty").display
        texts = _texts(pane, "job-1")
        assert texts["label"] == "upload  jammy-server.qcow2 → local:jammy-server"
        assert texts["state"] == "running"
        assert texts["figures"] == "256.0 MiB / 1.0 GiB  42.0 MiB/s  ETA 0:18"
        bar = pane.row("job-1").query_one(ProgressBar)
        assert bar.percentage == 0.25
        assert _texts(pane, "job-2")["figures"] == "0 B / 1.0 GiB"

        pane.update(
            replace(
                first,
                done=1_073_741_824,
                state=TransferState.VERIFYING,
                rate=None,
                eta=None,
                message="checking sha512",
            )
        )
        await wait_for(lambda: _texts(pane, "job-1")["state"] == "verifying", pilot)
        assert pane.job_ids == ["job-1", "job-2"]
        texts = _texts(pane, "job-1")
        assert texts["message"] == "checking sha512"
        assert texts["figures"] == "1.0 GiB / 1.0 GiB"
        assert bar.percentage == 1.0
        assert pane.row("job-1").has_class("-verifying")


async def test_events_arriving_while_a_row_mounts_show_the_newest() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        first = transfer("job-1")
        pane.update(first)
        pane.update(replace(first, state=TransferState.DONE, done=1_073_741_824, rate=None, eta=None))
        await wait_for(lambda: rows_drawn(pane, "job-1"), pilot)
        assert _texts(pane, "job-1")["state"] == "done"
        assert pane.row("job-1").has_class("-done")


async def test_unknown_total_counts_bytes_without_a_bar() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        pane.update(
            transfer("j", kind="import", total=None, done=5 * 1024**2, eta=None, source="https://h/jammy.img")
        )
        await wait_for(lambda: rows_drawn(pane, "j"), pilot)
        assert _texts(pane, "j")["figures"] == "5.0 MiB  42.0 MiB/s"
        row = pane.row("j")
        assert not row.query_one(ProgressBar).display
        pane.update(
            transfer(
                "j", kind="import", total=None, done=5 * 1024**2, state="done", source="https://h/jammy.img"
            )
        )
        await wait_for(lambda: row.query_one(ProgressBar).display, pilot)
        assert row.query_one(ProgressBar).percentage == 1.0


async def test_x_cancels_a_running_job_and_capital_r_retries_a_failed_one() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        pane.update(transfer("running-job"))
        pane.update(transfer("failed-job", state="failed", message="connection dropped at 40%"))
        await wait_for(lambda: rows_drawn(pane, "running-job", "failed-job"), pilot)
        await pilot.press("R")  # selected: the running job, which cannot be retried
        await pilot.press("x")
        await pilot.press("j", "x")  # a failed job cannot be cancelled
        await pilot.press("R")
        await wait_for(lambda: len(app.messages) == 2, pilot)
    sent = [(type(m).__name__, m.job_id) for m in app.messages]
    assert sent == [("CancelRequested", "running-job"), ("RetryRequested", "failed-job")]


async def test_selection_moves_and_is_marked() -> None:
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        for n in range(3):
            pane.update(transfer(f"job-{n}"))
        await wait_for(lambda: rows_drawn(pane, "job-0", "job-1", "job-2"), pilot)
        assert pane.row("job-0").has_class("-selected")
        assert pane.selected_job == "job-0"
        await pilot.press("j", "j", "j")
        assert pane.selected_job == "job-2"
        assert pane.row("job-2").has_class("-selected") and not pane.row("job-0").has_class("-selected")
        await pilot.press("k")
        assert pane.selected_job == "job-1"


def test_formatting_helpers() -> None:
    assert format_eta(None) == ""
    assert format_eta(65) == "ETA 1:05"
    assert format_eta(3 * 3600 + 7) == "ETA 3:00:07"
    assert short_place("/srv/images/a.qcow2") == "a.qcow2"
    assert short_place("https://h/x/jammy.img") == "jammy.img"
    assert short_place("cloud:alpha") == "cloud:alpha"
    assert short_place(None) == "?"


async def test_a_flood_of_progress_draws_a_row_at_most_ten_times_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    drawn: list[int] = []
    real_show = TransferRow.show

    def counting_show(row: TransferRow, progress: TransferProgress) -> None:
        drawn.append(progress.done)
        real_show(row, progress)

    monkeypatch.setattr(TransferRow, "show", counting_show)
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        pane.clock = lambda: now[0]
        pane.update(transfer("job-1", done=0))
        await wait_for(lambda: drawn == [0], pilot)
        for done in range(1, 201):  # two hundred events within one tick of the clock
            pane.update(transfer("job-1", done=done))
        await wait_for(lambda: len(drawn) == 2, pilot)  # the newest, once the tick is over
        assert drawn == [0, 200]
        assert _texts(pane, "job-1")["figures"].startswith("200 B / 1.0 GiB")
        now[0] += 0.1  # a tick later an event is drawn as it comes
        pane.update(transfer("job-1", done=300))
        assert drawn == [0, 200, 300]
        pane.update(transfer("job-1", done=400, state="done", rate=None, eta=None))
        assert drawn == [0, 200, 300, 400]  # a new state is drawn at once, tick or not
        assert _texts(pane, "job-1")["state"] == "done"


async def test_running_jobs_share_the_ten_draws_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    drawn: list[tuple[str, int]] = []
    real_show = TransferRow.show

    def counting_show(row: TransferRow, progress: TransferProgress) -> None:
        drawn.append((progress.job_id, progress.done))
        real_show(row, progress)

    monkeypatch.setattr(TransferRow, "show", counting_show)
    app = PaneHost()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TransfersPane)
        pane.clock = lambda: now[0]
        jobs = [f"job-{n}" for n in range(4)]
        for job in jobs:
            pane.update(transfer(job, done=0))
        await wait_for(lambda: len(drawn) == 4, pilot)
        now[0] += 0.1  # one tenth of a second: with four jobs running, each waits four tenths
        pane.update(transfer("job-0", done=10))
        assert drawn[-1] == ("job-3", 0)
        now[0] += 0.35  # past four tenths since its last draw
        pane.update(transfer("job-0", done=20))
        assert drawn[-1] == ("job-0", 20)
