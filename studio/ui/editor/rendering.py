"""Turning the image and mask into what the canvas draws, a dirty box at a time.

The canvas shows the cut-out over the chosen background, and the parts the mask removes tinted
red at the overlay opacity (0: only the cut-out, as the sticker will look; 1: the whole picture,
removed parts tinted). The composite is kept in one premultiplied ARGB32 buffer, Qt's native
format, so drawing it never converts; a stroke recomposes only its box.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from studio.masks import Box

# The backgrounds moved to a module of their own (the gallery shows cut-outs on them too).
from studio.ui.backdrops import (  # noqa: F401 - re-exported for the editor's modules
    BACKGROUND_TITLES,
    DARK_CHAT,
    LIGHT_CHAT,
    Background,
    background_brush,
    fill_background,
)

#: Removed parts are mixed half-way towards this colour (BGR order, as the buffer stores it).
_TINT_BGR = np.array([60, 40, 230], np.uint16)


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
