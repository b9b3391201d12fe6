"""The list of packs, with create, rename and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.library import Library, Pack
from studio.pack.looks import NEW_PACK_LOOK, look_fields

NEW_PACK_TITLE = "New pack"


class PackList(QWidget):
    """Packs of the library; `pack_selected(pack_id)` (-1 for none) follows the current row."""

    pack_selected = Signal(int)
    packs_changed = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.list = QListWidget()
        self.list.setEditTriggers(QListWidget.EditTrigger.EditKeyPressed)
        self.new_button = QPushButton("New")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete…")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        self.new_button.clicked.connect(self.create_pack)
        self.rename_button.clicked.connect(self._ask_rename)
        self.delete_button.clicked.connect(self._ask_delete)
        self.list.currentItemChanged.connect(self._current_changed)
        self.reload()

    def current_pack_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def reload(self, select: int | None = None) -> None:
        """Refill from the library, keeping (or moving to) the selected pack."""
        keep = select if select is not None else self.current_pack_id()
        self.list.blockSignals(True)
        self.list.clear()
        row_to_select = 0
        for row, pack in enumerate(self._library.packs()):
            item = QListWidgetItem(self._text(pack))
            item.setData(Qt.ItemDataRole.UserRole, pack.id)
            self.list.addItem(item)
            if pack.id == keep:
                row_to_select = row
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(row_to_select)
        self._current_changed(self.list.currentItem(), None)
        self._update_buttons()

    def update_title(self, pack: Pack) -> None:
        """Show a title changed elsewhere (the title field) without reloading."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == pack.id:
                item.setText(self._text(pack))

    @staticmethod
    def _text(pack: Pack) -> str:
        return pack.title.strip() or "(untitled pack)"

    def _update_buttons(self) -> None:
        has = self.current_pack_id() is not None
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _current_changed(self, current, _previous) -> None:  # noqa: ANN001
        self._update_buttons()
        self.pack_selected.emit(
            -1 if current is None else int(current.data(Qt.ItemDataRole.UserRole))
        )

    def create_pack(self) -> Pack:
        """A new, empty pack, selected; its name is a valid placeholder the user can change, and
        its stickers get the new-pack look (`studio.pack.looks.NEW_PACK_LOOK`)."""
        pack = self._library.create_pack(NEW_PACK_TITLE, "")
        pack = self._library.update_pack(
            pack.id, name=f"stickers_{pack.id}", **look_fields(NEW_PACK_LOOK)
        )
        self.reload(select=pack.id)
        self.packs_changed.emit()
        return pack

    def rename_pack(self, pack_id: int, title: str) -> None:
        self._library.update_pack(pack_id, title=title)
        self.update_title(self._library.pack(pack_id))
        self.packs_changed.emit()

    def delete_pack(self, pack_id: int) -> None:
        self._library.delete_pack(pack_id)
        self.reload()
        self.packs_changed.emit()

    def _ask_rename(self) -> None:
        pack_id = self.current_pack_id()
        if pack_id is None:
            return
        title, ok = QInputDialog.getText(
            self, "Rename pack", "Pack title:", text=self._library.pack(pack_id).title
        )
        if ok:
            self.rename_pack(pack_id, title)

    def _ask_delete(self) -> None:
        pack_id = self.current_pack_id()
        if pack_id is None:
            return
        pack = self._library.pack(pack_id)
        count = len(self._library.pack_items(pack_id))
        answer = QMessageBox.question(
            self,
            "Delete pack",
            f"Delete the pack “{pack.title}” and its list of {count} stickers?\n"
            "The pictures stay in the library.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_pack(pack_id)
