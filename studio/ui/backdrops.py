"""What a cut-out is shown on: a checkerboard, or Telegram-like light and dark chat backgrounds.

Shared by the mask editor and the gallery. Everything here paints with `QImage` textures, never
`QPixmap`, so the gallery can compose its thumbnails on worker threads.
"""

from __future__ import annotations

import enum

from PySide6.QtGui import QBrush, QColor, QImage, QPainter


class Background(enum.StrEnum):
    CHECKERBOARD = "checkerboard"
    LIGHT_CHAT = "light"
    DARK_CHAT = "dark"


BACKGROUND_TITLES = {
    Background.CHECKERBOARD: "Checkerboard",
    Background.LIGHT_CHAT: "Light chat",
    Background.DARK_CHAT: "Dark chat",
}

# Plain colours close to Telegram's default day and night chat backgrounds.
LIGHT_CHAT = QColor(0xD7, 0xE4, 0xC9)
DARK_CHAT = QColor(0x0E, 0x16, 0x21)
_CHECKER_CELL = 8


def _checker_tile() -> QImage:
    tile = QImage(2 * _CHECKER_CELL, 2 * _CHECKER_CELL, QImage.Format.Format_RGB32)
    tile.fill(QColor(0xFF, 0xFF, 0xFF))
    grey = QColor(0xCC, 0xCC, 0xCC)
    painter = QPainter(tile)
    painter.fillRect(0, 0, _CHECKER_CELL, _CHECKER_CELL, grey)
    painter.fillRect(_CHECKER_CELL, _CHECKER_CELL, _CHECKER_CELL, _CHECKER_CELL, grey)
    painter.end()
    return tile


def background_brush(background: Background) -> QBrush:
    """The brush a view fills its background with (the checkerboard is a tiled texture)."""
    if background is Background.LIGHT_CHAT:
        return QBrush(LIGHT_CHAT)
    if background is Background.DARK_CHAT:
        return QBrush(DARK_CHAT)
    return QBrush(_checker_tile())


def fill_background(painter: QPainter, rect, background: Background) -> None:  # noqa: ANN001
    """Fill `rect` with `background`, the checkerboard aligned to the painter's origin."""
    painter.save()
    painter.setBrushOrigin(0, 0)
    painter.fillRect(rect, background_brush(background))
    painter.restore()
