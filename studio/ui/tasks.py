"""The one way the window runs work off the UI thread: submit, progress, then a result or an error.

A submitted function runs on a pool thread and receives a `TaskControl`: `should_stop()` says
the task was cancelled (checked between steps, as the export checks between stickers) and
`report(value)` sends progress. Progress, the result, the failure and the cancellation all
arrive in the UI thread through queued Qt signals, so callbacks may touch widgets.

Failures are described once, here (`TaskFailure`): a problem the user can act on (a
`StudioError`, a full disk, a read-only folder, a permission) is one plain line; anything else
is a bug, logged with its traceback and told briefly. Model work is not run here: the
generation worker (`studio.jobs.worker`) is the one thread that owns the models.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from studio.errors import StudioError
from studio.faults import describe

log = logging.getLogger(__name__)


class TaskCancelled(Exception):
    """Raised by `TaskControl.check()`: the task was cancelled; nothing is reported but that."""


class TaskControl:
    """What a running function is handed: whether to stop, and a way to report progress."""

    def __init__(self, report: Callable[[object], None]) -> None:
        self._stop = threading.Event()
        self._report = report

    def should_stop(self) -> bool:
        """True once the task was cancelled (or the window is closing)."""
        return self._stop.is_set()

    def check(self) -> None:
        """Raise `TaskCancelled` when the task was cancelled (a step boundary)."""
        if self._stop.is_set():
            raise TaskCancelled

    def report(self, progress: object) -> None:
        """Send `progress` to the UI thread (the task's `on_progress`)."""
        self._report(progress)

    def _cancel(self) -> None:
        self._stop.set()


@dataclass(frozen=True)
class TaskFailure:
    """Why a task failed, worded once for the whole window."""

    message: str  # one line for the status bar or a dialog
    user_problem: bool  # True: the user can fix it; False: a bug (its traceback is in the log)
    error: BaseException


def describe_failure(exc: BaseException, what: str) -> TaskFailure:
    """`exc`, raised while doing `what` ("the export"), as the line a user reads.

    A user's problem is said plainly and never called a bug; anything else is logged with its
    traceback and named as unexpected."""
    if isinstance(exc, StudioError):
        return TaskFailure(str(exc), True, exc)
    problem = describe(exc)
    if problem is not None:
        return TaskFailure(f"{what.capitalize()} failed: {problem}", True, exc)
    log.error("%s failed on an unexpected problem", what.capitalize(), exc_info=exc)
    return TaskFailure(
        f"{what.capitalize()} stopped on an unexpected problem "
        f"({type(exc).__name__}: {exc}); see the log",
        False,
        exc,
    )


class Task:
    """One submitted call. Exactly one of its result, failure or cancellation callbacks runs,
    in the UI thread (a plain object: the window submits one per thumbnail, so it is cheap)."""

    def __init__(
        self,
        fn: Callable[[TaskControl], Any],
        what: str,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[TaskFailure], None],
        on_cancelled: Callable[[], None] | None,
    ) -> None:
        self.what = what
        self.finished = False
        self.control = TaskControl(lambda value: None)  # replaced by the runner
        self._fn = fn
        self._on_result = on_result
        self._on_error = on_error
        self._on_cancelled = on_cancelled
        self._on_progress: list[Callable[[Any], None]] = []

    @property
    def cancel_requested(self) -> bool:
        return self.control.should_stop()

    def cancel(self) -> None:
        """Ask the function to stop (its `should_stop()` turns True); a task not started yet
        never runs. The cancellation callback follows, whatever the function ends with."""
        self.control._cancel()

    def on_progress(self, callback: Callable[[Any], None]) -> None:
        """Also call `callback(value)` for each progress report (in the UI thread)."""
        self._on_progress.append(callback)

    def _run(self) -> tuple[str, object]:
        # On the pool thread: no widget is touched.
        if self.control.should_stop():
            return "cancelled", None
        try:
            return "succeeded", self._fn(self.control)
        except TaskCancelled:
            return "cancelled", None
        except BaseException as exc:  # handed to the UI thread, which words it
            return "failed", exc

    def _progress(self, value: object) -> None:
        if not self.finished and not self.control.should_stop():
            for callback in list(self._on_progress):
                callback(value)

    def _end(self, outcome: str, payload: object) -> None:
        self.finished = True
        if outcome == "cancelled" or self.control.should_stop():
            if self._on_cancelled is not None:
                self._on_cancelled()
        elif outcome == "failed":
            self._on_error(describe_failure(payload, self.what))  # type: ignore[arg-type]
        elif self._on_result is not None:
            self._on_result(payload)


class _Relay(QObject):
    """Carries outcomes from the pool threads to the UI thread. It has no parent: the tasks
    still running keep it alive, so a task that ends after its runner is gone (the window
    closed while it could not be interrupted) has somewhere to report to."""

    ended = Signal(object, str, object)
    progressed = Signal(object, object)


class _Runnable(QRunnable):
    def __init__(self, task: Task, relay: _Relay) -> None:
        super().__init__()
        self._task = task
        self._relay = relay

    def run(self) -> None:
        outcome, payload = self._task._run()
        self._relay.ended.emit(self._task, outcome, payload)


# Pools still running a call that cannot be interrupted after their runner closed. Destroying
# a QThreadPool waits for its threads while holding the interpreter lock, which a Python task
# needs to finish: a deadlock at exit. Such a pool is kept here instead, and a program that
# ends normally (a script, a test) waits for it before Qt is torn down; the app itself exits
# at once without waiting (`studio.ui.app`).
_outliving: set[QThreadPool] = set()


def _outlive_owner(pool: QThreadPool) -> None:
    if not _outliving:
        atexit.register(_wait_at_exit)  # after Qt's own exit handler, so it runs before it
    pool.setParent(None)
    _outliving.add(pool)


def _wait_at_exit() -> None:
    atexit.unregister(_wait_at_exit)
    for pool in list(_outliving):
        pool.waitForDone()
    _outliving.clear()


class TaskRunner(QObject):
    """A small pool for the window's work off the UI thread (`threads=1` runs tasks in the
    order submitted: autosave writes never overtake each other)."""

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._tasks: set[Task] = set()
        self.closed = False
        # Emitted from the pool threads; the relay and the runner live in the UI thread, so
        # these connections are queued and every callback runs there.
        self._relay = _Relay()
        self._relay.ended.connect(self._deliver_end)
        self._relay.progressed.connect(self._deliver_progress)

    def submit(
        self,
        fn: Callable[[TaskControl], Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[TaskFailure], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        what: str = "the background task",
        priority: int = 0,
    ) -> Task:
        """Run `fn(control)` on the pool; the callbacks run in the UI thread. Without
        `on_error`, a failure is logged (a bug with its traceback). Higher `priority` starts
        first among the tasks waiting."""
        task = Task(fn, what, on_result, on_error or _log_failure, on_cancelled)
        relay = self._relay
        task.control = TaskControl(lambda value: relay.progressed.emit(task, value))
        if on_progress is not None:
            task.on_progress(on_progress)
        if self.closed:
            task.cancel()
        self._tasks.add(task)
        self._pool.start(_Runnable(task, relay), priority)
        return task

    @property
    def busy(self) -> bool:
        """Some task is waiting, running, or not yet delivered."""
        return bool(self._tasks)

    def cancel_all(self) -> None:
        """Cancel every task not yet delivered (those waiting never start)."""
        for task in list(self._tasks):
            task.cancel()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (closing, tests); results are then delivered by the
        event loop. False when something still runs after `msecs`."""
        return self._pool.waitForDone(msecs)

    def close(self, msecs: int = 30_000) -> bool:
        """Cancel everything and wait up to `msecs` for what runs; no callback runs after this.
        False when a call that cannot be interrupted still runs."""
        self.closed = True
        self.cancel_all()
        done = self._pool.waitForDone(msecs)
        if not done:
            _outlive_owner(self._pool)
        return done

    @Slot(object, object)
    def _deliver_progress(self, task: Task, value: object) -> None:
        if not self.closed:
            task._progress(value)

    @Slot(object, str, object)
    def _deliver_end(self, task: Task, outcome: str, payload: object) -> None:
        self._tasks.discard(task)
        if not self.closed:  # else the window is going: nobody is left to tell
            task._end(outcome, payload)


def _log_failure(failure: TaskFailure) -> None:
    if failure.user_problem:  # a bug was logged with its traceback when it was described
        log.warning("%s", failure.message)
