"""The service's wire format: one JSON object per line, each request naming the protocol
version, so a client and a service of different releases refuse each other clearly.

Requests: ``{"v": 1, "op": OP, ...}`` with OP one of ``ping``, ``submit`` (``spec``),
``list``, ``watch`` (``ids``: null for every job), ``cancel``/``retry``/``forget`` (``id``).
Replies: ``{"ok": true, ...}`` or ``{"ok": false, "error": TEXT, "kind": KIND}``; a watch
then streams ``{"event": SNAPSHOT}`` lines until the client hangs up.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Invalid
from ..transfers.events import TransferKind, TransferProgress, TransferState

VERSION = 1
#: Longest line either side accepts (a spec with many fields fits easily).
MAX_LINE = 1024 * 1024


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("the transfer service received a line that is not JSON") from None
    if not isinstance(message, dict):
        raise Invalid("the transfer service expects a JSON object per line")
    return message


def snapshot_json(progress: TransferProgress) -> dict[str, Any]:
    return {
        "id": progress.job_id,
        "kind": str(progress.kind),
        "state": str(progress.state),
        "source": progress.source,
        "destination": progress.destination,
        "total": progress.total,
        "done": progress.done,
        "rate": progress.rate,
        "eta": progress.eta,
        "message": progress.message,
    }


def snapshot_from(data: Any) -> TransferProgress:
    if not isinstance(data, dict):
        raise Invalid("the transfer service sent a malformed job")
    try:
        return TransferProgress(
            job_id=str(data["id"]),
            kind=TransferKind(data["kind"]),
            state=TransferState(data["state"]),
            source=str(data.get("source") or ""),
            destination=str(data.get("destination") or ""),
            total=_int(data.get("total")),
            done=_int(data.get("done")) or 0,
            rate=_float(data.get("rate")),
            eta=_float(data.get("eta")),
            message=data.get("message") if isinstance(data.get("message"), str) else None,
        )
    except (KeyError, ValueError):
        raise Invalid("the transfer service sent a malformed job") from None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


__all__ = ["MAX_LINE", "VERSION", "decode", "encode", "snapshot_from", "snapshot_json"]
