"""The format inspection of bytes on their way into a store, as Glance runs it on upload.

`StreamInspection` is fed the data chunk by chunk as it goes by (one pass, nothing read
again), keeps only what a verdict needs (the first MiB, the last 512 bytes, oslo's own
capture regions) and reaches the same verdict `inspect_file` reaches on a file. It can
refuse early, once the header has shown enough (a qcow2 backing file sits in the first
512 bytes), so a refused image need not be sent to the end. ``feed`` blocks: run it on a
worker thread.

What a person chose to accept travels with the transfer (`overrides`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from oslo_utils.imageutils import format_inspector as fi

from .conclude import Found, conclude, safety, virtual_size
from .names import HEAD_BYTES, RAW_LIKE, VHD_FOOTER, glance_name, normalize_declared
from .overrides import Overrides, current_overrides
from .report import Failure, mismatch_warning
from .vmdk import DESCRIPTOR_LIMIT, text_descriptor

HEAD_KEPT = max(HEAD_BYTES, DESCRIPTOR_LIMIT)
#: Declared formats the inspector can confirm; any other one (ploop...) is taken on trust, as Glance does.
CHECKABLE = RAW_LIKE | {glance_name(name) for name in fi.ALL_FORMATS}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the data must not be stored: ``unsafe`` content, or else a format mismatch."""

    unsafe: bool
    #: The failed checks, or the mismatch, in words.
    reason: str

    def __str__(self) -> str:
        return f"not safe to store: {self.reason}" if self.unsafe else self.reason


@dataclass(frozen=True, slots=True)
class StreamVerdict:
    """What the bytes are, measured against the format they were declared as."""

    found: Found
    declared: str | None
    size: int
    #: False when reached before the end of the data (the size and end regions unknown).
    final: bool = True
    #: The declared format's own inspector read its whole header and it does not match.
    not_declared: bool = False

    @property
    def detected_format(self) -> str | None:
        return self.found.detected

    @property
    def virtual_size(self) -> int | None:
        return self.found.virtual_size

    @property
    def safe(self) -> bool:
        return not self.found.failures and self.found.detected is not None

    @property
    def mismatch(self) -> str | None:
        if self.not_declared:
            return f"declared {self.declared} but the content is not {self.declared}"
        if self.declared not in CHECKABLE:
            return None
        raw_to_glance = self.found.inspector_name == "raw"
        return mismatch_warning(self.declared, self.found.detected, raw_to_glance=raw_to_glance)

    def describe(self) -> str:
        """A short phrase for a job's message: 'qcow2, safe' or 'vmdk, UNSAFE'."""
        return f"{self.detected_format or 'unknown format'}, {'safe' if self.safe else 'UNSAFE'}"

    def refusal(self, overrides: Overrides | None = None) -> Refusal | None:
        """Why these bytes must not be stored as declared, unless ``overrides`` accept it."""
        chosen = overrides or current_overrides()
        if self.not_declared:
            return None if chosen.force_format else Refusal(False, str(self.mismatch))
        if not self.safe and not chosen.allow_unsafe:
            reasons = "; ".join(map(str, self.found.failures)) or "the inspector cannot tell what it is"
            return Refusal(True, reasons)
        mismatch = self.mismatch
        if mismatch and not chosen.force_format:
            return Refusal(False, mismatch)
        return None


class _NotMatching:
    complete = True
    format_match = False


_NOT_MATCHING: fi.FileInspector = _NotMatching()  # type: ignore[assignment]


class _Pending(io.BytesIO):
    """The one chunk `fi.InspectWrapper` reads next, as the binary file it wants."""

    def __init__(self) -> None:
        super().__init__()
        self.chunk = b""

    def read(self, size: int | None = -1, /) -> bytes:
        chunk, self.chunk = self.chunk, b""
        return chunk


class StreamInspection:
    """oslo's inspectors (all of them, as for a file) fed a stream as it passes."""

    def __init__(self, declared: str | None) -> None:
        self.declared = normalize_declared(declared)
        self.size = 0
        self._pending = _Pending()
        self._wrapper = fi.InspectWrapper(self._pending)
        self._watched = _watchers(self.declared)
        self._head = bytearray()
        self._tail = b""
        self._failure: Found | None = None
        self._done = False
        self._head_checked = 0

    def feed(self, pieces: Sequence[bytes]) -> None:
        """Inspect the next ``pieces`` of the data (blocking)."""
        for piece in pieces:
            if piece:
                self._eat(piece)

    def _eat(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if len(self._head) < HEAD_KEPT:
            self._head += chunk[: HEAD_KEPT - len(self._head)]
        self._tail = (self._tail + chunk[-VHD_FOOTER:])[-VHD_FOOTER:]
        if self._failure is not None:
            return
        self._pending.chunk = chunk
        try:
            self._wrapper.read(len(chunk))
        except Exception as exc:  # noqa: BLE001 - a hostile stream must never take the caller down
            self._failure = _broken(exc)
        for name, inspector in list(self._watched.items()):
            if inspector is not _NOT_MATCHING and not inspector.complete:
                try:
                    inspector.eat_chunk(chunk)
                except Exception:  # noqa: BLE001 - it cannot read its own header: not that format
                    self._watched[name] = _NOT_MATCHING

    def early(self) -> StreamVerdict | None:
        """A verdict already certain before the end of the data, when there is one.

        Certain early are: a VMDK descriptor whose extents were already read; every
        inspector complete (none waits for the end, as a VMDK stream footer does) with a
        format recognised; or the declared format's header read in full and not matching.
        """
        if self._failure is not None:
            return StreamVerdict(self._failure, self.declared, self.size, final=False)
        if self._descriptor_seen():
            return self._verdict([], final=False)
        try:
            matches = self._wrapper.formats
        except Exception:  # noqa: BLE001 - undecided; the end will tell
            matches = None
        if matches and all(str(m) != "raw" for m in matches):
            return self._verdict(list(matches), final=False)
        for name, inspector in self._watched.items():
            if inspector is _NOT_MATCHING or (inspector.complete and not inspector.format_match):
                if name == self.declared:
                    unknown = Found(None, None, None, ())
                    return StreamVerdict(unknown, self.declared, self.size, final=False, not_declared=True)
                continue
            if inspector.complete:
                verdict = StreamVerdict(_single(inspector), self.declared, self.size, final=False)
                if verdict.refusal(Overrides()) is not None:
                    return verdict
        return None

    def _descriptor_seen(self) -> bool:
        """Whether the head read so far is a VMDK descriptor naming files (parsed once per growth)."""
        if len(self._head) == self._head_checked:
            return False
        self._head_checked = len(self._head)
        return text_descriptor(bytes(self._head)) is not None

    def finish(self) -> StreamVerdict:
        """The verdict on everything fed (call once, after the last chunk)."""
        if self._failure is not None:
            return StreamVerdict(self._failure, self.declared, self.size)
        if not self._done:
            self._done = True
            self._wrapper.close()
        try:
            matches = list(self._wrapper.formats or [])
        except Exception as exc:  # noqa: BLE001
            return StreamVerdict(_broken(exc), self.declared, self.size)
        return self._verdict(matches, final=True)

    def _verdict(self, matches: list[fi.FileInspector], *, final: bool) -> StreamVerdict:
        try:
            found = conclude(matches, bytes(self._head), self._tail, self.size)
        except Exception as exc:  # noqa: BLE001
            found = _broken(exc)
        return StreamVerdict(found, self.declared, self.size, final=final)


def _watchers(declared: str | None) -> dict[str, fi.FileInspector]:
    """Inspectors that can settle a refusal before the others have decided.

    The declared format's own one shows early that the data is not that format, or that
    its header is unsafe (a fixed VHD is told by its last bytes, and raw-like formats
    accept any bytes); for a raw-like declaration, a qcow2 one shows the silent mismatch.
    """
    if declared in RAW_LIKE:
        return {"qcow2": fi.QcowInspector()}
    own = fi.get_inspector(declared or "")
    if own is None or declared == "vhd":
        return {}
    return {str(declared): own()}


def _single(inspector: fi.FileInspector) -> Found:
    """The verdict of one inspector whose header is complete."""
    name = str(inspector)
    return Found(glance_name(name), name, virtual_size(inspector), safety(inspector))


def _broken(exc: Exception) -> Found:
    return Found(None, None, None, (Failure.of("inspector_error", f"{type(exc).__name__}: {exc}"),))
