"""The log file: private, one JSON line per entry, unreadable lines skipped, capped; the wrapper delegates."""

from __future__ import annotations

import inspect
import json
import stat
from pathlib import Path

from imagedeck.history import ActionLog, Entry, Place, RecordingStore, Request
from imagedeck.stores.base import ImageStore


def entry(number: int) -> Entry:
    return Entry(
        id=f"{number:08x}",
        time="2026-11-30T21:00:00Z",
        session="s",
        place=Place("local:/x", None, "alpha", "alpha"),
        action="add_tag",
        image_id="i",
        image_name="n",
        changes=(),
        request=Request("PUT", "/v2/images/i/tags/t"),
        command=None,
    )


def test_the_file_and_its_directory_are_private(action_log: ActionLog, log_path: Path) -> None:
    action_log.append(entry(1))
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700
    log_path.chmod(0o644)  # loosened by hand: the next write closes it again
    action_log.append(entry(2))
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert [e.id for e in action_log.read().entries] == ["00000001", "00000002"]


def test_unreadable_lines_are_skipped_and_counted(action_log: ActionLog, log_path: Path) -> None:
    action_log.append(entry(1))
    with log_path.open("ab") as file:
        file.write(b'{"id": "cut short\n[1, 2]\n\xff\xfe not json\n{"id": 5}\n\n')
    action_log.append(entry(2))
    read = action_log.read()
    assert [e.id for e in read.entries] == ["00000001", "00000002"]
    assert read.skipped == 4
    assert read.warning(log_path) == f"skipped 4 unreadable lines of the action log {log_path}"


def test_a_missing_file_is_an_empty_log(action_log: ActionLog) -> None:
    read = action_log.read()
    assert read.entries == [] and read.warning(action_log.path) is None


def test_the_log_keeps_the_newest_entries(log_path: Path) -> None:
    small = ActionLog(log_path, cap=20)
    for number in range(22):
        small.append(entry(number))
    assert len(small.read().entries) == 22  # trimmed only past a tenth more than the cap
    small.append(entry(22))
    ids = [e.id for e in small.read().entries]
    assert len(ids) == 20 and ids[-1] == f"{22:08x}" and ids[0] == f"{3:08x}"
    assert all(json.loads(line) for line in log_path.read_text().splitlines())
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


def test_the_wrapper_serves_every_method_of_the_contract() -> None:
    """A method the contract gains must be delegated too, or the wrapper would hide the store's own."""
    contract = {
        name
        for name, member in inspect.getmembers(ImageStore)
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }
    missing = sorted(name for name in contract if name not in RecordingStore.__dict__)
    assert missing == []


def test_the_log_lives_in_the_state_directory_imagedeck_is_given(tmp_path: Path) -> None:
    from imagedeck.history import default_log_path

    assert default_log_path({"IMAGEDECK_STATE_DIR": str(tmp_path)}) == tmp_path / "actions.jsonl"
    named = tmp_path / "elsewhere.jsonl"
    assert default_log_path({"IMAGEDECK_STATE_DIR": str(tmp_path), "IMAGEDECK_HISTORY": str(named)}) == named
