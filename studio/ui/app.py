"""Start the window: QApplication on a qasync event loop, Qt messages into the log, and a dialog
for anything that escapes. Torch is not imported here; models load in the background later."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from studio import APP_NAME, __version__
from studio.jobs.threads import busy_threads
from studio.logs import install_excepthook
from studio.paths import resource, studio_paths
from studio.ui.quit_signals import QuitOnSignals

log = logging.getLogger("studio.ui")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(msg_type: QtMsgType, context, message: str) -> None:  # noqa: ANN001
    logging.getLogger("studio.qt").log(_QT_LEVELS.get(msg_type, logging.INFO), message)


def _show_crash_dialog(exc_type, exc, tb) -> None:  # noqa: ANN001
    app = QApplication.instance()
    if app is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "Something went wrong.")
    box.setInformativeText(
        f"{exc_type.__name__}: {exc}\n\nYour work is saved. The details are in the log:\n"
        f"{studio_paths().logs}"
    )
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    box.exec()


def load_stylesheet() -> str:
    """The shipped style sheet, or none when it is missing (a broken install still starts)."""
    try:
        return resource("styles", "studio.qss").read_text(encoding="utf-8")
    except OSError:
        log.warning("Style sheet not found; using the platform style")
        return ""


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("StickerStudio")
    icon = resource("icons", "app.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    app.setStyleSheet(load_stylesheet())
    qInstallMessageHandler(_qt_message)
    install_excepthook(_show_crash_dialog)
    return app


class FirstPaint(QObject):
    """Calls `then(seconds)` once, right after the widget's first paint."""

    def __init__(self, widget: QWidget, then: Callable[[float], None], t0: float) -> None:
        super().__init__(widget)
        self._then, self._t0, self._done = then, t0, False
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            elapsed = time.perf_counter() - self._t0
            # After this paint has finished, not inside it.
            QTimer.singleShot(0, lambda: self._then(elapsed))
        return False


def run_app() -> int:
    """Open the main window and run until it closes."""
    t0 = time.perf_counter()
    import qasync

    from studio.library import LibraryError
    from studio.ui.main_window import MainWindow

    app = create_application()
    # One event loop for Qt and asyncio: coroutines (publishing to Telegram) run on it between
    # Qt events, and an idle window waits in Qt's own event loop (no polling, no idle CPU).
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        window = MainWindow()
    except LibraryError as exc:  # not even read-only: say why, in a dialog, and stop
        log.warning("The library cannot be opened: %s", exc)
        QMessageBox.critical(None, APP_NAME, f"The library cannot be opened.\n\n{exc}")
        return 2

    def painted(seconds: float) -> None:
        log.info("Window painted %.0f ms after start-up began", seconds * 1000)
        window.start()  # restore the queue, find models and devices: all in the background

    FirstPaint(window, painted, t0)
    QuitOnSignals(app)  # SIGTERM, SIGINT, SIGHUP: the same shutdown as closing the window
    window.show()
    with loop:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        app.aboutToQuit.connect(window.shutdown)
        loop.run_until_complete(closed.wait())
    exit_now(window.busy_at_exit)
    return 0  # not reached


def exit_now(busy: list[str]) -> None:
    """End the process at once, once the window has closed and saved what it holds.

    Work that cannot be interrupted may still run (importing torch or loading a model takes
    seconds, and a normal exit would wait for it; destroying a running thread aborts), and
    even when nothing runs, tearing down an interpreter that imported torch takes more than a
    second. Safe: the library's writes are SQLite transactions and its files are replaced
    atomically, so a write cut short leaves nothing half-done (leftover temporary files are
    removed at the next start); the log is flushed first."""
    others = [
        t.name
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    busy = busy + busy_threads() + others
    if busy:
        log.info("Exiting without waiting for: %s", ", ".join(busy))
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
