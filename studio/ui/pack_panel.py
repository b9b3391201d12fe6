"""Where the sticker pack panel goes. The pack editor (order, emoji, Telegram checks, export)
is a separate part of the studio; until it is in, this dock says so plainly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PackPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(
            "Sticker packs are not in this version yet.\n\n"
            "Keep and star candidates now: their cut-outs are made as you go, and the pack "
            "panel will build Telegram packs from your kept candidates."
        )
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addStretch(1)
