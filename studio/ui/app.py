"""Start the window: QApplication on a qasync event loop, Qt messages into the log, and a dialog
for anything that escapes. Torch is not imported here; models load in the background later."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from studio import APP_NAME, __version__
from studio.logs import install_excepthook
from studio.paths import studio_paths

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


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("StickerStudio")
    qInstallMessageHandler(_qt_message)
    install_excepthook(_show_crash_dialog)
    return app


def run_app() -> int:
    """Open the main window and run until it closes."""
    import qasync

    from studio.ui.main_window import MainWindow

    app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    log.info("Window shown")
    with loop:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        loop.run_until_complete(closed.wait())
    return 0
