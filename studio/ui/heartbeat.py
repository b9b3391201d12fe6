"""A heartbeat on the UI thread: a fast timer whose late ticks show how long the thread was
busy. Run during a generation, its longest gap tells whether the window stayed responsive."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt, QTimer

log = logging.getLogger(__name__)


class Heartbeat(QObject):
    def __init__(self, interval_ms: int = 10, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.longest_gap_ms = 0.0
        self.ticks = 0
        self.late_ticks = 0  # gaps over 50 ms: a user would notice those

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self.longest_gap_ms = 0.0
        self.ticks = 0
        self.late_ticks = 0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        """Stop; returns the longest time between two ticks, in ms (the interval included)."""
        self._timer.stop()
        return self.longest_gap_ms

    def _tick(self) -> None:
        now = time.perf_counter()
        gap_ms = (now - self._last) * 1000.0
        self.longest_gap_ms = max(self.longest_gap_ms, gap_ms)
        self.late_ticks += gap_ms > 50.0
        self._last = now
        self.ticks += 1
