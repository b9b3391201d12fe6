"""Run a blocking call (file checks, downloads, imports) off the UI thread and get the result
back in it. Results and errors arrive through Qt signals, so callbacks run in the UI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(object)


class _Call(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, with_progress: bool) -> None:
        super().__init__()
        self._fn, self._relay, self._with_progress = fn, relay, with_progress

    def run(self) -> None:
        try:
            result = self._fn(self._relay.progress.emit) if self._with_progress else self._fn()
        except BaseException as exc:  # handed to the UI thread, which decides what to show
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class BackgroundTask(QObject):
    """One call in flight; `cancel()` sets the event a cooperative call checks."""

    def __init__(self, relay: _Relay, parent: QObject | None) -> None:
        super().__init__(parent)
        self.relay = relay
        self.cancel_event = threading.Event()
        self.finished = False

    def cancel(self) -> None:
        self.cancel_event.set()


class Background(QObject):
    """A small pool for the window's blocking calls (never generation: that has its thread)."""

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._tasks: set[BackgroundTask] = set()
        self._closed = False

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> BackgroundTask:
        """Call `fn()` (or `fn(report)` when `on_progress` is given) in the pool."""
        relay = _Relay()
        task = BackgroundTask(relay, self)
        self._tasks.add(task)

        def finish() -> None:
            task.finished = True
            self._tasks.discard(task)

        def done(result: Any) -> None:
            finish()
            if on_done is not None and not self._closed:
                on_done(result)

        def failed(exc: BaseException) -> None:
            finish()
            if self._closed:
                return
            if on_error is not None:
                on_error(exc)
            else:
                log.error("Background call failed", exc_info=exc)

        relay.done.connect(done)
        relay.failed.connect(failed)
        if on_progress is not None:
            relay.progress.connect(on_progress)
        self._pool.start(_Call(fn, relay, on_progress is not None))
        return task

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

    def close(self, msecs: int = 30_000) -> bool:
        """Wait up to `msecs` for calls in flight; their results are dropped (the window is
        closing). False when some still run (a blocking call cannot be interrupted)."""
        self._closed = True
        for task in self._tasks:
            task.cancel()
        return self._pool.waitForDone(msecs)
