"""The window's status bar: a message that does not fit is cut with an ellipsis, never hidden.

Qt draws a status message in the room left of the permanent widgets and simply clips it there,
so the end of a long message (often the part that says what to do) vanished under the device
label without a sign that anything was missing. Here a message is elided to that room, and the
whole of it is the bar's tooltip while it shows. The room changes when the window is resized or a
permanent label changes its text, so the message is fitted again then, without restarting its
timeout.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QStatusBar, QWidget

# QStatusBar's own margins around the message (qstatusbar.cpp, messageRect): 6 px before it, 2 px
# before the first permanent widget, 12 px before the size grip when there is none.
_LEFT_MARGIN = 6
_GAP_BEFORE_PERMANENT = 2
_RIGHT_MARGIN = 12


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""  # the whole message, as it was given
        self._shown = ""  # what is on the bar: the message, elided to fit
        self._permanent: list[QWidget] = []
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.clearMessage)
        self.messageChanged.connect(self._on_message_changed)

    def message(self) -> str:
        """The whole current message, however much of it fits on the bar."""
        return self._message

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        self._message = text
        if timeout > 0:
            self._expiry.start(timeout)
        else:
            self._expiry.stop()
        self._fit()

    def clearMessage(self) -> None:  # noqa: N802 (Qt's name)
        self._message = ""
        self._expiry.stop()
        super().clearMessage()

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802
        super().addPermanentWidget(widget, stretch)
        self._permanent.append(widget)
        widget.installEventFilter(self)

    def message_room(self) -> int:
        """Pixels the message may take: from the bar's left margin to the first permanent
        widget shown (or the size grip)."""
        right = self.width() - _RIGHT_MARGIN
        shown = [widget.x() for widget in self._permanent if widget.isVisible()]
        if shown:
            right = min(shown) - _GAP_BEFORE_PERMANENT
        return max(0, right - _LEFT_MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._message and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._fit()
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._message:
            self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._message, Qt.TextElideMode.ElideRight, self.message_room()
        )
        self.setToolTip(self._message if shown != self._message else "")
        self._shown = shown
        super().showMessage(shown)

    def _on_message_changed(self, text: str) -> None:
        # Qt itself replaces the message with an action's status tip while the pointer is on
        # it (and clears it after): the message given here is gone then, as in a plain bar.
        if text != self._shown:
            self._message = ""
            self._shown = text
            self._expiry.stop()
            self.setToolTip("")
