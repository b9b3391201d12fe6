"""Worker threads that must end after their owner is gone.

Closing the window may not wait for a thread stuck in a call that cannot be interrupted
(importing torch, loading a model, one cut-out). Destroying a `QThread` that still runs
aborts the process, so such a thread, with the object that lives in it, is kept here until it
finishes on its own; the application then exits without waiting for it (`studio.ui.app`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread

# The threads (and their workers) still running after their owner shut down.
_outliving: dict[QThread, QObject | None] = {}


def outlive_owner(thread: QThread, worker: QObject | None = None) -> None:
    """Keep `thread` and `worker` alive until the thread finishes."""
    if not thread.isRunning():
        return
    _outliving[thread] = worker
    thread.finished.connect(lambda: _outliving.pop(thread, None))


def busy_threads() -> list[str]:
    """The names of the threads kept here that still run."""
    return [thread.objectName() or "unnamed" for thread in _outliving if thread.isRunning()]
