"""A searchable emoji picker: type a name (English or Russian), pick up to 20 emoji."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.pack.rules import TELEGRAM_RULES
from studio.ui.pack.suggest import EmojiIndex

MAX_EMOJI = TELEGRAM_RULES["emoji"]["max_per_sticker"]


def _emoji_font(point_size: int) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    return font


class EmojiPicker(QDialog):
    """Pick emoji for one sticker or a selection of stickers.

    Double-click (or Enter) on a search result adds it to the chosen row; double-click on a
    chosen emoji removes it. `chosen()` is the result after `accept()`.
    """

    def __init__(
        self,
        index: EmojiIndex,
        initial: list[str] | None = None,
        suggested: list[str] | None = None,
        parent: QWidget | None = None,
        target: str = "this sticker",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose emoji")
        self.resize(520, 560)
        self._index = index

        self.search = QLineEdit(placeholderText="Search: cat, кот, heart, сердце…")
        self.search.setClearButtonEnabled(True)
        self.results = self._grid()
        self.chosen_list = self._grid()
        self.chosen_list.setMaximumHeight(64)
        self.count_label = QLabel()
        self.clear_button = QPushButton("Clear")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"Assign to {target}")

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        if suggested:
            layout.addWidget(QLabel("Suggested from the prompt:"))
            self.suggested_list = self._grid()
            self.suggested_list.setMaximumHeight(64)
            self._fill(self.suggested_list, suggested)
            self.suggested_list.itemActivated.connect(self._add_item)
            layout.addWidget(self.suggested_list)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.chosen_list)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.buttons)

        self._chosen: list[str] = []
        for char in initial or []:
            self.add(char)
        self.search.textChanged.connect(self._refresh_results)
        self.results.itemActivated.connect(self._add_item)
        self.chosen_list.itemActivated.connect(self._remove_item)
        self.clear_button.clicked.connect(self.clear)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._refresh_results("")
        self._refresh_chosen()

    def _grid(self) -> QListWidget:
        grid = QListWidget()
        grid.setViewMode(QListWidget.ViewMode.IconMode)
        grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        grid.setMovement(QListWidget.Movement.Static)
        grid.setGridSize(QSize(44, 44))
        grid.setFont(_emoji_font(20))
        grid.setUniformItemSizes(True)
        return grid

    def _fill(self, grid: QListWidget, chars: list[str]) -> None:
        grid.clear()
        for char in chars:
            item = QListWidgetItem(char)
            item.setData(Qt.ItemDataRole.UserRole, char)
            item.setToolTip(self._index.name(char))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addItem(item)

    def _refresh_results(self, text: str) -> None:
        self._fill(self.results, [entry.emoji for entry in self._index.search(text)])

    def _refresh_chosen(self) -> None:
        self._fill(self.chosen_list, self._chosen)
        self.count_label.setText(
            f"Chosen: {len(self._chosen)} of {MAX_EMOJI} (double-click one to remove it)"
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self._chosen))

    def _add_item(self, item: QListWidgetItem) -> None:
        self.add(item.data(Qt.ItemDataRole.UserRole))

    def _remove_item(self, item: QListWidgetItem) -> None:
        self.remove(item.data(Qt.ItemDataRole.UserRole))

    def add(self, char: str) -> bool:
        """Add an emoji to the chosen ones; False when it is there already or 20 are chosen."""
        if char in self._chosen or len(self._chosen) >= MAX_EMOJI:
            return False
        self._chosen.append(char)
        self._refresh_chosen()
        return True

    def remove(self, char: str) -> None:
        if char in self._chosen:
            self._chosen.remove(char)
            self._refresh_chosen()

    def clear(self) -> None:
        self._chosen.clear()
        self._refresh_chosen()

    def chosen(self) -> list[str]:
        return list(self._chosen)
