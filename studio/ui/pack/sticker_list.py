"""The pack's stickers in order: drag to reorder (or Ctrl+Up/Down), Delete to remove."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from studio.ui.pack.model import StickerEntry

ICON_SIDE = 64
_PROBLEM_BRUSH = QBrush(QColor(217, 83, 79, 60))


class StickerList(QListWidget):
    """One row per sticker; rows carry the pack item id.

    `order_changed(item_ids)` after a drag or a keyboard move; `remove_requested(item_ids)` on
    Delete; `sticker_activated(candidate_id)` on double-click (to open it in the mask editor).
    """

    order_changed = Signal(list)
    remove_requested = Signal(list)
    sticker_activated = Signal(int)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        # A drop in InternalMove mode moves the rows inside the model, one `moveRow` per dragged
        # row: the new order is read once the drop is over, not in the middle of it.
        self._order_timer = QTimer(self)
        self._order_timer.setSingleShot(True)
        self._order_timer.setInterval(0)
        self._order_timer.timeout.connect(lambda: self.order_changed.emit(self.item_ids()))
        self.model().rowsMoved.connect(self._rows_moved)
        self.itemDoubleClicked.connect(
            lambda item: self.sticker_activated.emit(item.data(Qt.ItemDataRole.UserRole + 1))
        )
        for keys, step in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda step=step: self.move_selected(step))
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(lambda: self.remove_requested.emit(self.selected_item_ids()))

    def set_entries(self, entries: list[StickerEntry], problems: dict[int, list[str]]) -> None:
        """Refill, keeping the selection by item id; `problems` maps index -> messages."""
        selected = set(self.selected_item_ids())
        current = self.currentItem()
        current_id = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.blockSignals(True)
        self.model().blockSignals(True)
        icons = {
            self.item(row).data(Qt.ItemDataRole.UserRole): self.item(row).icon()
            for row in range(self.count())
        }
        self.clear()
        for index, entry in enumerate(entries):
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, entry.item.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, entry.candidate.id)
            item.setData(Qt.ItemDataRole.UserRole + 2, entry.render_key)
            if entry.item.id in icons:
                item.setIcon(icons[entry.item.id])
            self.addItem(item)
            self._describe(item, index, entry, problems.get(index, []))
            item.setSelected(entry.item.id in selected)
            if entry.item.id == current_id:
                self.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.model().blockSignals(False)
        self.blockSignals(False)

    def _describe(
        self, item: QListWidgetItem, index: int, entry: StickerEntry, problems: list[str]
    ) -> None:
        emoji = "".join(entry.item.emoji_list) or "—"
        prompt = (entry.candidate.prompt or "").strip()
        if len(prompt) > 40:
            prompt = prompt[:39] + "…"
        item.setText(f"{index + 1}. {emoji}   #{entry.candidate.id} {prompt}")
        item.setBackground(_PROBLEM_BRUSH if problems else QBrush())
        item.setToolTip("\n".join(problems))

    def set_icon(self, render_key: object, image: QImage) -> None:
        """Show a rendered picture on the rows whose pixels it is."""
        icon = QIcon(QPixmap.fromImage(image))
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole + 2) == render_key:
                item.setIcon(icon)

    def item_ids(self) -> list[int]:
        return [self.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.count())]

    def selected_item_ids(self) -> list[int]:
        """Selected stickers' item ids, in pack order."""
        return [
            self.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.count())
            if self.item(row).isSelected()
        ]

    def select_index(self, index: int) -> None:
        """Make sticker `index` the only selection, scrolled into view."""
        item = self.item(index)
        if item is None:
            return
        self.clearSelection()
        self.setCurrentItem(item)
        item.setSelected(True)
        self.scrollToItem(item)

    def move_selected(self, step: int) -> None:
        """Move the selected stickers one place up (-1) or down (+1), keeping them selected."""
        ids = self.item_ids()
        chosen = set(self.selected_item_ids())
        if not chosen:
            return
        order = list(ids)
        rows = range(len(order)) if step < 0 else range(len(order) - 1, -1, -1)
        for row in rows:
            other = row + step
            if order[row] in chosen and 0 <= other < len(order) and order[other] not in chosen:
                order[row], order[other] = order[other], order[row]
        if order != ids:
            self.order_changed.emit(order)

    def _rows_moved(self, *_args: QModelIndex) -> None:
        self._order_timer.start()
