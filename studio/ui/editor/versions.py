"""The list of a candidate's saved cut-out versions, newest first, with a Restore button."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.library import Cutout


def describe(cutout: Cutout, current: bool) -> str:
    """'v3 · manual · edited · 21 Nov 20:31:05  (current)'."""
    when = dt.datetime.fromtimestamp(cutout.created_at).strftime("%d %b %H:%M:%S")
    parts = [f"v{cutout.version}", str(cutout.method)]
    if cutout.confidence is not None:
        parts.append(f"{cutout.confidence:.2f}")
    if cutout.edited:
        parts.append("edited")
    parts.append(when)
    return " · ".join(parts) + ("  (current)" if current else "")


class VersionList(QWidget):
    #: The user asked to make this cut-out id current again.
    restore_requested = Signal(int)
    #: Restore was pressed with nothing selected.
    nothing_selected = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setToolTip("Saved cut-out versions; restoring one makes it current again")
        self.restore_button = QPushButton("Restore version", self)
        self.restore_button.clicked.connect(self._restore_selected)
        self.list.itemDoubleClicked.connect(lambda _item: self._restore_selected())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Versions", self))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.restore_button)

    def show_history(self, history: list[Cutout]) -> None:
        """Show `history` (oldest first, as the library lists it) newest first."""
        self.list.clear()
        for cutout in reversed(history):
            item = QListWidgetItem(describe(cutout, cutout.id == history[-1].id))
            item.setData(Qt.ItemDataRole.UserRole, cutout.id)
            self.list.addItem(item)

    def count(self) -> int:
        return self.list.count()

    def setCurrentRow(self, row: int) -> None:  # noqa: N802 (reads like the Qt widget it wraps)
        self.list.setCurrentRow(row)

    def _restore_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.nothing_selected.emit()
            return
        self.restore_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
