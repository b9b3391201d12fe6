"""Turning the image and mask into what the canvas draws, a dirty box at a time.

The canvas shows the cut-out over the chosen background, and the parts the mask removes tinted
red at the overlay opacity (0: only the cut-out, as the sticker will look; 1: the whole picture,
removed parts tinted). The composite is kept in one premultiplied ARGB32 buffer, Qt's native
format, so drawing it never converts; a stroke recomposes only its box.
"""

from __future__ import annotations

import enum

import numpy as np
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPixmap

from studio.masks import Box

#: Removed parts are mixed half-way towards this colour (BGR order, as the buffer stores it).
_TINT_BGR = np.array([60, 40, 230], np.uint16)


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


def background_brush(background: Background) -> QBrush:
    """The brush a view fills its background with (the checkerboard is a screen-space tile)."""
    if background is Background.LIGHT_CHAT:
        return QBrush(LIGHT_CHAT)
    if background is Background.DARK_CHAT:
        return QBrush(DARK_CHAT)
    tile = QPixmap(2 * _CHECKER_CELL, 2 * _CHECKER_CELL)
    tile.fill(QColor(0xFF, 0xFF, 0xFF))
    painter = QPainter(tile)
    grey = QColor(0xCC, 0xCC, 0xCC)
    painter.fillRect(0, 0, _CHECKER_CELL, _CHECKER_CELL, grey)
    painter.fillRect(_CHECKER_CELL, _CHECKER_CELL, _CHECKER_CELL, _CHECKER_CELL, grey)
    painter.end()
    return QBrush(tile)


class OverlayComposite:
    """The canvas's picture: cut-out plus tinted removed parts, premultiplied BGRA (H, W, 4)."""

    def __init__(self) -> None:
        self._bgr = np.zeros((1, 1, 3), np.uint16)
        self._tinted = np.zeros((1, 1, 3), np.uint16)
        self.buffer = np.zeros((1, 1, 4), np.uint8)
        self.qimage = QImage()
        self._opacity = 128  # 0..255

    def set_image(self, rgb: np.ndarray) -> None:
        """A new picture (H, W, 3) RGB; call `update` afterwards to compose it."""
        h, w = rgb.shape[:2]
        self._bgr = np.ascontiguousarray(rgb[:, :, ::-1]).astype(np.uint16)  # (H, W, 3) BGR
        self._tinted = (self._bgr + _TINT_BGR) // 2
        self.buffer = np.zeros((h, w, 4), np.uint8)
        # The QImage shares the numpy buffer: updating a box of the array updates the image.
        fmt = QImage.Format.Format_ARGB32_Premultiplied
        self.qimage = QImage(self.buffer.data, w, h, 4 * w, fmt)

    @property
    def opacity(self) -> float:
        return self._opacity / 255.0

    def set_opacity(self, value: float) -> None:
        self._opacity = int(round(min(1.0, max(0.0, value)) * 255))

    def update(self, mask: np.ndarray, box: Box | None = None) -> None:
        """Recompose the pixels in `box` (all when None) from the mask."""
        box = box or Box.of_array(mask.shape)
        s = box.slices
        m = mask[s].astype(np.uint16)[:, :, None]  # (h, w, 1) 0..255
        # Removed part's weight: (255 - m) * opacity / 255, in 0..255.
        rest = ((255 - m) * self._opacity + 127) // 255
        out = self.buffer[s]
        out[:, :, :3] = (self._bgr[s] * m + self._tinted[s] * rest + 127) // 255
        out[:, :, 3:] = m + rest


def qimage_from_rgba(rgba: np.ndarray) -> QImage:
    """A QImage copy of an (H, W, 4) uint8 RGBA array."""
    h, w = rgba.shape[:2]
    data = np.ascontiguousarray(rgba)
    return QImage(data.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()

