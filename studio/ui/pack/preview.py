"""A sticker shown as in a chat: rendered at 512 px, on a light and on a dark backdrop."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from studio.pack.rules import TELEGRAM_RULES

STICKER_SIDE = TELEGRAM_RULES["sticker"]["side_px"]
# Telegram's default chat backgrounds, close enough to judge the outline and shadow.
LIGHT_CHAT = QColor("#dfe8ee")
DARK_CHAT = QColor("#0e1621")


class ChatBackdrop(QWidget):
    """Paints a sticker image centred on a flat chat colour, scaled down to fit (never up)."""

    def __init__(self, color: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = color
        self.image: QImage | None = None
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(280, 280)

    def show_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802, ANN001 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.color)
        if self.image is None or self.image.isNull():
            return
        side = min(self.width(), self.height(), STICKER_SIDE) - 8
        scale = min(side / self.image.width(), side / self.image.height(), 1.0)
        width, height = self.image.width() * scale, self.image.height() * scale
        target = QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self.image)


class StickerPreview(QWidget):
    """The selected sticker on both backdrops, with its pixel size under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.light = ChatBackdrop(LIGHT_CHAT)
        self.dark = ChatBackdrop(DARK_CHAT)
        # Says the size, or why there is no sticker, once under both backdrops: drawn on each,
        # a message had half the width and wrapped ("Select a sticker to preview / it").
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.light)
        row.addWidget(self.dark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row, 1)
        layout.addWidget(self.caption)
        self.show_message("Select a sticker to preview it")

    def show_sticker(self, image: QImage) -> None:
        self.light.show_image(image)
        self.dark.show_image(image)
        self.caption.setText(f"{image.width()}×{image.height()} px, as exported")

    def show_message(self, message: str) -> None:
        self.light.show_image(None)
        self.dark.show_image(None)
        self.caption.setText(message)

    def shown_image(self) -> QImage | None:
        return self.light.image
