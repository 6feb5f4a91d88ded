"""The pure rules behind the operator views: what a series of looks at an import means, when a
quota refuses before any byte moves, how Glance's usage, tasks and cache records are read."""

from __future__ import annotations

from rich.text import Text

from imagedeck.stores.glance_cache import _entry, _queued
from imagedeck.stores.operator import MIB, ImageTask, QuotaUse, usage_from_glance
from imagedeck.transfers.quota_check import quota_refusal
from imagedeck.transfers.stall import ImportWatch, Outcome, Snapshot
from imagedeck.widgets.status_header import gauge


def task(status: str, updated: str = "2026-11-30T10:00:00Z", message: str = "", id: str = "t1") -> ImageTask:
    return ImageTask.from_glance({"id": id, "status": status, "updated_at": updated, "message": message})


def test_an_import_with_nothing_moving_is_stalled_only_after_the_configured_time() -> None:
    watch = ImportWatch("web-download", stall_after=3)
    importing = Snapshot("importing", tasks=(task("processing"),))
    assert watch.observe(Snapshot("queued"), 0).outcome is Outcome.WORKING
    assert watch.observe(importing, 1).outcome is Outcome.WORKING
    assert watch.observe(importing, 3.9).outcome is Outcome.WORKING
    stalled = watch.observe(importing, 4.0)
    assert stalled.outcome is Outcome.STALLED
    assert "no progress for 3 s" in stalled.message and "task processing" in stalled.message
    assert "fetch the URL on this machine and upload it" in stalled.sentence()


def test_any_change_in_size_status_or_task_update_restarts_the_stall_clock() -> None:
    watch = ImportWatch("glance-direct", stall_after=3)
    watch.observe(Snapshot("importing", tasks=(task("processing"),)), 0)
    moved = Snapshot("importing", tasks=(task("processing", updated="2026-11-30T10:00:02Z"),))
    assert watch.observe(moved, 2.5).outcome is Outcome.WORKING
    assert watch.observe(moved, 5.0).outcome is Outcome.WORKING
    late = watch.observe(moved, 5.5)
    assert late.outcome is Outcome.STALLED
    assert late.fallback == "upload the file with a plain upload instead of glance-direct"


def test_a_failed_task_gives_its_message_and_earlier_tasks_say_nothing() -> None:
    old_failure = task("failure", message="an earlier attempt", id="old")
    watch = ImportWatch("web-download", earlier_tasks=frozenset({"old"}))
    assert watch.observe(Snapshot("queued", tasks=(old_failure,)), 0).outcome is Outcome.WORKING
    failed = watch.observe(
        Snapshot("queued", tasks=(old_failure, task("failure", message="Task failed due to Internal Error"))),
        1,
    )
    assert failed.outcome is Outcome.FAILED and failed.message == "Task failed due to Internal Error"
    store_failed = ImportWatch("copy-image").observe(Snapshot("active", failed_import="cheap"), 0)
    assert store_failed.outcome is Outcome.FAILED
    assert store_failed.message == "the import into store cheap failed"
    assert store_failed.fallback == "upload the data into that store instead"


def test_back_to_queued_after_importing_with_no_task_running_is_reported() -> None:
    watch = ImportWatch("glance-download")
    assert watch.observe(Snapshot("queued"), 0).outcome is Outcome.WORKING  # not started yet
    watch.observe(Snapshot("importing", tasks=(task("processing"),)), 1)
    back = watch.observe(Snapshot("queued", tasks=(task("success"),)), 2)
    assert back.outcome is Outcome.REQUEUED
    assert back.fallback.startswith("copy the image through this machine")


def test_an_active_image_of_the_wrong_size_or_hash_is_a_wrong_result() -> None:
    short = ImportWatch("web-download", expected_size=1000).observe(Snapshot("active", size=600), 0)
    assert short.outcome is Outcome.WRONG_RESULT and "600 bytes but 1000" in short.message
    bad_hash = ImportWatch("web-download", expected_sha512="a" * 128)
    assert (
        bad_hash.observe(Snapshot("active", size=5, os_hash_value="b" * 128), 0).outcome
        is Outcome.WRONG_RESULT
    )
    fine = ImportWatch("web-download", expected_size=5, expected_sha512="a" * 128)
    closing = Snapshot("active", size=5, os_hash_value="a" * 128, tasks=(task("processing"),))
    assert fine.observe(closing, 0).outcome is Outcome.WORKING  # the task still holds the image
    assert fine.observe(Snapshot("active", size=5, os_hash_value="a" * 128), 0).outcome is Outcome.FINISHED


def test_quota_refusal_counts_images_and_whole_mib_as_glance_does() -> None:
    uses = (QuotaUse("image_count_total", 2, 2), QuotaUse("image_size_total", 3, 4))
    assert "already has 2 of its 2 images" in (quota_refusal(uses, 0) or "")
    assert quota_refusal(uses, 0, new_images=0) is None  # uploading into a queued image
    room = (QuotaUse("image_count_total", 1, 2), QuotaUse("image_size_total", 3, 4))
    assert quota_refusal(room, 2 * MIB - 1) is None  # 1 MiB, rounded down, fits
    assert "2 MiB more on top of 3 MiB would pass its 4 MiB" in (quota_refusal(room, 2 * MIB) or "")
    assert quota_refusal((), 10**12) is None  # no limits


def test_glance_records_are_read_defensively() -> None:
    body = {
        "usage": {
            "image_count_total": {"usage": 9, "limit": 10},
            "image_size_total": {"usage": 3174, "limit": 5120},
            "weird": {"usage": "x", "limit": 1},
        }
    }
    uses = usage_from_glance(body)
    assert [u.resource for u in uses] == ["image_count_total", "image_size_total"]
    assert usage_from_glance({"usage": {}}) == () and usage_from_glance([]) == ()
    assert _queued("abc").image_id == "abc" and _queued(7) is None
    cached = _entry({"image_id": "x", "size": 5, "hits": 2, "last_accessed": 1.7e9}, "cached")
    assert cached.hits == 2 and cached.last_accessed is not None and cached.last_accessed.year == 2023


def test_the_header_gauge_reads_as_counts_and_gib_and_warns_past_80_percent() -> None:
    uses = (QuotaUse("image_count_total", 9, 10), QuotaUse("image_size_total", 3174, 5120))
    text: Text = gauge(uses, "bold red")
    assert text.plain == "images 9/10 · 3.1/5 GiB"
    warned = [text.plain[span.start : span.end] for span in text.spans if span.style == "bold red"]
    assert warned == ["images 9/10"]
    assert gauge((QuotaUse("image_size_total", 1, 4),)).plain == "1/4 MiB"
    assert gauge(()).plain == ""
