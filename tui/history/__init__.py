"""The action log: every change imagedeck makes, with its request and ``openstack`` command; and undo."""

from .entry import Entry, FieldChange, Place, Request
from .log import ActionLog, LogRead, default_log_path, terminal_session
from .recorder import RecordingStore, recording
from .undo import UndoPlan, UndoRefused, apply_undo, find_entry, last_undoable, plan_undo

__all__ = [
    "ActionLog",
    "Entry",
    "FieldChange",
    "LogRead",
    "Place",
    "RecordingStore",
    "Request",
    "UndoPlan",
    "UndoRefused",
    "apply_undo",
    "default_log_path",
    "find_entry",
    "last_undoable",
    "plan_undo",
    "recording",
    "terminal_session",
]
