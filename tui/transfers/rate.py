"""Transfer rate as a moving average over the last few seconds, and the ETA it implies."""

from __future__ import annotations

from collections import deque

#: How far back the moving average looks, in seconds.
WINDOW = 3.0
#: Below this much elapsed time a rate is noise, not information.
MIN_SPAN = 0.25


class RateMeter:
    """Bytes per second over a sliding window of (time, bytes done) samples."""

    def __init__(self, window: float = WINDOW) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._samples.clear()

    def sample(self, now: float, done: int) -> None:
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.popleft()

    @property
    def rate(self) -> float | None:
        if len(self._samples) < 2:
            return None
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        if t1 - t0 < MIN_SPAN:
            return None
        return max(0.0, (d1 - d0) / (t1 - t0))

    def eta(self, done: int, total: int | None) -> float | None:
        rate = self.rate
        if total is None or not rate:
            return None
        return max(0.0, (total - done) / rate)
