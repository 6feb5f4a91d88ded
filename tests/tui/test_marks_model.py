"""Marks and bulk outcomes without an app: ranges on top of earlier marks, and the one-line summary."""

from __future__ import annotations

from imagedeck.model import Image
from imagedeck.screens.bulk_actions import Outcome
from imagedeck.widgets.list_marks import Marks


def test_a_range_follows_the_cursor_both_ways_and_keeps_earlier_marks() -> None:
    marks = Marks()
    marks.toggle("a")
    marks.start_range("c")
    marks.extend_range(["c", "d", "e"])
    assert marks.ids == {"a", "c", "d", "e"} and marks.ranging
    marks.extend_range(["b", "c"])  # back up past the start: the other side, and d, e unmarked
    assert marks.ids == {"a", "b", "c"}
    marks.end_range()
    assert not marks.ranging and marks.ids == {"a", "b", "c"}


def test_mark_all_then_again_clears_and_a_deleted_image_loses_its_mark() -> None:
    marks = Marks()
    marks.toggle("z")
    assert marks.toggle_all(["a", "b"]) and marks.ids == {"a", "b", "z"}
    assert not marks.toggle_all(["a", "b"]) and not marks.ids
    marks.start_range("a")
    marks.discard("a")
    assert not marks.ids and not marks.ranging


def test_the_summary_counts_what_was_done_skipped_and_failed() -> None:
    web, db, old = Image(id="1", name="web"), Image(id="2", name="db"), Image(id="3", name="old")
    outcome = Outcome("deleted", done=[web, db], skipped=[(old, "protected")])
    assert outcome.summary() == "Deleted 2, 1 protected skipped"
    outcome.failed.append((Image(id="4", name="x\x1b[2J"), "Conflict: in use"))
    assert outcome.summary() == "Deleted 2, 1 protected skipped, 1 failed (x\x1b[2J: Conflict: in use)"
    assert outcome.left == ["3", "4"]  # they stay marked
