""" "Where to generate": this device, every GPU of this machine, or a Ray cluster."""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from studio.cluster.ray_import import INSTALL_HINT
from studio.cluster.where import GPUS, LOCAL, InvalidWhere, Where

_CLUSTER = "ray"
_CHOICES = (
    (LOCAL, "This device"),
    (GPUS, "Every GPU of this machine"),
    (_CLUSTER, "A Ray cluster"),
)


def ray_installed() -> bool:
    """Whether Ray can be imported, found without importing it (that takes a second)."""
    return importlib.util.find_spec("ray") is not None


class WhereChooser(QWidget):
    """A choice and, for a cluster, its address; `where_changed` carries the new setting
    ("local" as None, "gpus", or "ray://HOST:PORT") once it is valid."""

    where_changed = Signal(object)  # str | None

    def __init__(self, where: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ray_installed = ray_installed()
        self._build()
        self._connect()
        self.set_where(where)

    def _build(self) -> None:
        self.choice_box = QComboBox()
        for value, label in _CHOICES:
            self.choice_box.addItem(label, value)
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("ray://HOST:10001")
        self.hint_label = QLabel()
        self.hint_label.setObjectName("hint")
        self.hint_label.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.choice_box)
        row.addWidget(self.address_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.hint_label)

    def _connect(self) -> None:
        self.choice_box.currentIndexChanged.connect(self._on_choice)
        self.address_edit.editingFinished.connect(self._on_address)

    def set_where(self, where: str | None) -> None:
        """Show a saved setting (an unknown one shows as this device)."""
        try:
            parsed = Where.parse(where)
        except InvalidWhere:
            parsed = Where.parse(None)
        self.choice_box.blockSignals(True)
        self.choice_box.setCurrentIndex(self.choice_box.findData(parsed.kind))
        self.choice_box.blockSignals(False)
        if parsed.address:
            self.address_edit.setText(parsed.address)
        self._show_state()

    def where(self) -> str | None:
        """The setting shown, or None for this device; a cluster without a valid address is
        None too (nothing changes until it is valid)."""
        kind = self.choice_box.currentData()
        if kind == LOCAL:
            return None
        if kind == GPUS:
            return GPUS
        try:
            parsed = Where.parse(self.address_edit.text().strip())
        except InvalidWhere:
            return None
        return parsed.address  # None for an empty field

    def _on_choice(self) -> None:
        self._show_state()
        kind = self.choice_box.currentData()
        if kind != _CLUSTER or self.where() is not None:
            self.where_changed.emit(self.where())

    def _on_address(self) -> None:
        self._show_state()
        if self.where() is not None:
            self.where_changed.emit(self.where())

    def _show_state(self) -> None:
        kind = self.choice_box.currentData()
        self.address_edit.setVisible(kind == _CLUSTER)
        if kind == LOCAL:
            hint = "One model on the device chosen below."
        elif not self._ray_installed:
            hint = f"Needs Ray, which is not installed: {INSTALL_HINT}"
        elif kind == GPUS:
            hint = "One replica per GPU of this machine, each with its own copy of the model."
        else:
            text = self.address_edit.text().strip()
            valid = True
            if text:
                try:
                    Where.parse(text)
                except InvalidWhere:
                    valid = False
            hint = (
                "Each node of the cluster reads its own models folder: download or import the "
                "model there first."
                if valid
                else "Type the cluster's Ray client address, ray://HOST:PORT."
            )
        self.hint_label.setText(hint)
