"""One time budget shared by everything that stops when the window closes."""

from __future__ import annotations

import time


class StopClock:
    """`left_ms()`: what is left of `budget_s` since the clock was made (never negative)."""

    def __init__(self, budget_s: float) -> None:
        self._end = time.monotonic() + budget_s

    def left_ms(self) -> int:
        return max(0, int((self._end - time.monotonic()) * 1000))
