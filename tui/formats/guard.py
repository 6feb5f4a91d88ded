"""A stream of image bytes passed on while `StreamInspection` reads it beside.

The inspection runs on a worker thread, a batch behind the data, so the event loop only
hands chunks over. A refusal certain from the header stops the stream at once; the
final verdict is reached after the last byte and before the stream ends, so the
receiving store never sees a complete upload of data that is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Sequence

from .overrides import Overrides, current_overrides
from .stream import Refusal, StreamInspection, StreamVerdict

#: Bytes handed to the inspection thread at once.
BATCH = 1024 * 1024
#: What `head` buffers at most while waiting for the header to decide.
HEAD_LIMIT = 16 * 1024 * 1024

Refuse = Callable[[Refusal], BaseException]


class Guard:
    """Inspects one stream declared ``declared``; ``refuse`` makes the error a refusal raises.

    ``overrides`` default to those of the running transfer (`overriding`).
    """

    def __init__(self, declared: str | None, refuse: Refuse, overrides: Overrides | None = None) -> None:
        self.inspection = StreamInspection(declared)
        self.refuse = refuse
        self.overrides = overrides or current_overrides()
        #: The verdict reached before the end, if one was.
        self.early: StreamVerdict | None = None
        #: The verdict on the whole stream, once it ended.
        self.verdict: StreamVerdict | None = None

    async def head(self, chunks: AsyncIterator[bytes], limit: int = HEAD_LIMIT) -> tuple[list[bytes], bool]:
        """Read and inspect the first chunks until the header decides (or ``limit`` bytes).

        Returns the chunks read and whether the stream already ended; pass them on with
        `pass_through` (``prefix``), which does not inspect them again. Raises the refusal
        when the header settles one.
        """
        buffered: list[bytes] = []
        held = 0
        while held < limit and self.early is None:
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                await self._end([])
                return buffered, True
            buffered.append(chunk)
            held += len(chunk)
            await self._judge([chunk])
        return buffered, False

    async def pass_through(
        self, chunks: AsyncIterable[bytes], prefix: Sequence[bytes] = (), ended: bool = False
    ) -> AsyncGenerator[bytes, None]:
        """``prefix`` (already inspected) then ``chunks``, inspected on the way; raises a refusal."""
        for chunk in prefix:
            yield chunk
        if ended:
            return
        pending: list[bytes] = []
        held = 0
        feeding: asyncio.Future[None] | None = None
        try:
            async for chunk in chunks:
                if isinstance(chunk, (bytes, bytearray, memoryview)):
                    pending.append(bytes(chunk))  # a copy only of a buffer the sender may reuse
                    held += len(chunk)
                if held >= BATCH:
                    if feeding is not None:
                        await feeding
                    feeding = asyncio.ensure_future(self._judge(pending))
                    pending, held = [], 0
                yield chunk
            if feeding is not None:
                await feeding
            feeding = None
            await self._end(pending)
        finally:
            if feeding is not None and not feeding.done():
                with contextlib.suppress(BaseException):
                    await asyncio.shield(feeding)  # the thread still reads these chunks

    async def _judge(self, pieces: Sequence[bytes]) -> None:
        """Inspect ``pieces`` on a thread; raise if the header already settles a refusal."""
        early = await asyncio.to_thread(self._feed_and_judge, list(pieces))
        if early is not None and self.early is None:
            self.early = early
            self._check(early)

    def _feed_and_judge(self, pieces: list[bytes]) -> StreamVerdict | None:
        self.inspection.feed(pieces)
        return self.early or self.inspection.early()

    async def _end(self, pieces: Sequence[bytes]) -> None:
        def finish() -> StreamVerdict:
            self.inspection.feed(pieces)
            return self.inspection.finish()

        self.verdict = await asyncio.to_thread(finish)
        self._check(self.verdict)

    def _check(self, verdict: StreamVerdict) -> None:
        refusal = verdict.refusal(self.overrides)
        if refusal is not None:
            raise self.refuse(refusal)
