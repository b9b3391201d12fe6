"""A searchable emoji picker: type a name (English or Russian), click to pick up to 20 emoji.

The state lives in `picker_model.EmojiPickerModel`; this dialog draws it. One click on an emoji
picks it (Enter too), one click on a chosen emoji removes it (Delete too). Recently used emoji
come first and are remembered when the choice is assigned.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
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

from studio.ui.pack.picker_model import MAX_EMOJI, EmojiPickerModel
from studio.ui.pack.recent_emoji import RecentEmoji
from studio.ui.pack.suggest import EmojiIndex

__all__ = ["MAX_EMOJI", "EmojiPicker"]


def _emoji_font(point_size: int) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    return font


class EmojiPicker(QDialog):
    """Pick emoji for one sticker or a selection of stickers; `chosen()` after `accept()`.

    `recent`, when given, supplies the recently used emoji and remembers the choice on accept.
    """

    def __init__(
        self,
        index: EmojiIndex,
        initial: list[str] | None = None,
        suggested: list[str] | None = None,
        parent: QWidget | None = None,
        target: str = "this sticker",
        recent: RecentEmoji | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose emoji")
        self.resize(520, 560)
        self._recent = recent
        self.model = EmojiPickerModel(
            index,
            recent=recent.load() if recent else (),
            initial=initial or (),
            suggested=suggested or (),
        )
        self._build(target)
        self._connect()
        self._show_suggested()
        self._show_results()
        self._show_chosen()
        self.search.setFocus()

    def _build(self, target: str) -> None:
        self.search = QLineEdit(placeholderText="Search: cat, кот, heart, сердце…")
        self.search.setClearButtonEnabled(True)
        self.suggested_label = QLabel("Suggested from the prompt:")
        self.suggested_list = self._grid(rows=1)
        self.results_label = QLabel()
        self.results = self._grid()
        self.count_label = QLabel()
        self.chosen_list = self._grid(rows=1)
        self.clear_button = QPushButton("Clear")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"Assign to {target}")

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.suggested_label)
        layout.addWidget(self.suggested_list)
        layout.addWidget(self.results_label)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.chosen_list)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.search.textChanged.connect(self.set_query)
        # A click picks; Enter (or a double click, which is also a click) picks once too.
        for grid in (self.results, self.suggested_list):
            grid.itemClicked.connect(self._pick_item)
            grid.itemActivated.connect(self._pick_item)
        self.chosen_list.itemClicked.connect(self._unpick_item)
        self.chosen_list.installEventFilter(self)  # Delete or Backspace removes the current one
        self.clear_button.clicked.connect(self.clear)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _grid(self, rows: int = 0) -> QListWidget:
        grid = QListWidget()
        grid.setViewMode(QListWidget.ViewMode.IconMode)
        grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        grid.setMovement(QListWidget.Movement.Static)
        grid.setGridSize(QSize(44, 44))
        grid.setFont(_emoji_font(20))
        grid.setUniformItemSizes(True)
        if rows:
            grid.setMaximumHeight(rows * 44 + 20)
        return grid

    def _fill(self, grid: QListWidget, chars: list[str]) -> None:
        grid.clear()
        for char in chars:
            item = QListWidgetItem(char)
            item.setData(Qt.ItemDataRole.UserRole, char)
            item.setToolTip(self.model.name(char))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addItem(item)

    def _show_suggested(self) -> None:
        self._fill(self.suggested_list, self.model.suggested)
        # Nothing to suggest: no row at all rather than an empty one.
        self.suggested_label.setVisible(bool(self.model.suggested))
        self.suggested_list.setVisible(bool(self.model.suggested))

    def _show_results(self) -> None:
        self._fill(self.results, self.model.results())
        self.results_label.setText(self.model.results_heading())

    def _show_chosen(self) -> None:
        self._fill(self.chosen_list, self.model.chosen())
        self.count_label.setText(self.model.chosen_text())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.model.can_assign())

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.add(item.data(Qt.ItemDataRole.UserRole))

    def _unpick_item(self, item: QListWidgetItem) -> None:
        self.remove(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.chosen_list
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            item = self.chosen_list.currentItem()
            if item is not None:
                self._unpick_item(item)
            return True
        return super().eventFilter(watched, event)

    # -- public API -----------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        """Search the emoji names for `text` (what typing in the search field does)."""
        self.model.set_query(text)
        self._show_results()

    def add(self, char: str) -> bool:
        """Add an emoji to the chosen ones; False when it is there already or 20 are chosen."""
        added = self.model.pick(char)
        if added:
            self._show_chosen()
        return added

    def remove(self, char: str) -> None:
        self.model.unpick(char)
        self._show_chosen()

    def clear(self) -> None:
        self.model.clear()
        self._show_chosen()

    def chosen(self) -> list[str]:
        return self.model.chosen()

    def accept(self) -> None:
        if self._recent is not None:
            self._recent.save(self.model.recent_after_assign())
        super().accept()
