"""Work the editor does off the UI thread: autosave writes, sticker previews, automatic cut-outs.

Each task is a `QRunnable` whose result comes back through a small signals object; results are
delivered queued to the receiving widget's thread, so the UI never waits on disk or torch.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from studio.errors import StudioError

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    #: (tag, result) — the tag says which request this answers (stale answers are dropped).
    done = Signal(object, object)
    #: (tag, message) — a message fit for the status line.
    failed = Signal(object, str)


class Task(QRunnable):
    """Runs `fn()` on a pool thread and reports through `signals`."""

    def __init__(self, fn: Callable[[], Any], tag: object = None) -> None:
        super().__init__()
        self.fn = fn
        self.tag = tag
        self.signals = TaskSignals()
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except StudioError as exc:
            self.signals.failed.emit(self.tag, str(exc))
        except Exception as exc:  # a bug: keep the traceback in the log, tell the user briefly
            log.error("background task failed:\n%s", traceback.format_exc())
            self.signals.failed.emit(self.tag, f"{type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(self.tag, result)


def serial_pool(parent: QObject | None = None) -> QThreadPool:
    """A pool with one thread: its tasks run in order (autosave writes never overtake)."""
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(1)
    return pool


def submit(
    pool: QThreadPool,
    fn: Callable[[], Any],
    on_done: Callable[[object, object], None] | None = None,
    on_failed: Callable[[object, str], None] | None = None,
    tag: object = None,
) -> Task:
    """Start `fn` on `pool`; `on_done(tag, result)` / `on_failed(tag, message)` should be bound
    methods of QObjects, so they run on those objects' (UI) thread."""
    task = Task(fn, tag)
    if on_done is not None:
        task.signals.done.connect(on_done)
    if on_failed is not None:
        task.signals.failed.connect(on_failed)
    pool.start(task)
    return task
