"""Quit the way closing the window does when the system asks the app to stop.

SIGTERM (a logout, `kill`, a service manager), SIGINT (Ctrl+C in the terminal it was started
from) and SIGHUP (the terminal closed) would otherwise end the process at once by their default
action, without the window's shutdown: the running job would not be stopped at a step boundary
and the window's layout would not be saved. Here they quit the application instead, so that
`aboutToQuit` runs the shutdown as closing the window does.

Python runs its signal handlers only between bytecodes, and an idle Qt event loop runs none; so
the signal's number is also written to a socket (`signal.set_wakeup_fd`) that Qt watches. The
idle window still waits in Qt's event loop, with no timer polling for signals. A second signal
while the shutdown runs ends the process by the signal's default action.
"""

from __future__ import annotations

import logging
import signal
import socket

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier

log = logging.getLogger("studio.ui")

QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


class QuitOnSignals(QObject):
    """While alive, SIGTERM, SIGINT and SIGHUP quit `app` (once; see the module docstring)."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)  # a full buffer drops a wake-up rather than blocking a handler
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous = {number: signal.signal(number, _note) for number in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return
        received = [number for number in numbers if number in QUIT_SIGNALS]
        if not received:
            return
        name = signal.Signals(received[0]).name
        log.info("Quitting on %s", name)
        for number in QUIT_SIGNALS:
            signal.signal(number, signal.SIG_DFL)  # a second one ends the process at once
        self._app.quit()

    def uninstall(self) -> None:
        """Give the signals back their earlier handlers (tests; the app keeps these to the end)."""
        self._notifier.setEnabled(False)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()


def _note(number: int, frame) -> None:  # noqa: ANN001
    """The Python-level handler: nothing to do, the wake-up socket carries the signal."""
