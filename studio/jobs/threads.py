"""Worker threads that must end after their owner is gone.

Closing the window may not wait for a thread stuck in a call that cannot be interrupted
(importing torch, loading a model, one cut-out). Destroying a `QThread` that still runs
aborts the process, so such a thread, with the object that lives in it, is kept here until it
finishes on its own; the application then exits without waiting for it (`studio.ui.app`).
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QObject, QThread

# The threads (and their workers) still running after their owner shut down.
_outliving: dict[QThread, QObject | None] = {}


def outlive_owner(thread: QThread, worker: QObject | None = None) -> None:
    """Keep `thread` and `worker` alive until the thread finishes."""
    if not thread.isRunning():
        return
    if not _outliving:
        # Registered now, after Qt's own exit handler (handlers run last in, first out).
        atexit.register(_wait_at_exit)
    _outliving[thread] = worker
    thread.finished.connect(lambda: _outliving.pop(thread, None))


def busy_threads() -> list[str]:
    """The names of the threads kept here that still run."""
    return [thread.objectName() or "unnamed" for thread in _outliving if thread.isRunning()]


def _wait_at_exit() -> None:
    """A program that ends normally (a script, not the app, which exits at once) waits for
    them here, before Qt is torn down: a `QThread` destroyed while it runs aborts."""
    atexit.unregister(_wait_at_exit)
    for thread in list(_outliving):
        thread.wait()
